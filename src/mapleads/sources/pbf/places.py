"""Place names → exact areas, from the file's own administrative boundaries and place objects.

Real extracts cut boundaries at their edge, so a boundary relation often lacks some of its ways. Rules:
- all rings close → the boundary as it is;
- some ways are missing but every gap lies at the edge of the data → the boundary is closed along the data's
  bounding box (the missing part is outside the data, so nothing inside it is lost); the side that is the
  place is the one holding the place's label / admin_centre / place node;
- no way is present but the place's own node lies in the data → the data lies inside the place: its whole extent;
- a gap inside the data → an `AreaError` that says which ways are missing and suggests --bbox / --near;
- only a place node → an area around it sized by its `place` type, stated in the area's notes.
Never a silently wrong area: every inference is written to `Area.notes`.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field, fields
from functools import lru_cache
from itertools import zip_longest
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np
import osmium
import shapely
from osmium.filter import IdFilter, KeyFilter
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from mapleads.areas import Area, area_from_radius
from mapleads.disk_cache import disk_cached
from mapleads.errors import AreaError
from mapleads.settings import get_settings
from mapleads.sources.pbf.geometry import areas_of
from mapleads.sources.pbf.place_objects import PlaceObjects, RawPlace
from mapleads.sources.pbf.reader import READ_ERRORS, corrupt
from mapleads.sources.pbf.scan import only_for
from mapleads.taxonomy.model import fold

CACHE_VERSION = 2
#: radius (m) assumed around a place node that has no boundary, by its place=* value
PLACE_RADIUS_M = {
    "city": 5000, "town": 2500, "borough": 1500, "suburb": 1000, "village": 1000, "quarter": 700,
    "neighbourhood": 500, "city_block": 150, "hamlet": 300, "isolated_dwelling": 150, "locality": 300,
    "square": 100, "plot": 100, "island": 1000, "islet": 200,
}  # fmt: skip
EDGE_TOLERANCE_DEG = 0.0005  # ~50 m: how close to the data's edge a cut boundary must end


@dataclass(slots=True)
class Place:
    name: str
    ref: str  # "relation/123", "way/45", "node/6"
    kind: str  # boundary | place
    names: tuple[str, ...] = ()  # name:xx variants and alt names
    admin_level: str | None = None
    place: str | None = None
    wkb: bytes | None = None  # the area, when one could be built
    label: tuple[float, float] | None = None  # (lon, lat) of the label/admin_centre/place node
    complete: bool = True
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def geometry(self) -> BaseGeometry | None:
        return shapely.from_wkb(self.wkb) if self.wkb else None

    def describe(self) -> str:
        detail = f"admin_level {self.admin_level}" if self.admin_level else f"place={self.place}"
        return f'"{self.name}" [{self.ref}, {detail}]'

    def __reduce__(self) -> tuple[type[Place], tuple[Any, ...]]:
        """Pickled as its fields in order: the default for a slotted dataclass took three times as long, and an
        index build's place processes send a country's tens of thousands back."""
        return Place, _place_fields(self)


_place_fields = attrgetter(*(f.name for f in fields(Place)))


class _Markers:
    """Place nodes by folded name: the label of a boundary without one, and the nodes of its neighbours.

    Looked up once per boundary, so by name and with vectorised point tests (a country has tens of thousands
    of both; comparing every pair made reading its places quadratic).
    """

    def __init__(self, markers: list[tuple[str, tuple[float, float]]]) -> None:
        self._by_name: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for name, point in markers:
            self._by_name[name].append(point)
        self.names = np.array([name for name, _ in markers], dtype=object)
        coords = np.array([point for _, point in markers], dtype=float).reshape(-1, 2)
        self.xs, self.ys = coords[:, 0], coords[:, 1]

    def named(self, name: str) -> list[tuple[float, float]]:
        return self._by_name.get(name, [])

    def other_than(self, name: str) -> _Foreign:
        return _Foreign(self, name)


@dataclass(slots=True)
class _Foreign:
    """The place nodes that do not carry one boundary's name."""

    markers: _Markers
    own: str

    def any_in(self, shape: BaseGeometry) -> bool:
        m = self.markers
        w, s, e, n = shape.bounds
        near = np.flatnonzero((m.xs >= w) & (m.xs <= e) & (m.ys >= s) & (m.ys <= n))
        near = near[m.names[near] != self.own]
        return bool(len(near)) and bool(shapely.intersects_xy(shape, m.xs[near], m.ys[near]).any())


def _names(tags: dict[str, str]) -> tuple[str, ...]:
    keys = [k for k in tags if k.startswith(("name:", "alt_name", "official_name", "short_name", "loc_name"))]
    return tuple(dict.fromkeys(tags[k] for k in sorted(keys)))


def read_places(path: Path) -> tuple[list[Place], tuple[float, float, float, float] | None]:
    """All named places of a file and the data's bounding box (W, S, E, N), from two streaming passes."""
    objects = PlaceObjects()
    try:
        for obj in osmium.FileProcessor(str(path)).with_filter(KeyFilter("place", "boundary")):
            if "name" not in obj.tags:
                continue
            tags = dict(obj.tags)
            if isinstance(obj, osmium.osm.Node):
                if obj.location.valid():
                    objects.add_node(obj.id, tags, obj.location.lon, obj.location.lat)
            elif isinstance(obj, osmium.osm.Way):
                if objects.is_way_place(tags, obj.is_closed()):
                    objects.add_way(obj.id, tags)
            elif isinstance(obj, osmium.osm.Relation):
                objects.add_relation(obj.id, tags, ((m.type, m.ref, m.role) for m in obj.members))
        data_box = data_extent(path) if objects.has_areas() else header_box(path)
        ways, label_points = _way_lines(path, objects.way_ids(), objects.label_ids())
    except READ_ERRORS as exc:
        raise corrupt(path, exc) from None
    return build_places(objects, ways, label_points, data_box), data_box


def header_box(path: Path) -> tuple[float, float, float, float] | None:
    """The bounding box the file's header declares (W, S, E, N), if any."""
    with osmium.io.Reader(str(path), osmium.osm.NOTHING) as reader:
        hbox = reader.header().box()
    if not hbox.valid():
        return None
    return (hbox.bottom_left.lon, hbox.bottom_left.lat, hbox.top_right.lon, hbox.top_right.lat)


def data_extent(path: Path) -> tuple[float, float, float, float] | None:
    """The data's bounding box: the header's, else one pass over every node (files without one are rare)."""
    return header_box(path) or _node_extent(path)


def build_places(
    objects: PlaceObjects,
    ways: dict[int, BaseGeometry],
    label_points: dict[int, tuple[float, float]],
    data_box: tuple[float, float, float, float] | None,
) -> list[Place]:
    """The places of a file from its raw place objects, the lines of their ways and their label points."""
    return joined_places([build_place_share(objects, ways, label_points, data_box, (0, 1))])


def build_place_share(
    objects: PlaceObjects,
    ways: dict[int, BaseGeometry],
    label_points: dict[int, tuple[float, float]],
    data_box: tuple[float, float, float, float] | None,
    share: tuple[int, int],
) -> tuple[list[Place], list[Place]]:
    """Share k of n of `build_places`, for n processes side by side: (every n-th area place from the k-th, and the
    point places if k is 0). `joined_places` puts the shares together in `build_places`' order."""
    k, n = share
    points = dict(label_points)
    for nid, raw in objects.nodes.items():
        points[nid] = raw.point  # type: ignore[assignment]
    nodes = objects.nodes.values()
    markers = _Markers([(fold(r.tags["name"]), r.point) for r in nodes if r.point is not None])
    mine = (objects.relations + objects.ways)[k::n]
    outlines = _outlines([raw.members[0][0] for raw in mine if raw.ref.startswith("way/") and raw.members], ways)
    areas = [_build(raw, ways, points, markers, data_box, outlines) for raw in mine]
    if k:
        return areas, []
    used_nodes = {node for r in objects.relations for node in r.label_nodes}
    return areas, [_point_place(raw, nid in used_nodes) for nid, raw in objects.nodes.items()]


def joined_places(shares: list[tuple[list[Place], list[Place]]]) -> list[Place]:
    """The places of every share (in share order), in the order one process builds them: the areas interleaved
    back, then the point places."""
    interleaved = zip_longest(*(areas for areas, _ in shares))
    return [p for group in interleaved for p in group if p is not None] + [p for _, points in shares for p in points]


def _node_extent(path: Path) -> tuple[float, float, float, float] | None:
    """The data's extent when the header declares none: one pass over every node (cached with the places)."""
    west = south = math.inf
    east = north = -math.inf
    for node in osmium.FileProcessor(str(path), osmium.osm.NODE):
        loc = node.location  # type: ignore[union-attr]
        if loc.valid():
            lon, lat = loc.lon, loc.lat
            west, east = min(west, lon), max(east, lon)
            south, north = min(south, lat), max(north, lat)
    return (west, south, east, north) if west <= east else None


def _way_lines(
    path: Path, way_ids: set[int], node_ids: set[int]
) -> tuple[dict[int, BaseGeometry], dict[int, tuple[float, float]]]:
    ways: dict[int, BaseGeometry] = {}
    points: dict[int, tuple[float, float]] = {}
    if not way_ids and not node_ids:
        return ways, points
    fp = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations(get_settings().node_locations)
        .with_filter(only_for(IdFilter(way_ids), osmium.osm.WAY))
        .with_filter(only_for(IdFilter(node_ids), osmium.osm.NODE))
    )
    for obj in fp:
        if isinstance(obj, osmium.osm.Node):
            points[obj.id] = (obj.location.lon, obj.location.lat)
            continue
        if not isinstance(obj, osmium.osm.Way):
            continue
        coords = [(n.lon, n.lat) for n in obj.nodes if n.location.valid()]
        if len(coords) >= 2:
            ways[obj.id] = shapely.LineString(coords)
    return ways, points


def _point_place(raw: RawPlace, is_label: bool) -> Place:
    tags = raw.tags
    kind = tags.get("place", "")
    place = Place(tags["name"], raw.ref, "place", _names(tags), place=kind, label=raw.point)
    if raw.point is not None:
        radius = PLACE_RADIUS_M.get(kind, 500)
        lon, lat = raw.point
        area = area_from_radius(f"{lat},{lon}", radius)
        place.wkb = shapely.to_wkb(area.geometry)
        place.complete = False
        place.notes.append(
            f"{place.name} has no boundary in this file: using {radius} m around its place node "
            f"({raw.ref}, place={kind}); pass --near/--radius or --bbox to choose the area yourself"
        )
    place.kind = "label" if is_label else "place"
    return place


def _outlines(way_ids: list[int], ways: dict[int, BaseGeometry]) -> dict[int, bytes]:
    """The areas of the closed ones of these ways, as WKB (`geometry.areas_of`, all at once)."""
    closed = [w for w in way_ids if w in ways and ways[w].is_closed and shapely.get_num_coordinates(ways[w]) >= 4]
    if not closed:
        return {}
    shapes = areas_of(np.array([ways[w] for w in closed], dtype=object))
    return dict(zip(closed, shapely.to_wkb(shapes).tolist(), strict=True))


def _build(
    raw: RawPlace,
    ways: dict[int, BaseGeometry],
    points: dict[int, tuple[float, float]],
    markers: _Markers,
    data_box: tuple[float, float, float, float] | None,
    outlines: dict[int, bytes],
) -> Place:
    """A place from its raw object; `outlines`: the closed ways' areas, made already (`_outlines`)."""
    tags = raw.tags
    place = Place(
        tags["name"],
        raw.ref,
        "boundary",
        _names(tags),
        admin_level=tags.get("admin_level"),
        place=tags.get("place"),
    )
    label = next((points[n] for n in raw.label_nodes if n in points), None)
    own = fold(place.name)
    if label is None:  # a place node of the same name marks the inside just as well
        label = next((pt for pt in markers.named(own) if not data_box or _inside(pt, data_box)), None)
    place.label = label
    foreign = markers.other_than(own)
    if raw.ref.startswith("way/"):
        return _build_way(place, raw, ways, foreign, data_box, outlines)
    present = [ways[ref] for ref, role in raw.members if ref in ways and role != "inner"]
    inner = [ways[ref] for ref, role in raw.members if ref in ways and role == "inner"]
    missing = sum(1 for ref, _ in raw.members if ref not in ways)
    total = len(raw.members)
    if not present:
        if label and data_box and _inside(label, data_box):
            place.wkb = shapely.to_wkb(box(*data_box))
            place.complete = False
            place.notes.append(
                f"none of the {total} boundary ways of {place.name} ({raw.ref}) is in this file, but its centre "
                "is: the whole file lies inside it, so the area is the file's extent"
            )
        else:
            place.error = (
                f"the boundary of {place.name} ({raw.ref}) is not in this file (0 of {total} ways); "
                "use --bbox or --near/--radius"
            )
        return place
    merged = shapely.line_merge(shapely.union_all(present))
    polys, dangles, cuts, _invalid = shapely.polygonize_full(shapely.get_parts(merged))
    rings_closed = dangles.is_empty and cuts.is_empty and not polys.is_empty
    if rings_closed and not missing:
        area = shapely.union_all(shapely.get_parts(polys))
    else:
        area, why = _close_along_edge(merged, label, foreign, data_box)
        if area is None:
            place.error = (
                f"the boundary of {place.name} ({raw.ref}) is incomplete in this file: {missing} of {total} ways "
                f"are missing and {why}; use --bbox {_bbox_text(merged)} or --near/--radius instead"
            )
            return place
        place.complete = False
        place.notes.append(
            f"{place.name} ({raw.ref}) has {total - missing} of its {total} boundary ways in this file; the "
            "missing part lies outside the data, so the boundary was closed along the data's edge"
        )
    if inner:
        holes = shapely.polygonize(shapely.get_parts(shapely.line_merge(shapely.union_all(inner))))
        if not holes.is_empty:
            area = shapely.difference(area, shapely.union_all(shapely.get_parts(holes)))
    if not area.is_valid:
        area = shapely.make_valid(area)
    place.wkb = shapely.to_wkb(area)
    return place


def _build_way(
    place: Place,
    raw: RawPlace,
    ways: dict[int, BaseGeometry],
    foreign: _Foreign,
    data_box: tuple[float, float, float, float] | None,
    outlines: dict[int, bytes],
) -> Place:
    line = ways.get(raw.members[0][0])
    if line is None:
        place.error = f"the outline of {place.name} ({raw.ref}) is not in this file; use --bbox or --near/--radius"
        return place
    if (outline := outlines.get(raw.members[0][0])) is not None:  # a closed way: its area is made already
        place.wkb = outline
        return place
    area, why = _close_along_edge(line, place.label, foreign, data_box)
    if area is None:
        place.error = (
            f"the outline of {place.name} ({raw.ref}) is cut in this file and {why}; "
            f"use --bbox {_bbox_text(line)} or --near/--radius instead"
        )
        return place
    place.complete = False
    place.notes.append(f"{place.name} ({raw.ref}) is cut at the data's edge and was closed along it")
    place.wkb = shapely.to_wkb(area)
    return place


def _inside(point: tuple[float, float], bbox: tuple[float, float, float, float]) -> bool:
    return bbox[0] <= point[0] <= bbox[2] and bbox[1] <= point[1] <= bbox[3]


def _bbox_text(geom: BaseGeometry) -> str:
    w, s, e, n = geom.bounds
    return f"{w:.4f},{s:.4f},{e:.4f},{n:.4f}"


@lru_cache(maxsize=8)
def _frame(data_box: tuple[float, float, float, float]) -> tuple[BaseGeometry, BaseGeometry]:
    """The data's box and its outline, made once per file (thousands of cut boundaries are closed along them)."""
    frame = box(*data_box)
    return frame, frame.exterior


def _close_along_edge(
    lines: BaseGeometry,
    label: tuple[float, float] | None,
    foreign: _Foreign,
    data_box: tuple[float, float, float, float] | None,
) -> tuple[BaseGeometry | None, str]:
    """Close open boundary chains with the data's bounding box, if every open end lies at that edge.

    The inside is the side holding the place's own label; without one, the only side that holds no other
    place's node (a neighbour's side always does) — else the side cannot be told and nothing is guessed.
    """
    if data_box is None:
        return None, "the file declares no bounding box to close it along"
    frame, edge = _frame(data_box)
    inside = shapely.intersection(lines, frame)
    chains = []
    for part in shapely.get_parts(shapely.line_merge(inside)):
        coords = shapely.get_coordinates(part)
        if len(coords) < 2:
            continue
        if part.is_closed:
            chains.append(part)
            continue
        ends = shapely.points(coords[[0, -1]])
        for end, away in zip(coords[[0, -1]].tolist(), shapely.distance(ends, edge).tolist(), strict=True):
            if away > EDGE_TOLERANCE_DEG:
                lon, lat = end
                return None, f"the gap lies inside the data (an open end at {lat:.5f},{lon:.5f})"
        # extend both ends onto the edge, so the chain splits the data's area in two
        first, last = shapely.get_coordinates(
            shapely.line_interpolate_point(edge, shapely.line_locate_point(edge, ends))
        )
        chains.append(shapely.LineString(np.vstack([first, coords, last])))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all([*chains, edge]))))
    if len(faces) == 0:
        return None, "its ways do not cross the data's area"
    if label is not None:
        chosen = [f for f in faces if shapely.intersects_xy(f, *label)]
        if not chosen:
            return None, "its label node lies outside the data"
        return shapely.union_all(chosen), ""
    free = [f for f in faces if not foreign.any_in(f)]
    if len(free) != 1:
        return None, "it has no label node to tell which side of it is inside"
    return free[0], ""


class PlaceCatalog:
    """The places of one file, resolvable by name (any language variant, accents and case ignored)."""

    def __init__(self, places: list[Place], data_box: tuple[float, float, float, float] | None) -> None:
        self.places = places
        self.data_box = data_box
        self._by_name: dict[str, list[Place]] = defaultdict(list)
        for place in places:
            for name in (place.name, *place.names):
                self._by_name[fold(name)].append(place)

    @classmethod
    def for_file(cls, path: Path) -> PlaceCatalog:
        st = path.stat()
        return _catalog(str(path.resolve()), st.st_size, st.st_mtime_ns)

    def resolve(self, text: str) -> Area:
        wanted = text.strip()
        by_ref = [p for p in self.places if p.ref == wanted]
        matches = by_ref or _dedupe(self._by_name.get(fold(wanted), [])) or self._within_parents(wanted)
        if not matches:
            from rapidfuzz import fuzz, process  # only for an unknown place: not at every command's start

            choices = process.extract(fold(wanted), list(self._by_name), scorer=fuzz.WRatio, limit=5)
            near = [self._by_name[c][0].name for c, score, _ in choices if score >= 70]
            hint = f"; did you mean: {', '.join(dict.fromkeys(near))}?" if near else ""
            raise AreaError(f"unknown place '{text}' in this file{hint}")
        broken = [p for p in matches if p.kind == "boundary" and p.error]
        points = [p for p in matches if p.kind != "boundary"]
        if len(matches) == 2 and len(broken) == 1 and len(points) == 1:  # a boundary we cannot use, and its node
            raise AreaError(f"{broken[0].error}; or --in {points[0].ref} for the area around its place node")
        if len(matches) > 1:
            listed = "; ".join(p.describe() for p in matches)
            raise AreaError(f"'{text}' is ambiguous in this file: {listed}. Pass one of them as --in REF")
        place = matches[0]
        if place.error:
            raise AreaError(place.error)
        geometry = place.geometry
        if geometry is None or geometry.is_empty:
            raise AreaError(f"{place.describe()} has no usable area in this file; use --bbox or --near/--radius")
        return Area(name=place.name, geometry=geometry, kind="place", notes=list(place.notes))

    def _within_parents(self, text: str) -> list[Place]:
        """ "Kamppi, Helsinki" (as Nominatim is asked): the places named Kamppi that lie inside a Helsinki."""
        name, *parents = [part.strip() for part in text.split(",")]
        if not parents or not name:
            return []
        matches = _dedupe(self._by_name.get(fold(name), []))
        for parent in filter(None, parents):
            shapes = [g for p in self._by_name.get(fold(parent), []) if (g := p.geometry) is not None]
            matches = [m for m in matches if (g := m.geometry) is not None and any(_within_area(g, o) for o in shapes)]
        return matches

    def knows(self, text: str) -> bool:
        """Whether a name, "name, parent" or ref means a place of this catalog, ambiguous or not."""
        wanted = text.strip()
        return bool(
            self._by_name.get(fold(wanted)) or any(p.ref == wanted for p in self.places) or self._within_parents(wanted)
        )


def _within_area(inner: BaseGeometry, outer: BaseGeometry) -> bool:
    """Inside by its representative point: a district's boundary may stick out of its city's by a few metres."""
    if outer.geom_type not in ("Polygon", "MultiPolygon"):
        return False
    return bool(outer.contains(inner.representative_point()))


def _dedupe(matches: list[Place]) -> list[Place]:
    """A boundary and the place nodes inside it that share its name are one place: keep the boundary.

    Distinct boundaries with one name (two admin levels, two towns) stay ambiguous, as do place nodes that
    lie outside every boundary of that name.
    """
    unique = list({p.ref: p for p in matches}.values())
    boundaries = [p for p in unique if p.kind == "boundary"]
    shapes = [g for p in boundaries if (g := p.geometry) is not None]
    others = [
        p
        for p in unique
        if p.kind != "boundary" and not (p.label and any(shapely.intersects_xy(g, *p.label) for g in shapes))
    ]
    if boundaries and others and all(p.kind == "label" for p in others):
        others = []
    return boundaries + others


@lru_cache(maxsize=8)
def _catalog(path: str, size: int, mtime_ns: int) -> PlaceCatalog:
    key = hashlib.sha256(f"{CACHE_VERSION}|{path}|{size}|{mtime_ns}".encode()).hexdigest()[:24]
    places, data_box = disk_cached("places", key, lambda: read_places(Path(path)))
    return PlaceCatalog(places, data_box)


__all__ = ["Place", "PlaceCatalog", "read_places"]

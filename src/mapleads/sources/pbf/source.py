"""`PbfSource`: business leads from a local OpenStreetMap .pbf file, fully offline."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from mapleads.areas import Area
from mapleads.forked import Forked
from mapleads.lead import Lead, Provenance
from mapleads.memory import paused_gc
from mapleads.settings import get_settings
from mapleads.sources.base import LeadParts, Progress, Query
from mapleads.sources.osm_tags import SOURCE, lead_from_tags
from mapleads.sources.pbf import addresses, geometry
from mapleads.sources.pbf.place_objects import PlaceObjects
from mapleads.sources.pbf.reader import READ_ERRORS, check_pbf, corrupt, header_timestamp

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from mapleads.sources.pbf.places import Place
from mapleads.sources.pbf.scan import (
    KINDS,
    NODE,
    RELATION,
    WAY,
    AddressCarrier,
    Candidate,
    ScanResult,
    scan,
)
from mapleads.taxonomy import get_taxonomy


@dataclass(slots=True)
class Scanned:
    """A file read once for a query: the candidates placed and clipped, their leads built on demand, in parts if
    asked (consecutive slices in the file's order, each buildable in a process of its own: a lead's completion
    depends on the address carriers, never on other leads)."""

    result: ScanResult
    area: Area | None
    snapshot: str | None
    placement: Placement

    def __len__(self) -> int:
        return len(self.placement.chosen)

    def leads(self, part: int = 0, parts: int = 1) -> Iterator[Lead]:
        with paused_gc():
            yield from build_leads(self.result, self.area, self.snapshot, (part, parts), self.placement)


#: processes building a file's places side by side (a country's tens of thousands of areas, in one process, were
#: the last thing an index build waited for)
PLACE_PROCESSES = 2


class PlacesBuilding:
    """A file's places from its place objects, being built in background processes."""

    def __init__(
        self,
        objects: PlaceObjects,
        lines: dict[int, BaseGeometry],
        label_points: dict[int, tuple[float, float]],
        data_box: tuple[float, float, float, float] | None,
    ) -> None:
        from mapleads.sources.pbf.places import build_place_share

        args = (objects, lines, label_points, data_box)
        # in child processes (a thread building the areas held the GIL the lead building needs), in the background:
        # at the same priority they slowed down the two processes building the leads
        self._shares = [
            Forked(build_place_share, *args, (k, PLACE_PROCESSES), background=True) for k in range(PLACE_PROCESSES)
        ]

    def result(self) -> list[Place]:
        from mapleads.sources.pbf.places import joined_places

        return joined_places([share.result() for share in self._shares])


@dataclass(slots=True)
class WholeScan(Scanned):
    """One scan of a whole file, for an index: also the named places (being built in child processes) and the
    data's box."""

    places: PlacesBuilding
    data_box: tuple[float, float, float, float] | None


class PbfSource:
    name = "pbf"

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        if path is None:
            from mapleads.errors import InputError

            raise InputError("the pbf source needs a file: --from FILE.osm.pbf")
        self.path = check_pbf(path)

    def resolve_place(self, name: str) -> Area:
        from mapleads.sources.pbf.places import PlaceCatalog

        return PlaceCatalog.for_file(self.path).resolve(name)

    def extent(self) -> tuple[float, float, float, float] | None:
        """The box (W, S, E, N) the file's header declares, if any: read from the header alone, so an empty
        result can tell an area that misses the data from one with no matches without another pass."""
        from mapleads.sources.pbf.places import header_box

        try:
            return header_box(self.path)
        except READ_ERRORS as exc:
            raise corrupt(self.path, exc) from None

    def scan_whole(self, progress: Progress | None = None) -> WholeScan:
        """One scan for everything the file holds: its leads (built on demand, in parts if asked) and its named
        places (their geometry built meanwhile in a child process) with the data box. What an index holds."""
        import shapely

        from mapleads.sources.pbf.places import data_extent, header_box

        stated = header_timestamp(self.path)
        objects = PlaceObjects()
        started: list[tuple[PlacesBuilding, tuple[float, float, float, float] | None]] = []

        def build_places(wkb: dict[int, bytes], label_points: dict[int, tuple[float, float]]) -> None:
            """The places' areas started as soon as the scan has their lines, while it loads the rest."""
            ids = [w for w in objects.way_ids() if w in wkb]
            lines = dict(zip(ids, shapely.from_wkb([wkb[w] for w in ids]).tolist(), strict=True))  # at once: 33 k lines
            data_box = data_extent(self.path) if objects.has_areas() else header_box(self.path)
            started.append((PlacesBuilding(objects, lines, label_points, data_box), data_box))

        with paused_gc():
            result = scan(
                self.path,
                get_taxonomy(),
                None,
                None,
                progress,
                dated=stated is None,
                places=objects,
                places_read=build_places,
            )
            places, data_box = started[0]
            placement = place_candidates(result, None)  # while the areas are built
        return WholeScan(result, None, stated or result.latest, placement, places, data_box)

    def scanned(self, query: Query, progress: Progress | None = None) -> Scanned:
        """The file read for a query; its leads are built when asked for (`Scanned.leads`)."""
        stated = header_timestamp(self.path)
        bounds = query.area.bounds if query.area is not None else None
        with paused_gc():
            result = scan(self.path, get_taxonomy(), query.categories, bounds, progress, dated=stated is None)
            return Scanned(result, query.area, stated or result.latest, place_candidates(result, query.area))

    def leads(self, query: Query, progress: Progress | None = None) -> Iterator[Lead]:
        with paused_gc():  # from the read to the last lead: no collection walks the candidates in between
            yield from self.scanned(query, progress).leads()

    def lead_parts(self, query: Query, progress: Progress | None = None, parts: int = 2) -> LeadParts:
        """The file read now; its leads as `parts` streams, which separate processes may build and write."""
        found = self.scanned(query, progress)
        return LeadParts([found.leads(k, parts) for k in range(parts)], len(found))


@dataclass(slots=True)
class RelationShapes:
    """Each relation's area, assembled once: a relation that is a business and carries an address is asked for
    both as a lead's place and as an address area (every such relation in the benchmark file; 0.06 s twice)."""

    ways: dict[int, bytes]
    done: dict[int, tuple[BaseGeometry | None, bool]] = field(default_factory=dict)

    def prepare(self, relations: list[Candidate | AddressCarrier]) -> None:
        """Assemble the simple ones of these relations' shapes together (`geometry.simple_multipolygons`); `of`
        assembles the rest one by one."""
        todo = {r.osm_id: r.members or [] for r in relations if r.osm_id not in self.done}
        shapes = geometry.simple_multipolygons(list(todo.values()), self.ways)
        for osm_id, shape in zip(todo, shapes, strict=True):
            if shape is not None:
                self.done[osm_id] = (shape, True)

    def of(self, relation: Candidate | AddressCarrier) -> tuple[BaseGeometry | None, bool]:
        found = self.done.get(relation.osm_id)
        if found is None:
            found = self.done[relation.osm_id] = geometry.multipolygon(relation.members or [], self.ways)
        return found


def _points(result: ScanResult, kinds: np.ndarray, relations: RelationShapes) -> tuple[np.ndarray, np.ndarray]:
    """A point per candidate (node location or a point inside the shape); NaN for one that cannot be placed."""
    cands = result.candidates
    # nodes carry their point; the None of ways and relations becomes NaN, filled in below
    lons = np.array([c.lon for c in cands], dtype=float)
    lats = np.array([c.lat for c in cands], dtype=float)
    way_idx = np.flatnonzero(kinds == WAY)
    if len(way_idx):
        shapes = geometry.areas_from_wkb([cands[i].wkb for i in way_idx.tolist()])  # type: ignore[misc]
        lons[way_idx], lats[way_idx] = geometry.representative_points(shapes)
    shaped: list[int] = []
    shapes_of: list[BaseGeometry] = []
    for i in np.flatnonzero(kinds == RELATION).tolist():
        c = cands[i]
        if c.members:
            shape, _complete = relations.of(c)
            if shape is not None:
                shaped.append(i)
                shapes_of.append(shape)
            elif (pt := geometry.line_points(c.members, result.member_ways)) is not None:
                lons[i], lats[i] = pt
    if shaped:
        lons[shaped], lats[shaped] = geometry.representative_points(np.array(shapes_of, dtype=object))
    return lons, lats


def _address_areas(result: ScanResult, relations: RelationShapes) -> tuple[np.ndarray, list[AddressCarrier]]:
    ways = [a for a in result.address_areas if a.kind == WAY]
    shapes = list(geometry.areas_from_wkb([a.wkb for a in ways])) if ways else []  # type: ignore[misc]
    carriers = list(ways)
    for a in result.address_areas:
        if a.kind == RELATION and a.members:
            shape, _ = relations.of(a)
            if shape is not None:
                shapes.append(shape)
                carriers.append(a)
    arr = np.array(shapes, dtype=object)
    if len(arr):
        import shapely

        keep = shapely.get_type_id(arr) >= 3
        arr = arr[keep]
        carriers = [c for c, k in zip(carriers, keep.tolist(), strict=True) if k]
    return arr, carriers


#: the work of building a lead from a way or relation (its point rounded, a provenance more, completion from an
#: enclosing area more often), in node leads: with parts of equal count, the part holding the ways finished last
SHAPE_LEAD_COST = 1.4
#: how much less work the first part holds than an equal share: it is written by the process that then appends
#: the others, which copies what they have written while they are still writing (ending together, the copy of a
#: hundred MB part, 0.045 s, came after both)
FIRST_PART_LESS = 0.03


@dataclass(slots=True)
class Placement:
    """A point for every candidate, the ones the area keeps (`chosen`) and the address areas: the geometry work
    done once, before the leads are built (in parts, each in a process of its own, if asked)."""

    lons: np.ndarray
    lats: np.ndarray
    chosen: np.ndarray
    area_geoms: np.ndarray
    area_carriers: list[AddressCarrier]
    #: each candidate's kind (NODE, WAY, RELATION)
    kinds: np.ndarray
    #: where the address points are: read here once, not in each process that builds a part of the leads (where
    #: reading every carrier also copies every page it sits on, shared with the parent until then)
    point_lons: np.ndarray
    point_lats: np.ndarray
    #: how much less work the first part holds than an equal share (`FIRST_PART_LESS`; less than 0: more)
    first_less: float = FIRST_PART_LESS

    def share(self, part: int, parts: int) -> np.ndarray:
        """The chosen candidates of the `part`-th of `parts` consecutive slices, cut so that each holds about the
        same work (the first `first_less` less): a lead placed inside a shape costs `SHAPE_LEAD_COST` node
        leads."""
        if parts == 1:
            return self.chosen
        cost = np.where(self.kinds[self.chosen] == NODE, 1.0, SHAPE_LEAD_COST).cumsum()
        ends = (np.arange(1, parts) - self.first_less) / parts
        cuts = np.searchsorted(cost, cost[-1] * ends) if len(cost) else [0] * (parts - 1)
        return np.split(self.chosen, cuts)[part]


def place_candidates(result: ScanResult, area: Area | None) -> Placement:
    kinds = np.fromiter(map(attrgetter("kind"), result.candidates), dtype=np.int8, count=len(result.candidates))
    relations = RelationShapes(result.member_ways)
    relations.prepare(
        [result.candidates[i] for i in np.flatnonzero(kinds == RELATION).tolist()]
        + [a for a in result.address_areas if a.kind == RELATION]
    )
    lons, lats = _points(result, kinds, relations)
    placed = ~np.isnan(lons)
    keep = placed.copy()
    if area is not None and placed.any():
        idx = np.flatnonzero(placed)
        keep[idx] = area.mask(lons[idx], lats[idx])
    area_geoms, area_carriers = _address_areas(result, relations)
    pts = result.address_points
    point_lons = np.fromiter(map(attrgetter("lon"), pts), dtype=float, count=len(pts))
    point_lats = np.fromiter(map(attrgetter("lat"), pts), dtype=float, count=len(pts))
    return Placement(lons, lats, np.flatnonzero(keep), area_geoms, area_carriers, kinds, point_lons, point_lats)


def build_leads(
    result: ScanResult,
    area: Area | None,
    snapshot: str | None,
    share: tuple[int, int] = (0, 1),
    placement: Placement | None = None,
) -> Iterator[Lead]:
    """Place, clip, complete and convert the scan's candidates into `Lead`s; `share` = (k, n) builds only the
    k-th of n consecutive slices (each lead's completion depends on the carriers, never on other leads)."""
    settings = get_settings()
    placement = placement or place_candidates(result, area)
    chosen = placement.share(*share)
    cands = [result.candidates[i] for i in chosen.tolist()]
    c_lons, c_lats = placement.lons[chosen], placement.lats[chosen]
    own = [c.address for c in cands]
    area_geoms, area_carriers = placement.area_geoms, placement.area_carriers
    pts = result.address_points
    completions = addresses.complete(
        c_lons,
        c_lats,
        own,
        area_geoms,
        area_carriers,
        placement.point_lons,
        placement.point_lats,
        pts,
        settings.address_radius_m,
    )
    country = result.countries.most_common(1)[0][0] if result.countries else settings.default_country
    # one for every lead that takes the file's country (provenances are never changed in place)
    country_note = Provenance(SOURCE, "addr:country of the file", "file_majority")
    lats, lons = c_lats.tolist(), c_lons.tolist()  # Python floats: a NumPy scalar per lead is slow to read
    for i, cand in enumerate(cands):
        lat, lon = lats[i], lons[i]
        if cand.kind != NODE:  # a point computed inside the shape (a node's own has 7 decimals, like OSM's)
            lat, lon = round(lat, 7), round(lon, 7)
        lead = lead_from_tags(
            KINDS[cand.kind], cand.osm_id, cand.tags, lat, lon, categories=cand.categories, snapshot_date=snapshot
        )
        if cand.kind != NODE:
            lead.provenance["location"] = Provenance(SOURCE, lead.source_id, "point_inside_shape")
        done = completions.get(i)
        if done is not None and (filled := addresses.fills(own[i], done.address)):
            ref = done.ref if not done.distance_m else f"{done.ref} ({done.distance_m:g} m)"
            note = Provenance(SOURCE, ref, done.rule)
            for part, value in filled:
                setattr(lead.address, part, value)
                lead.provenance[f"address.{part}"] = note
            lead.extra["address_inferred"] = done.rule
        if not lead.address.country_code and country:
            lead.address.country_code = country
            lead.provenance["address.country_code"] = country_note
        yield lead

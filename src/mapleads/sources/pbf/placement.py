"""Where a scan's candidates are and which ones an area keeps, then their leads: the geometry work done once
after the scan (points inside shapes, the address areas), and the leads built from it, in consecutive parts
that separate processes may build.

NumPy and shapely live here, not in `source`: a run imports them once the file is read (the forked scan's two
processes do not wait for them before they start).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from mapleads.lead import Lead, Provenance
from mapleads.settings import get_settings
from mapleads.sources.osm_tags import SOURCE, lead_from_tags
from mapleads.sources.pbf import addresses, geometry
from mapleads.sources.pbf.scan import KINDS, NODE, RELATION, WAY, AddressCarrier, Candidate, ScanResult

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from mapleads.areas import Area


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
    # nodes carry their point; ways and relations have NaN, filled in below (copies: the scan's stay as they are)
    lons = np.frombuffer(result.columns.lons, dtype=float).copy()
    lats = np.frombuffer(result.columns.lats, dtype=float).copy()
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
    #: where the address points are: views of the scan's columns (`AddressPoints`), no copy
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
    kinds = np.frombuffer(result.columns.kinds, dtype=np.int8)
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
    point_lons = np.frombuffer(result.address_points.lons, dtype=float)
    point_lats = np.frombuffer(result.address_points.lats, dtype=float)
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

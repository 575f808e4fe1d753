"""Address completion: a business without `addr:*` tags takes the address of where it stands.

Rules, in order (the first that applies wins; provenance records which):
1. ``enclosing_building`` — the smallest building or area with an address that contains the business's point.
2. ``nearest_address`` — the nearest address point (a node with ``addr:housenumber``) within
   `address_radius_m` metres (setting, default 25 m).
Only missing parts are filled, and never from a carrier whose street differs from a street the business
already has: a tagged value is never overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from mapleads.sources.pbf.scan import KINDS, AddressCarrier, AddressPoints, AddressTuple

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQ = 111_320.0
PARTS = ("street", "housenumber", "unit", "postcode", "city", "country_code")
#: a unit (flat, door) belongs to one business, never to its neighbours
INHERITED = frozenset(PARTS) - {"unit"}


@dataclass(slots=True)
class Completion:
    address: AddressTuple
    rule: str
    ref: str
    distance_m: float = 0.0


def needs_completion(addr: AddressTuple) -> bool:
    street, number, _unit, postcode, city, _country = addr
    return not (street and number and (postcode or city))


def project(lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metres on a local equirectangular plane: exact enough for distances of tens of metres."""
    return lons * M_PER_DEG_LON_EQ * np.cos(np.radians(lats)), lats * M_PER_DEG_LAT


def complete(
    lons: np.ndarray,
    lats: np.ndarray,
    own: list[AddressTuple],
    area_geoms: np.ndarray,
    areas: Sequence[AddressCarrier],
    point_lons: np.ndarray,
    point_lats: np.ndarray,
    points: AddressPoints,
    radius_m: float,
) -> dict[int, Completion]:
    """Completions by candidate index, for the candidates whose own address is incomplete. `areas` are the
    carriers of `area_geoms`, `points` those at (`point_lons`, `point_lats`)."""
    todo = np.array([i for i, a in enumerate(own) if needs_completion(a)], dtype=np.int64)
    found: dict[int, Completion] = {}
    if len(todo) == 0:
        return found
    if len(area_geoms):
        tree = shapely.STRtree(area_geoms)
        pts = shapely.points(lons[todo], lats[todo])
        pairs = tree.query(pts, predicate="within")
        sizes = shapely.area(area_geoms)
        best: dict[int, int] = {}
        for qi, ti in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
            cand = int(todo[qi])
            if not _compatible(own[cand], areas[ti].address):
                continue
            if cand not in best or sizes[ti] < sizes[best[cand]]:
                best[cand] = ti
        for cand, ti in best.items():
            area = areas[ti]
            found[cand] = Completion(area.address, "enclosing_building", f"{KINDS[area.kind]}/{area.osm_id}")
    rest = np.array([i for i in todo.tolist() if i not in found], dtype=np.int64)
    if len(rest) and len(point_lons):
        for qi, ti, d in zip(*_nearest_points(lons[rest], lats[rest], point_lons, point_lats, radius_m), strict=True):
            cand = int(rest[qi])
            address = points.addresses[ti]
            if not _compatible(own[cand], address):
                continue
            found[cand] = Completion(address, "nearest_address", points.ref(ti), round(d, 1))
    return found


#: address points turned into geometries at a time: a city's are a few hundred thousand, a country's millions
POINT_CHUNK = 32_768


def _nearest_points(
    lons: np.ndarray, lats: np.ndarray, point_lons: np.ndarray, point_lats: np.ndarray, radius_m: float
) -> tuple[list[int], list[int], list[float]]:
    """For each query point with an address point within `radius_m`: (query index, nearest point's index,
    metres), the lower index winning a tie. The tree holds the queries and the address points stream past it in
    chunks, so memory does not grow with the carriers (a tree of every address point was 60 MB for 150 k); only
    the points within `radius_m` of the queries' box become geometries and meet the tree (a part of a large
    file's leads covers a part of it: half of a tiled city's points)."""
    qx, qy = project(lons, lats)
    tree = shapely.STRtree(shapely.points(qx, qy))
    west, east = qx.min() - radius_m, qx.max() + radius_m
    south, north = qy.min() - radius_m, qy.max() + radius_m
    queries: list[np.ndarray] = []
    points: list[np.ndarray] = []
    dists: list[np.ndarray] = []
    for start in range(0, len(point_lons), POINT_CHUNK):
        px, py = project(point_lons[start : start + POINT_CHUNK], point_lats[start : start + POINT_CHUNK])
        near = np.flatnonzero((px >= west) & (px <= east) & (py >= south) & (py <= north))
        px, py = px[near], py[near]
        pi, qi = tree.query(shapely.points(px, py), predicate="dwithin", distance=radius_m)
        d = np.hypot(qx[qi] - px[pi], qy[qi] - py[pi])
        queries.append(qi)
        points.append(near[pi] + start)
        dists.append(d)
    if not queries:
        return [], [], []
    qi, pi, d = np.concatenate(queries), np.concatenate(points), np.concatenate(dists)
    order = np.lexsort((pi, d, qi))  # by query, then distance, then point index
    qi, pi, d = qi[order], pi[order], d[order]
    first = np.flatnonzero(np.r_[True, qi[1:] != qi[:-1]]) if len(qi) else np.empty(0, dtype=np.int64)
    return qi[first].tolist(), pi[first].tolist(), d[first].tolist()


def _compatible(own: AddressTuple, other: AddressTuple) -> bool:
    """A carrier may complete an address only if it agrees with what the business already says."""
    if not other[1]:
        return False
    if own[0] and other[0] and _fold(own[0]) != _fold(other[0]):
        return False
    return not (own[1] and other[1] and own[1].strip().lower() != other[1].strip().lower())


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def fills(own: AddressTuple, completion: AddressTuple) -> list[tuple[str, str]]:
    """(part, value) for each part the completion gives that the business lacks; its own parts stay as they are."""
    return [
        (part, theirs)
        for part, mine, theirs in zip(PARTS, own, completion, strict=True)
        if theirs and not mine and part in INHERITED
    ]

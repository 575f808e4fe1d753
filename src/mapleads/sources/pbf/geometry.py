"""Shapes of ways and multipolygon relations, and points inside them, built in bulk with shapely 2."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry


def areas_from_wkb(wkbs: Sequence[bytes]) -> np.ndarray:
    """`areas_of` the ways given as WKB."""
    return areas_of(shapely.from_wkb(np.asarray(wkbs, dtype=object)))


def areas_of(lines: np.ndarray) -> np.ndarray:
    """Closed ways become polygons (repaired when self-intersecting); open ways stay lines. In bulk: a file has
    tens of thousands of them, and one at a time they took 50 µs each."""
    out = lines.copy()
    if len(lines) == 0:
        return out
    closed = shapely.is_closed(lines) & (shapely.get_num_coordinates(lines) >= 4)
    idx = np.flatnonzero(closed)
    if len(idx):
        coords, owner = shapely.get_coordinates(lines[idx], return_index=True)
        polys = shapely.polygons(shapely.linearrings(coords, indices=owner))
        bad = ~shapely.is_valid(polys)
        if bad.any():
            polys[bad] = shapely.make_valid(polys[bad])
        out[idx] = polys
    return out


def representative_points(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lons, lats): the centroid when it lies inside the shape, else a point guaranteed inside it.

    An L-shaped or U-shaped building's centroid can fall in its courtyard; a lead placed there would be
    clipped to the wrong district or matched to the wrong address. Lines get their midpoint along the line.
    """
    if len(geoms) == 0:
        return np.empty(0), np.empty(0)
    points = shapely.centroid(geoms)
    is_area = shapely.get_type_id(geoms) >= 3  # Polygon, MultiPolygon, collections
    outside = is_area & ~shapely.intersects(geoms, points)
    if outside.any():
        points[outside] = shapely.point_on_surface(geoms[outside])
    is_line = ~is_area
    if is_line.any():
        points[is_line] = shapely.line_interpolate_point(geoms[is_line], 0.5, normalized=True)
    return shapely.get_x(points), shapely.get_y(points)


def simple_multipolygons(
    relations: Sequence[Sequence[tuple[int, str]]], ways: dict[int, bytes]
) -> list[Polygon | None]:
    """The shapes of the relations that are one closed outer way around closed inner ways (a building round a
    courtyard: every multipolygon business of the demo file), built together as polygons with holes; None for the
    others, and for a shape that is not valid as it stands (`multipolygon` assembles those).

    Such a relation's area is its outer ring less its inner ones, which is what the general assembly computes by
    noding and polygonising its lines (0.2 ms a relation; this is a few µs)."""
    found: list[Polygon | None] = [None] * len(relations)
    owners: list[int] = []
    wkbs: list[bytes] = []
    for k, members in enumerate(relations):
        rings = sorted(members, key=lambda m: m[1] == "inner")  # the outer ring first
        if not rings or rings[0][1] == "inner" or (len(rings) > 1 and rings[1][1] != "inner"):
            continue
        lines = [ways.get(ref) for ref, _ in rings]
        if None in lines:
            continue
        owners.extend([k] * len(lines))
        wkbs.extend(cast("list[bytes]", lines))
    if not wkbs:
        return found
    lines = shapely.from_wkb(np.asarray(wkbs, dtype=object))
    owner = np.asarray(owners)
    open_ = ~shapely.is_closed(lines) | (shapely.get_num_coordinates(lines) < 4)
    simple = ~np.isin(owner, owner[open_])
    coords, index = shapely.get_coordinates(lines[simple], return_index=True)
    rings = shapely.linearrings(coords, indices=index)
    kept = owner[simple]  # in order: each relation's rings are consecutive
    # each relation's first ring, and the position of its polygon for every ring (np.unique would do, but its first
    # call imports numpy.ma: 10 ms of every extraction's placing)
    first = np.r_[True, kept[1:] != kept[:-1]]
    polygons = shapely.polygons(rings, indices=np.cumsum(first) - 1)
    valid = shapely.is_valid(polygons)
    for k, polygon, ok in zip(kept[first].tolist(), polygons, valid.tolist(), strict=True):
        if ok:
            found[k] = polygon
    return found


def multipolygon(members: Sequence[tuple[int, str]], ways: dict[int, bytes]) -> tuple[BaseGeometry | None, bool]:
    """The area a multipolygon/boundary relation describes, and whether all its rings closed.

    Outer and inner rings are assembled separately (untagged roles count as outer) and the inner ones cut out.
    """
    outer_lines: list[BaseGeometry] = []
    inner_lines: list[BaseGeometry] = []
    missing = False
    for ref, role in members:
        wkb = ways.get(ref)
        if wkb is None:
            missing = True
            continue
        (inner_lines if role == "inner" else outer_lines).append(shapely.from_wkb(wkb))
    outer, outer_ok = _rings(outer_lines)
    if outer is None:
        return None, False
    inner, inner_ok = _rings(inner_lines)
    if inner is not None:
        outer = shapely.difference(outer, inner)
    return outer, outer_ok and inner_ok and not missing


def _rings(lines: list[BaseGeometry]) -> tuple[BaseGeometry | None, bool]:
    if not lines:
        return None, True
    merged = shapely.line_merge(shapely.union_all(lines))
    polys, dangles, cuts, invalid = shapely.polygonize_full(shapely.get_parts(merged))
    area = shapely.union_all(shapely.get_parts(polys)) if not polys.is_empty else None
    if area is not None and not area.is_valid:
        area = shapely.make_valid(area)
    complete = dangles.is_empty and cuts.is_empty and invalid.is_empty
    if area is None or area.is_empty:
        return None, False
    return area, complete


def line_points(members: Sequence[tuple[int, str]], ways: dict[int, bytes]) -> tuple[float, float] | None:
    """A fallback point for a relation whose rings do not close: the middle of its members' coordinates."""
    coords = [shapely.get_coordinates(shapely.from_wkb(ways[ref])) for ref, _ in members if ref in ways]
    if not coords:
        return None
    allc = np.vstack(coords)
    lon, lat = allc.mean(axis=0)
    return float(lon), float(lat)

"""Overpass QL from our taxonomy and an area: one union of tag filters, each restricted to a polygon.

The polygon sent is a simplified *superset* of the area (buffered by the simplification tolerance), so no
object inside the area is missed; exact clipping happens on our side with `Area.mask`.
"""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

MAX_POLY_VERTICES = 400
MAX_POLY_PARTS = 16

Matcher = tuple[tuple[str, str], ...]


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tag_filter(matcher: Matcher) -> str:
    """`(("shop", "chemist"),)` -> `["shop"~"(^|;) *chemist *(;|$)"]`.

    A value matches alone or in a `;` list ("amenity=nightclub;restaurant" is a restaurant), exactly as the
    taxonomy reads tags, so Overpass and the .pbf source agree.
    """
    return "".join(f"[{quote(k)}]" if v == "*" else f"[{quote(k)}~{quote(value_regex(v))}]" for k, v in matcher)


def value_regex(value: str) -> str:
    escaped = "".join(f"[{c}]" if c in ".^$*+?()[]{}|\\" else c for c in value)
    return f"(^|;) *{escaped} *(;|$)"


def poly_filters(geometry: BaseGeometry) -> list[str]:
    """`(poly:"lat lon ...")` filters covering `geometry`, one per polygon; a bbox when there are many."""
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if isinstance(g, Polygon) and not g.is_empty]
    if not parts or len(parts) > MAX_POLY_PARTS:
        w, s, e, n = geometry.bounds
        return [f"({s:.7f},{w:.7f},{n:.7f},{e:.7f})"]
    return [_poly_filter(part) for part in parts]


def _poly_filter(polygon: Polygon) -> str:
    shell = Polygon(polygon.exterior)  # holes only cost vertices: the exact clip happens on our side
    ring = shell.exterior
    tolerance = 1e-5
    while len(ring.coords) > MAX_POLY_VERTICES and tolerance < 1.0:
        # grown by more than the simplification can cut, so the simplified shape still holds the area
        simplified = shapely.simplify(shell.buffer(tolerance * 1.5, join_style="mitre"), tolerance)
        if isinstance(simplified, Polygon):
            ring = simplified.exterior
        tolerance *= 2
    if len(ring.coords) > MAX_POLY_VERTICES:
        ring = shell.envelope.exterior
    coords = " ".join(f"{lat:.7f} {lon:.7f}" for lon, lat in list(ring.coords)[:-1])
    return f'(poly:"{coords}")'


def build_query(matchers: Sequence[Matcher], geometry: BaseGeometry, timeout: int) -> str:
    """Named objects matching any matcher inside `geometry`; ways and relations come with their centre."""
    spatial = poly_filters(geometry)
    lines = [f'  nwr{tag_filter(m)}["name"]{where};' for m in matchers for where in spatial]
    return f"[out:json][timeout:{timeout}];\n(\n" + "\n".join(lines) + "\n);\nout tags center qt;\n"

"""Place name -> Area from the named areas stored in an index.

The .pbf source resolves names from the file; an index answers the same question from the areas it stored at
build time, with the same rules: exact (case/accent-folded) name, boundaries before points, and an error that
lists the candidates when one name means several distinct places.
"""

from __future__ import annotations

from typing import Any

import shapely
from rapidfuzz import fuzz, process

from mapleads.areas import Area
from mapleads.errors import AreaError
from mapleads.taxonomy.model import fold


def resolve_in_areas(rows: list[dict[str, Any]], name: str, where: str) -> Area:
    """The one polygon a place name means among `rows` (from RegionIndex.area_rows)."""
    key = fold(name)
    hits = [r for r in rows if r["folded"] == key]
    if not hits:
        raise AreaError(f"no place named '{name}' in {where}{_suggest(rows, key)}")
    polygons = [r for r in hits if r["geometry"].geom_type in ("Polygon", "MultiPolygon")]
    if not polygons:
        lon, lat = hits[0]["geometry"].centroid.coords[0]
        raise AreaError(
            f"'{name}' is only a point in {where}, not an area; try --near {lat:.5f},{lon:.5f} --radius 1km"
        )
    groups = _same_place_groups(polygons)
    if len(groups) > 1:
        options = "; ".join(_describe(g[0]) for g in groups)
        raise AreaError(f"'{name}' is ambiguous in {where}: {len(groups)} places have that name ({options})")
    best = min(groups[0], key=_preference)
    notes = list(best["fields"].get("notes") or [])
    return Area(name=best["name"], geometry=best["geometry"], kind="place", notes=notes)


def _same_place_groups(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows whose polygons mostly overlap describe one place (a boundary and its place polygon)."""
    groups: list[list[dict[str, Any]]] = []
    for row in rows:
        for group in groups:
            if _overlap(group[0]["geometry"], row["geometry"]) > 0.5:
                group.append(row)
                break
        else:
            groups.append([row])
    return groups


def _overlap(a: Any, b: Any) -> float:
    smaller = min(a.area, b.area)
    if smaller <= 0:
        return 1.0 if a.equals(b) else 0.0
    return float(shapely.intersection(a, b).area / smaller)


def _preference(row: dict[str, Any]) -> tuple[int, int]:
    """Administrative boundaries first (they are surveyed), then the larger admin level (more local)."""
    level = row.get("admin_level")
    return (0 if level is not None else 1, -(level or 0))


def _describe(row: dict[str, Any]) -> str:
    lon, lat = row["geometry"].representative_point().coords[0]
    kind = row.get("kind") or "area"
    level = f" admin_level {row['admin_level']}" if row.get("admin_level") is not None else ""
    return f"{kind}{level} near {lat:.4f},{lon:.4f}"


def _suggest(rows: list[dict[str, Any]], key: str) -> str:
    names = {r["folded"]: r["name"] for r in rows}
    found = process.extract(key, list(names), scorer=fuzz.WRatio, limit=5)
    hints = [names[n] for n, score, _ in found if score >= 75]
    return f"; did you mean: {', '.join(hints)}?" if hints else ""

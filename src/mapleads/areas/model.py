"""`Area`: one exact geometry in WGS 84 (lon, lat) and a vectorised membership test."""

from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson
import shapely
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from mapleads.errors import AreaError

EARTH_RADIUS_M = 6_371_008.8


@dataclass(slots=True)
class Area:
    """An area to clip to. `geometry` is exact for places, bboxes and polygons; radius areas test distance."""

    name: str
    geometry: BaseGeometry
    kind: str = "polygon"  # place | bbox | radius | polygon
    center: tuple[float, float] | None = None  # (lat, lon) for radius areas
    radius_m: float | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        shapely.prepare(self.geometry)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north)."""
        w, s, e, n = self.geometry.bounds
        return (w, s, e, n)

    def mask(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Boolean array: which points lie in the area (boundary included)."""
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        if self.kind == "radius" and self.center is not None and self.radius_m is not None:
            return haversine_m(self.center[0], self.center[1], lats, lons) <= self.radius_m
        inside = shapely.contains_xy(self.geometry, lons, lats)
        edge = ~inside
        if edge.any():  # points exactly on the boundary count as inside
            edge_idx = np.flatnonzero(edge)
            touching = shapely.intersects_xy(self.geometry, lons[edge_idx], lats[edge_idx])
            inside[edge_idx[touching]] = True
        return np.asarray(inside, dtype=bool)

    def contains(self, lat: float, lon: float) -> bool:
        return bool(self.mask(np.array([lon]), np.array([lat]))[0])

    def to_geojson(self) -> dict[str, object]:
        return {
            "type": "Feature",
            "properties": {"name": self.name, "kind": self.kind},
            "geometry": shapely.geometry.mapping(self.geometry),
        }


def haversine_m(lat1: float, lon1: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p1, p2 = math.radians(lat1), np.radians(lats)
    dlat = p2 - p1
    dlon = np.radians(lons) - math.radians(lon1)
    a = np.sin(dlat / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


#: distance units as people write them -> metres
_UNITS = {
    **dict.fromkeys(("", "m", "meter", "meters", "metre", "metres"), 1.0),
    **dict.fromkeys(("km", "kilometer", "kilometers", "kilometre", "kilometres"), 1000.0),
    **dict.fromkeys(("mi", "mile", "miles"), 1609.344),
}


def parse_distance(text: str) -> float:
    """'500m', '2km', '1.5 km', '1,5 km', '3 miles', '800' (metres) -> metres."""
    m = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*([a-z]*)\s*", text.lower())
    if re.fullmatch(r"\s*-\s*\d.*", text):
        raise AreaError(f"invalid distance '{text}': it must be more than 0")
    if not m or m.group(2) not in _UNITS:
        raise AreaError(f"invalid distance '{text}': use e.g. 500m or 2km")
    value = float(m.group(1).replace(",", ".")) * _UNITS[m.group(2)]
    if value <= 0:
        raise AreaError(f"invalid distance '{text}': it must be more than 0")
    return value


def _floats(text: str, n: int, what: str, example: str) -> list[float]:
    try:
        values = [float(p) for p in text.replace(" ", "").split(",")]
    except ValueError:
        values = []
    if len(values) != n or not all(math.isfinite(v) for v in values):
        raise AreaError(f"invalid {what} '{text}': expected {example}")
    return values


def check_area_options(
    *,
    place: str | None = None,
    bbox: str | None = None,
    near: str | None = None,
    radius: str | float | None = None,
    polygon: str | Path | None = None,
) -> None:
    """Refuse conflicting or blank area options: an empty --in "" must not quietly mean everywhere."""
    named = {"--in": place, "--bbox": bbox, "--near": near, "--radius": radius, "--polygon": polygon}
    for flag, value in named.items():
        if isinstance(value, str) and not value.strip():
            raise AreaError(f"{flag} is empty: give a value or leave the option out")
    if len([x for x in (place, bbox, near, polygon) if x is not None]) > 1:
        raise AreaError("give only one of --in, --bbox, --near/--radius, --polygon")
    if radius is not None and near is None:
        raise AreaError("--radius needs --near LAT,LON")


def area_from_bbox(text: str) -> Area:
    w, s, e, n = _floats(text, 4, "bbox", "W,S,E,N in degrees, e.g. 24.92,60.16,24.95,60.17")
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90):
        raise AreaError(f"invalid bbox '{text}': longitudes must be in -180..180 and latitudes in -90..90")
    if w >= e or s >= n:
        raise AreaError(f"invalid bbox '{text}': expected W,S,E,N with W < E and S < N")
    return Area(name=f"bbox {w},{s},{e},{n}", geometry=box(w, s, e, n), kind="bbox")


def area_from_radius(center: str, radius: str | float) -> Area:
    lat, lon = _floats(center, 2, "centre", "LAT,LON, e.g. 60.1699,24.9384")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise AreaError(f"invalid centre '{center}': latitude must be in -90..90 and longitude in -180..180")
    r = parse_distance(radius) if isinstance(radius, str) else float(radius)
    if not (math.isfinite(r) and r > 0):
        raise AreaError(f"invalid distance {radius!r}: it must be more than 0 metres")
    # a polygon that encloses the circle, for bbox pre-filtering and maps; membership tests use distance
    dlat = math.degrees(r / EARTH_RADIUS_M) * 1.01
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    angles = np.linspace(0, 2 * math.pi, 73)
    ring = np.column_stack([lon + dlon * np.cos(angles), lat + dlat * np.sin(angles)])
    return Area(
        name=f"{r:g} m around {lat},{lon}",
        geometry=shapely.Polygon(ring),
        kind="radius",
        center=(lat, lon),
        radius_m=r,
    )


def area_from_polygon_file(path: str | Path) -> Area:
    """A GeoJSON Polygon / MultiPolygon (bare, Feature or FeatureCollection); invalid shapes are refused."""
    p = Path(path)
    if p.is_dir():
        raise AreaError(f"polygon file {p} is a directory, not a GeoJSON file")
    try:
        data = orjson.loads(_json_bytes(p.read_bytes()))
    except FileNotFoundError:
        raise AreaError(f"polygon file not found: {p}") from None
    except (OSError, UnicodeDecodeError, orjson.JSONDecodeError) as exc:
        raise AreaError(f"polygon file {p} is not valid JSON: {exc}") from None
    geoms = []
    for geom in _geometries(data):
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            raise AreaError(f"polygon file {p} must contain GeoJSON Polygon or MultiPolygon geometries")
        try:
            geoms.append(shape(geom))
        except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
            raise AreaError(f"polygon file {p} has a malformed polygon: {exc}") from None
    if not geoms:
        raise AreaError(f"polygon file {p} has no polygon")
    geometry = shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]
    if geometry.is_empty:
        raise AreaError(f"polygon file {p} has an empty polygon")
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        raise AreaError(f"polygon file {p} has an invalid polygon ({reason}); fix it or use --bbox")
    w, s, e, n = geometry.bounds
    if w < -180 or e > 180 or s < -90 or n > 90:
        raise AreaError(f"polygon file {p} has coordinates outside lon -180..180 / lat -90..90 (use lon,lat order)")
    return Area(name=p.stem, geometry=geometry, kind="polygon")


def _json_bytes(raw: bytes) -> bytes:
    """UTF-8 without a byte order mark, as orjson wants: editors on Windows save GeoJSON with one, or as UTF-16."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16").encode()
    return raw


def _geometries(data: object) -> list[object]:
    """The geometries of a bare geometry, a Feature, a FeatureCollection or a GeometryCollection."""
    if not isinstance(data, dict):
        return [data]
    if isinstance(data.get("features"), list):
        return [g for item in data["features"] for g in _geometries(item)]
    if "geometry" in data:  # a Feature
        return _geometries(data.get("geometry"))
    if data.get("type") == "GeometryCollection" and isinstance(data.get("geometries"), list):
        return [g for item in data["geometries"] for g in _geometries(item)]
    return [data]

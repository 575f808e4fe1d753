"""Named places -> exact polygons, through Nominatim, within its usage policy.

The policy (operations.osmfoundation.org/policies/nominatim) asks for at most one request per second, an
identifying User-Agent and caching of results: `LiveClient` paces, identifies and caches; this module only
asks for the place with its polygon and refuses answers that are not areas, so clipping stays exact.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
import shapely
from shapely.geometry import shape

from mapleads.areas import Area
from mapleads.errors import AreaError
from mapleads.settings import get_settings
from mapleads.sources.live_http import LiveClient, ServiceError

AREA_TYPES = ("Polygon", "MultiPolygon")
_OSM_REF = re.compile(r"^\s*(?:(node|way|relation)[/ ]|([NWR]))(\d+)\s*$", re.IGNORECASE)


class Nominatim:
    def __init__(self, base_url: str | None = None, client: LiveClient | None = None) -> None:
        settings = get_settings()
        self.base_url = (base_url or settings.nominatim_url).rstrip("/")
        interval = settings.nominatim_interval
        if "nominatim.openstreetmap.org" in self.base_url:
            interval = max(interval, 1.0)  # the public server's policy is not ours to relax
        self.client = client or LiveClient("nominatim", min_interval=interval)

    def resolve(self, name: str) -> Area:
        """The best-ranked area named `name` ("Kamppi, Helsinki"), or an OSM reference ("relation/34914")."""
        if not name.strip():
            raise AreaError("empty place name")
        ref = _OSM_REF.match(name)
        if ref:
            letter = (ref.group(1) or ref.group(2))[0].upper()
            results = self._get("/lookup", {"osm_ids": f"{letter}{ref.group(3)}"})
        else:
            results = self._get("/search", {"q": name, "limit": 10})
        if not results:
            raise AreaError(f"place '{name}' not found by Nominatim; check the spelling or use --bbox")
        areas = [r for r in results if (r.get("geojson") or {}).get("type") in AREA_TYPES]
        if not areas:
            top = results[0]
            raise AreaError(
                f"'{name}' is a point in OpenStreetMap ({top.get('osm_type')}/{top.get('osm_id')}, "
                f"{top.get('display_name')}), not an area; "
                f"use --near {top.get('lat')},{top.get('lon')} --radius 1km"
            )
        best = areas[0]
        geometry = shape(best["geojson"])
        if not geometry.is_valid:
            geometry = shapely.make_valid(geometry)
        area = Area(name=str(best.get("display_name") or name), geometry=geometry, kind="place")
        area.notes.append(f"Nominatim: {best.get('osm_type')}/{best.get('osm_id')}")
        others = [str(r.get("display_name")) for r in areas[1:4]]
        if others:
            area.notes.append("other places with this name: " + " | ".join(others))
        return area

    def _get(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        url = f"{self.base_url}{path}"
        query = {**params, "format": "jsonv2", "polygon_geojson": 1}
        reply = self.client.request("GET", url, params=query, ok=_is_json_list)
        if reply.status != 200:
            raise ServiceError(f"Nominatim at {self.base_url} answered HTTP {reply.status}: {_snippet(reply.text)}")
        try:
            data = reply.json()
        except orjson.JSONDecodeError:
            raise ServiceError(f"Nominatim at {self.base_url} sent malformed JSON: {_snippet(reply.text)}") from None
        if isinstance(data, dict) and "error" in data:
            error = data["error"]
            message = error.get("message") if isinstance(error, dict) else error
            raise ServiceError(f"Nominatim: {message}")
        if not isinstance(data, list):
            raise ServiceError(f"Nominatim at {self.base_url} sent an unexpected answer: {_snippet(reply.text)}")
        return [r for r in data if isinstance(r, dict)]


def _is_json_list(reply: Any) -> bool:
    return bytes(reply.body[:1]) == b"["


def _snippet(text: str, size: int = 160) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())[:size]

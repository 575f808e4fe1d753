"""Live OpenStreetMap through the Overpass API: the same `Lead`s as the .pbf source, for any area on Earth.

Large areas are cut into tiles (`overpass_tile_deg`); a tile the server cannot finish (timeout or memory
"runtime error" remark, repeated 504) is split in four and retried, down to a small size, before giving up.
Throttling is handled by `LiveClient`: Retry-After when present, else the slot times from `/api/status`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import numpy as np
import orjson
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from mapleads.areas import Area
from mapleads.errors import AreaError
from mapleads.lead import Lead
from mapleads.settings import get_settings
from mapleads.sources.base import Progress, Query
from mapleads.sources.live_http import LiveClient, Reply, ServiceError
from mapleads.sources.nominatim import Nominatim
from mapleads.sources.osm_tags import lead_from_tags
from mapleads.sources.overpass.query import build_query
from mapleads.taxonomy import get_taxonomy

MIN_TILE_DEG = 0.002
FAILED_TILE_STATUSES = frozenset({429, 500, 502, 503, 504})


class TileTooBig(Exception):
    """The server could not answer for this tile; a smaller tile may work."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class Tile:
    west: float
    south: float
    east: float
    north: float

    @property
    def size(self) -> float:
        return max(self.east - self.west, self.north - self.south)

    def quarters(self) -> list[Tile]:
        mx, my = (self.west + self.east) / 2, (self.south + self.north) / 2
        return [
            Tile(self.west, self.south, mx, my),
            Tile(mx, self.south, self.east, my),
            Tile(self.west, my, mx, self.north),
            Tile(mx, my, self.east, self.north),
        ]


class OverpassSource:
    name = "overpass"

    def __init__(self, url: str | None = None, nominatim_url: str | None = None, **_: Any) -> None:
        settings = get_settings()
        self.url = url or settings.overpass_url
        self.timeout = settings.overpass_timeout
        self.tile_deg = settings.overpass_tile_deg
        self.client = LiveClient("overpass", wait_hint=self._slot_wait)
        self.nominatim = Nominatim(nominatim_url)
        self.snapshot: str | None = None

    def resolve_place(self, name: str) -> Area:
        return self.nominatim.resolve(name)

    def leads(self, query: Query, progress: Progress | None = None) -> Iterator[Lead]:
        if query.area is None:
            raise AreaError("the overpass source needs an area: --in PLACE, --bbox, --near/--radius or --polygon")
        taxonomy = get_taxonomy()
        matchers = taxonomy.osm_matchers(query.categories)
        wanted = set(query.categories) if query.categories is not None else None
        pending = self._initial_tiles(query.area)
        seen: set[str] = set()
        done = emitted = 0
        while pending:
            tile = pending.pop(0)
            piece = query.area.geometry.intersection(box(tile.west, tile.south, tile.east, tile.north))
            if piece.is_empty:
                done += 1
                continue
            try:
                elements = self._fetch(matchers, piece)
            except TileTooBig as exc:
                if tile.size / 2 < MIN_TILE_DEG:
                    raise ServiceError(
                        f"Overpass at {self.url} could not answer even for a small tile ({exc.reason}); "
                        "try again later or set MAPLEADS_OVERPASS_URL to another instance"
                    ) from None
                pending[:0] = tile.quarters()
                continue
            for lead in self._to_leads(elements, query.area, seen):
                if wanted is not None and wanted.isdisjoint(lead.categories):
                    continue
                yield lead
                emitted += 1
                if query.limit is not None and emitted >= query.limit:
                    return
            done += 1
            if progress is not None:
                progress(done, done + len(pending))

    # --- tiles -----------------------------------------------------------------------------------------
    def _initial_tiles(self, area: Area) -> list[Tile]:
        w, s, e, n = area.bounds
        step = self.tile_deg
        cols, rows = max(1, int(np.ceil((e - w) / step))), max(1, int(np.ceil((n - s) / step)))
        dx, dy = (e - w) / cols, (n - s) / rows
        return [
            Tile(w + i * dx, s + j * dy, w + (i + 1) * dx, s + (j + 1) * dy) for j in range(rows) for i in range(cols)
        ]

    # --- one request -----------------------------------------------------------------------------------
    def _fetch(self, matchers: list[Any], geometry: BaseGeometry) -> list[dict[str, Any]]:
        ql = build_query(matchers, geometry, self.timeout)
        reply = self.client.request("POST", self.url, data={"data": ql}, ok=_is_complete)
        if reply.status in FAILED_TILE_STATUSES:
            raise TileTooBig(f"HTTP {reply.status}")
        if reply.status != 200:
            raise ServiceError(f"Overpass at {self.url} refused the query (HTTP {reply.status}): {_error_text(reply)}")
        try:
            data = reply.json()
        except orjson.JSONDecodeError:
            raise ServiceError(f"Overpass at {self.url} sent malformed JSON: {_error_text(reply)}") from None
        if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
            raise ServiceError(f"Overpass at {self.url} sent an answer without elements: {_error_text(reply)}")
        remark = str(data.get("remark") or "")
        if "runtime error" in remark:
            raise TileTooBig(remark.strip())
        stamp = (data.get("osm3s") or {}).get("timestamp_osm_base")
        self.snapshot = str(stamp)[:10] if stamp else self.snapshot  # YYYY-MM-DD, as the .pbf source writes
        return [e for e in data["elements"] if isinstance(e, dict)]

    def _to_leads(self, elements: list[dict[str, Any]], area: Area, seen: set[str]) -> list[Lead]:
        taxonomy = get_taxonomy()
        leads: list[Lead] = []
        for element in elements:
            kind, osm_id, tags = element.get("type"), element.get("id"), element.get("tags") or {}
            point = element.get("center") or element
            lat, lon = point.get("lat"), point.get("lon")
            if kind not in ("node", "way", "relation") or not isinstance(osm_id, int) or lat is None or lon is None:
                continue
            if not tags.get("name") or not taxonomy.is_business(tags):
                continue
            lead = lead_from_tags(kind, osm_id, tags, float(lat), float(lon), snapshot_date=self.snapshot)
            if lead.id not in seen:
                leads.append(lead)
        if not leads:
            return leads
        inside = area.mask(np.array([lead.lon for lead in leads]), np.array([lead.lat for lead in leads]))
        kept = [lead for lead, ok in zip(leads, inside, strict=True) if ok]
        seen.update(lead.id for lead in kept)
        return kept

    # --- throttling ------------------------------------------------------------------------------------
    def _slot_wait(self, response: httpx.Response) -> float | None:
        """Seconds until a query slot frees, read from `/api/status` ("Slot available after: ..., in 7 s")."""
        if response.status_code != 429:
            return None
        status_url = re.sub(r"/interpreter/?$", "/status", self.url)
        try:
            text = httpx.get(status_url, timeout=10, headers={"User-Agent": get_settings().user_agent}).text
        except httpx.HTTPError:
            return None
        if re.search(r"^\s*[1-9]\d* slots? available now", text, re.MULTILINE):
            return 0.0
        waits = [int(s) for s in re.findall(r"in (-?\d+) seconds?", text)]
        return float(max(min(waits), 0) + 1) if waits else None


def _is_complete(reply: Reply) -> bool:
    """Only whole answers are cached: never a 'runtime error' remark."""
    return b"runtime error" not in reply.body[-2000:]


def _error_text(reply: Reply) -> str:
    text = reply.text
    match = re.search(r"Error</strong>:\s*(.*?)</p>", text, re.DOTALL)
    if match:
        text = match.group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())[:200]

"""Places API (New) requests: Text Search and Nearby Search for one rectangle, pages included.

Errors come back as `{"error": {"code", "message", "status"}}`; a bad key, a disabled API or an exhausted
quota become one clear `ServiceError`. Nothing is written to disk: Google's terms allow storing place IDs
only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import orjson

from mapleads.sources.live_http import LiveClient, Reply, ServiceError

PAGE_SIZE = 20
MAX_PAGES = 3
HINTS = {
    "PERMISSION_DENIED": "check MAPLEADS_GOOGLE_API_KEY and that the Places API (New) is enabled for it",
    "UNAUTHENTICATED": "set MAPLEADS_GOOGLE_API_KEY",
    "RESOURCE_EXHAUSTED": "the project's quota is used up; raise it in the Cloud console or try later",
    "INVALID_ARGUMENT": "",
}


@dataclass(slots=True)
class Cell:
    west: float
    south: float
    east: float
    north: float


@dataclass(slots=True)
class CellAnswer:
    places: list[dict[str, Any]]
    #: the endpoint's cap was reached, so the cell may hold more places than it returned
    full: bool
    requests: int


class PlacesClient:
    def __init__(self, base_url: str, api_key: str, mask: str, endpoint: str = "text") -> None:
        self.base_url = base_url.rstrip("/")
        self.endpoint = endpoint
        self.mask = mask + (",nextPageToken" if endpoint == "text" else "")
        self.http = LiveClient("google", cache_ttl=0, headers={"X-Goog-Api-Key": api_key})
        self.billed = 0
        self.unsupported: set[str] = set()

    def _type_refused(self, exc: ServiceError, body: dict[str, Any]) -> bool:
        """Google refuses types it does not support as `includedType` (400 "Unsupported types: ...")."""
        return exc.status == 400 and "includedType" in body and "type" in str(exc).lower() and "pageToken" not in body

    @property
    def cap(self) -> int:
        return PAGE_SIZE * MAX_PAGES if self.endpoint == "text" else PAGE_SIZE

    def search(self, cell: Cell, text: str, place_type: str | None, may_send: Any) -> CellAnswer:
        """Every page for one cell; `may_send()` is asked before each request (the budget cap)."""
        if self.endpoint == "nearby":
            return self._nearby(cell, place_type, may_send)
        places: list[dict[str, Any]] = []
        token: str | None = None
        requests = 0
        for _ in range(MAX_PAGES):
            if not may_send():
                return CellAnswer(places, True, requests)
            body: dict[str, Any] = {
                "textQuery": text,
                "pageSize": PAGE_SIZE,
                "locationRestriction": {
                    "rectangle": {
                        "low": {"latitude": cell.south, "longitude": cell.west},
                        "high": {"latitude": cell.north, "longitude": cell.east},
                    }
                },
            }
            if place_type and place_type not in self.unsupported:
                body.update(includedType=place_type, strictTypeFiltering=True)
            if token:
                body["pageToken"] = token
            try:
                data = self._post("places:searchText", body)
            except ServiceError as exc:
                if not self._type_refused(exc, body) or not may_send():
                    raise
                self.unsupported.add(str(place_type))  # ask by text alone from now on
                body.pop("includedType", None)
                body.pop("strictTypeFiltering", None)
                data = self._post("places:searchText", body)
            requests += 1
            places.extend(data.get("places") or [])
            token = data.get("nextPageToken")
            if not token:
                return CellAnswer(places, len(places) >= self.cap, requests)
        return CellAnswer(places, True, requests)

    def _nearby(self, cell: Cell, place_type: str | None, may_send: Any) -> CellAnswer:
        if not may_send():
            return CellAnswer([], True, 0)
        lat, lon = (cell.south + cell.north) / 2, (cell.west + cell.east) / 2
        radius = _half_diagonal_m(cell)
        body: dict[str, Any] = {
            "maxResultCount": PAGE_SIZE,
            "locationRestriction": {"circle": {"center": {"latitude": lat, "longitude": lon}, "radius": radius}},
        }
        if place_type:
            body["includedTypes"] = [place_type]
        places = self._post("places:searchNearby", body).get("places") or []
        return CellAnswer(places, len(places) >= self.cap, 1)

    def _post(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        reply = self.http.request(
            "POST",
            f"{self.base_url}/v1/{method}",
            json=body,
            headers={"X-Goog-FieldMask": self.mask, "Content-Type": "application/json"},
            cache=False,
        )
        if reply.status != 200:
            raise ServiceError(_error_line(reply), reply.status)
        self.billed += 1
        try:
            data = reply.json()
        except orjson.JSONDecodeError:
            raise ServiceError(f"Google Places sent malformed JSON: {reply.text[:160]}") from None
        if not isinstance(data, dict):
            raise ServiceError(f"Google Places sent an unexpected answer: {reply.text[:160]}")
        return data


def _error_line(reply: Reply) -> str:
    try:
        error = reply.json().get("error") or {}
    except (orjson.JSONDecodeError, AttributeError):
        error = {}
    status = error.get("status") or f"HTTP {reply.status}"
    message = str(error.get("message") or reply.text[:160]).strip()
    hint = HINTS.get(status, "")
    return f"Google Places refused the request ({status}): {message}" + (f"; {hint}" if hint else "")


def _half_diagonal_m(cell: Cell) -> float:
    lat = math.radians((cell.south + cell.north) / 2)
    dx = math.radians(cell.east - cell.west) * math.cos(lat) * 6_371_008.8
    dy = math.radians(cell.north - cell.south) * 6_371_008.8
    return min(50_000.0, math.hypot(dx, dy) / 2)

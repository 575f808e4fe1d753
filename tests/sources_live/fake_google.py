"""A fake Places API (New) on 127.0.0.1: Text Search and Nearby Search in Google's documented format.

It holds a fixed set of places and, like Google, never returns more than 60 per Text Search (3 pages of 20,
`nextPageToken`) or 20 per Nearby Search, ranks by a relevance unrelated to position, projects the answer on
the X-Goog-FieldMask, and answers errors as {"error": {"code", "message", "status"}}.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

VALID_KEY = "test-key-123"
HELSINKI = (60.1699, 24.9384)


def helsinki_places(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` restaurants: a dense centre, a few secondary clusters and a sparse spread, like a real city."""
    rng = random.Random(seed)
    centres = [(HELSINKI, 0.004, 0.5), ((60.1875, 24.9520), 0.003, 0.2), ((60.1600, 24.9100), 0.005, 0.1)]
    out = []
    for i in range(count):
        roll, acc = rng.random(), 0.0
        for (lat0, lon0), sd, share in centres:
            acc += share
            if roll < acc:
                lat, lon = rng.gauss(lat0, sd), rng.gauss(lon0, sd * 2)
                break
        else:
            lat, lon = rng.uniform(60.14, 60.22), rng.uniform(24.85, 25.05)
        pid = "ChIJ" + hashlib.sha1(f"{seed}-{i}".encode()).hexdigest()[:23]
        out.append(
            {
                "name": f"places/{pid}",
                "id": pid,
                "types": ["restaurant", "food", "point_of_interest", "establishment"],
                "primaryType": "restaurant",
                "displayName": {"text": f"Ravintola {i}", "languageCode": "fi"},
                "formattedAddress": f"Testikatu {i % 90 + 1}, 00100 Helsinki, Finland",
                "addressComponents": [
                    {"longText": str(i % 90 + 1), "shortText": str(i % 90 + 1), "types": ["street_number"]},
                    {"longText": "Testikatu", "shortText": "Testikatu", "types": ["route"]},
                    {"longText": "00100", "shortText": "00100", "types": ["postal_code"]},
                    {"longText": "Helsinki", "shortText": "HKI", "types": ["locality", "political"]},
                    {"longText": "Finland", "shortText": "FI", "types": ["country", "political"]},
                ],
                "location": {"latitude": lat, "longitude": lon},
                "businessStatus": "OPERATIONAL",
                "googleMapsUri": f"https://maps.google.com/?cid={i}",
                "internationalPhoneNumber": f"+358 9 {1000000 + i}",
                "nationalPhoneNumber": f"09 {1000000 + i}",
                "websiteUri": f"https://ravintola{i}.example.fi/",
                "rating": round(3 + (i % 20) / 10, 1),
                "userRatingCount": 5 + i,
                "regularOpeningHours": {"weekdayDescriptions": ["Monday: 11:00 AM – 10:00 PM"]},
            }
        )
    return out


def _error(code: int, status: str, message: str) -> web.Response:
    body = {"error": {"code": code, "message": message, "status": status}}
    return web.Response(status=code, body=orjson.dumps(body), content_type="application/json")


@dataclass
class FakePlaces:
    places: list[dict[str, Any]]
    script: list[web.Response] = field(default_factory=list)
    billed: int = 0
    server: Any = None
    unsupported_types: set[str] = field(default_factory=set)

    def install(self, server: Any) -> FakePlaces:
        server.route("POST", "/v1/places:searchText", self.search_text)
        server.route("POST", "/v1/places:searchNearby", self.search_nearby)
        self.server = server
        return self

    @property
    def url(self) -> str:
        return str(self.server.url)

    async def _checked(self, request: web.Request) -> tuple[dict[str, Any], list[str]] | web.Response:
        if self.script:
            return self.script.pop(0)
        key = request.headers.get("X-Goog-Api-Key")
        if key != VALID_KEY:
            return _error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.")
        mask = request.headers.get("X-Goog-FieldMask")
        if not mask:
            return _error(400, "INVALID_ARGUMENT", "FieldMask is a required parameter. See the documentation.")
        try:
            body = orjson.loads(await request.read())
        except orjson.JSONDecodeError:
            return _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        return body, [f.strip() for f in mask.split(",")]

    def _project(self, places: list[dict[str, Any]], mask: list[str]) -> list[dict[str, Any]]:
        if "*" in mask or "places" in mask:
            return places
        wanted = {m.removeprefix("places.") for m in mask if m.startswith("places.")}
        return [{k: v for k, v in p.items() if k in wanted} for p in places]

    def _ranked(self, matches: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
        return sorted(matches, key=lambda p: hashlib.md5(f"{query}{p['id']}".encode()).hexdigest())

    async def search_text(self, request: web.Request) -> web.Response:
        checked = await self._checked(request)
        if isinstance(checked, web.Response):
            return checked
        body, mask = checked
        rect = (body.get("locationRestriction") or {}).get("rectangle")
        if not body.get("textQuery") or not rect:
            return _error(400, "INVALID_ARGUMENT", "textQuery and locationRestriction.rectangle are required.")
        lo, hi = rect["low"], rect["high"]
        kind = body.get("includedType")
        if kind in self.unsupported_types:
            return _error(400, "INVALID_ARGUMENT", f"Unsupported types: {kind}.")
        matches = [
            p
            for p in self.places
            if lo["latitude"] <= p["location"]["latitude"] <= hi["latitude"]
            and lo["longitude"] <= p["location"]["longitude"] <= hi["longitude"]
            and (not kind or kind in p["types"])
        ]
        ranked = self._ranked(matches, str(body.get("textQuery")))[:60]
        page_size = min(int(body.get("pageSize") or 20), 20)
        offset = int(body.get("pageToken") or 0) if str(body.get("pageToken") or "0").isdigit() else -1
        if offset < 0:
            return _error(400, "INVALID_ARGUMENT", "Invalid page token.")
        self.billed += 1
        page = ranked[offset : offset + page_size]
        answer: dict[str, Any] = {}
        if page:
            answer["places"] = self._project(page, mask)
        if offset + page_size < len(ranked) and "nextPageToken" in mask:
            answer["nextPageToken"] = str(offset + page_size)
        return web.Response(body=orjson.dumps(answer), content_type="application/json")

    async def search_nearby(self, request: web.Request) -> web.Response:
        checked = await self._checked(request)
        if isinstance(checked, web.Response):
            return checked
        body, mask = checked
        circle = (body.get("locationRestriction") or {}).get("circle")
        if not circle:
            return _error(400, "INVALID_ARGUMENT", "locationRestriction.circle is required.")
        lat0, lon0 = circle["center"]["latitude"], circle["center"]["longitude"]
        kinds = body.get("includedTypes") or []
        matches = [
            p
            for p in self.places
            if _distance_m(lat0, lon0, p["location"]["latitude"], p["location"]["longitude"]) <= circle["radius"]
            and (not kinds or set(kinds) & set(p["types"]))
        ]
        self.billed += 1
        ranked = self._ranked(matches, "nearby")[: min(int(body.get("maxResultCount") or 20), 20)]
        answer = {"places": self._project(ranked, mask)} if ranked else {}
        return web.Response(body=orjson.dumps(answer), content_type="application/json")


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(min(a, 1.0)))


def error_response(code: int, status: str, message: str, **headers: str) -> web.Response:
    response = _error(code, status, message)
    response.headers.update(headers)
    return response

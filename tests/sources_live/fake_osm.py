"""Fake Overpass and Nominatim serving real OSM data (data/demo/helsinki.osm.pbf) in their documented formats.

The fake Overpass really evaluates the QL our source sends (tag filters, poly/bbox filters, `out center`), so
a test compares what came back through HTTP with what the data holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import osmium
import shapely
from aiohttp import web
from shapely.geometry import Point, Polygon, box, mapping

PBF = Path(__file__).resolve().parents[2] / "data" / "demo" / "helsinki.osm.pbf"
OSM3S = {
    "timestamp_osm_base": "2025-06-01T12:00:00Z",
    "copyright": "The data included in this document is from www.openstreetmap.org. "
    "The data is made available under ODbL.",
}
_STATEMENT = re.compile(r"nwr((?:\[[^\]]+\])+)(\((?:poly:\"[^\"]*\"|[-\d.,]+)\));")
_FILTER = re.compile(r'\["((?:[^"\\]|\\.)*)"(?:(=|~)"((?:[^"\\]|\\.)*)")?\]')


@lru_cache(maxsize=1)
def helsinki_elements() -> tuple[dict[str, Any], ...]:
    """Named nodes and ways of the demo extract as Overpass `out tags center` elements."""
    out: list[dict[str, Any]] = []
    for obj in osmium.FileProcessor(str(PBF)).with_locations().with_filter(osmium.filter.KeyFilter("name")):
        tags = dict(obj.tags)
        if obj.is_node():
            out.append({"type": "node", "id": obj.id, "lat": obj.location.lat, "lon": obj.location.lon, "tags": tags})
        elif obj.is_way():
            locs = [(n.location.lon, n.location.lat) for n in obj.nodes if n.location.valid()]
            if locs:
                xs, ys = [p[0] for p in locs], [p[1] for p in locs]
                center = {"lat": (min(ys) + max(ys)) / 2, "lon": (min(xs) + max(xs)) / 2}
                out.append({"type": "way", "id": obj.id, "center": center, "tags": tags})
    return tuple(out)


def point_of(element: dict[str, Any]) -> tuple[float, float]:
    p = element.get("center") or element
    return p["lon"], p["lat"]


def evaluate(ql: str) -> list[dict[str, Any]]:
    """The elements a real Overpass would return for our union-of-statements query."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for filters, spatial in _STATEMENT.findall(ql):
        conds = [(k, op, v) for k, op, v in _FILTER.findall(filters)]
        region = _region(spatial)
        for el in helsinki_elements():
            tags = el["tags"]
            matches = all(k in tags and _value_ok(tags[k], op, v) for k, op, v in conds)
            if matches and region.intersects(Point(point_of(el))):
                found[(el["type"], el["id"])] = el
    return list(found.values())


def _value_ok(have: str, op: str, want: str) -> bool:
    if op == "=":
        return have == want
    if op == "~":
        return re.search(want.replace('\\"', '"'), have) is not None
    return True


def _region(spatial: str) -> Any:
    inner = spatial[1:-1]
    if inner.startswith("poly:"):
        nums = [float(x) for x in inner[6:-1].split()]
        return Polygon([(nums[i + 1], nums[i]) for i in range(0, len(nums), 2)])
    s, w, n, e = (float(x) for x in inner.split(","))
    return box(w, s, e, n)


@dataclass
class FakeOverpass:
    """Scripted failures first (one per request), then real answers. `max_elements` mimics a memory limit."""

    script: list[web.Response] = field(default_factory=list)
    max_elements: int | None = None
    status_text: str = "Connected as: 1\nRate limit: 2\n2 slots available now.\n"
    queries: list[str] = field(default_factory=list)
    server: Any = None
    incomplete: int = 0

    def install(self, server: Any) -> FakeOverpass:
        """Add the routes; the server starts on first use of `url`, so install every fake before that."""
        server.route("POST", "/api/interpreter", self.interpreter)
        server.route("GET", "/api/status", self.status)
        self.server = server
        return self

    @property
    def url(self) -> str:
        return f"{self.server.url}/api/interpreter"

    async def interpreter(self, request: web.Request) -> web.Response:
        form = await request.post()
        ql = str(form.get("data", ""))
        self.queries.append(ql)
        if self.script:
            return self.script.pop(0)
        elements = evaluate(ql)
        answer: dict[str, Any] = {"version": 0.6, "generator": "Overpass API (fake)", "osm3s": OSM3S}
        if self.max_elements is not None and len(elements) > self.max_elements:
            answer["elements"] = elements[: self.max_elements // 2]
            answer["remark"] = "runtime error: Query run out of memory using about 2048 MB of RAM."
            self.incomplete += 1
        else:
            answer["elements"] = elements
        return web.Response(body=orjson.dumps(answer), content_type="application/json")

    async def status(self, request: web.Request) -> web.Response:
        return web.Response(text=self.status_text)


def overpass_error_page(message: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html><head><title>OSM3S Response</title></head><body>\n'
        f'<p><strong style="color:#FF0000">Error</strong>: {message} </p>\n</body></html>'
    )


@lru_cache(maxsize=1)
def helsinki_places() -> tuple[dict[str, Any], ...]:
    """Nominatim jsonv2 results for the named squares and city blocks of the demo extract, with polygons."""
    factory = osmium.geom.WKBFactory()
    out = []
    for obj in osmium.FileProcessor(str(PBF)).with_areas():
        if obj.is_area() and obj.tags.get("place") in ("city_block", "square") and obj.tags.get("name"):
            geom = shapely.from_wkb(factory.create_multipolygon(obj))
            w, s, e, n = geom.bounds
            out.append(
                {
                    "place_id": obj.id,
                    "osm_type": "way" if obj.from_way() else "relation",
                    "osm_id": obj.orig_id(),
                    "lat": str(geom.centroid.y),
                    "lon": str(geom.centroid.x),
                    "category": "place",
                    "type": obj.tags["place"],
                    "display_name": f"{obj.tags['name']}, Kluuvi, Helsinki, Finland",
                    "boundingbox": [str(s), str(n), str(w), str(e)],
                    "geojson": mapping(geom if len(geom.geoms) > 1 else geom.geoms[0]),
                }
            )
    return tuple(out)


@dataclass
class FakeNominatim:
    script: list[web.Response] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)
    server: Any = None

    def install(self, server: Any) -> FakeNominatim:
        server.route("GET", "/search", self.search)
        server.route("GET", "/lookup", self.lookup)
        self.server = server
        return self

    @property
    def url(self) -> str:
        return str(self.server.url)

    def _places(self) -> list[dict[str, Any]]:
        return [*helsinki_places(), *self.extra]

    async def search(self, request: web.Request) -> web.Response:
        if self.script:
            return self.script.pop(0)
        q = request.query.get("q", "").casefold().split(",")[0].strip()
        hits = [p for p in self._places() if p["display_name"].casefold().startswith(q)]
        return self._answer(request, hits)

    async def lookup(self, request: web.Request) -> web.Response:
        if self.script:
            return self.script.pop(0)
        wanted = set(request.query.get("osm_ids", "").upper().split(","))
        hits = [p for p in self._places() if f"{p['osm_type'][0].upper()}{p['osm_id']}" in wanted]
        return self._answer(request, hits)

    def _answer(self, request: web.Request, hits: list[dict[str, Any]]) -> web.Response:
        if request.query.get("polygon_geojson") != "1":
            hits = [{k: v for k, v in h.items() if k != "geojson"} for h in hits]
        limit = int(request.query.get("limit", "10"))
        return web.json_response(hits[:limit])

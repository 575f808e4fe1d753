"""A Geofabrik-style download server on 127.0.0.1 for tests: index-v1.json, .pbf files with Range support,
their .md5 files, and the failure modes the real server and networks produce (wrong checksum, missing
checksum, a connection dropped mid-file)."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import osmium
from aiohttp import web


@dataclass
class Served:
    """One region on the server: its bytes, and how the server misbehaves for it."""

    region_id: str
    name: str
    path: str  # "europe/germany/berlin"
    data: bytes
    parent: str | None = None
    iso: tuple[str, ...] = ()
    bad_md5: bool = False
    no_md5: bool = False
    #: for the first N full requests, close the connection after this fraction of the body
    drop_after: float | None = None
    drops_left: int = 0


@dataclass
class GeofabrikServer:
    base: str = ""
    regions: dict[str, Served] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def index_url(self) -> str:
        return f"{self.base}/index-v1.json"

    def add(self, served: Served) -> None:
        self.regions[served.path] = served

    def index_document(self) -> bytes:
        features = [
            {
                "type": "Feature",
                "properties": {
                    "id": r.region_id,
                    "parent": r.parent,
                    "name": r.name,
                    "iso3166-1:alpha2": list(r.iso),
                    "urls": {
                        "pbf": f"{self.base}/{r.path}-latest.osm.pbf",
                        "bz2": f"{self.base}/{r.path}-latest.osm.bz2",
                        "updates": f"{self.base}/{r.path}-updates",
                    },
                },
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[24.9, 60.1], [25.0, 60.1], [25.0, 60.2], [24.9, 60.2], [24.9, 60.1]]],
                },
            }
            for r in self.regions.values()
        ]
        return orjson.dumps({"type": "FeatureCollection", "features": features})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path, dict(request.headers)))
        tail = request.path.lstrip("/")
        if tail == "index-v1.json":
            return web.Response(body=self.index_document(), content_type="application/json")
        if tail.endswith("-latest.osm.pbf.md5"):
            served = self.regions.get(tail.removesuffix("-latest.osm.pbf.md5"))
            if served is None or served.no_md5:
                raise web.HTTPNotFound()
            digest = hashlib.md5(served.data).hexdigest()
            if served.bad_md5:
                digest = hashlib.md5(served.data + b"other").hexdigest()
            return web.Response(text=f"{digest}  {tail.rsplit('/', 1)[-1].removesuffix('.md5')}\n")
        if tail.endswith("-latest.osm.pbf"):
            served = self.regions.get(tail.removesuffix("-latest.osm.pbf"))
            if served is None:
                raise web.HTTPNotFound()
            return await self._send(request, served)
        raise web.HTTPNotFound()

    async def _send(self, request: web.Request, served: Served) -> web.StreamResponse:
        data, etag = served.data, '"' + hashlib.md5(served.data).hexdigest() + '"'
        start = 0
        rng = request.headers.get("Range")
        if rng and request.headers.get("If-Range", etag) == etag:
            start = int(rng.removeprefix("bytes=").split("-")[0])
            if start >= len(data):
                return web.Response(status=416, headers={"Content-Range": f"bytes */{len(data)}"})
        body = data[start:]
        resp = web.StreamResponse(status=206 if start else 200)
        resp.headers["ETag"] = etag
        resp.headers["Last-Modified"] = "Fri, 20 Nov 2026 21:21:02 GMT"
        resp.headers["Accept-Ranges"] = "bytes"
        resp.content_type = "application/octet-stream"
        if start:
            resp.headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        resp.content_length = len(body)
        await resp.prepare(request)
        if served.drop_after is not None and served.drops_left > 0 and not start:
            served.drops_left -= 1
            await resp.write(body[: int(len(body) * served.drop_after)])
            await asyncio.sleep(0.05)
            assert request.transport is not None
            request.transport.close()
            return resp
        for i in range(0, len(body), 64 * 1024):
            await resp.write(body[i : i + 64 * 1024])
        await resp.write_eof()
        return resp


def run_server() -> tuple[GeofabrikServer, threading.Event]:
    """Start the server in a thread on a free port; set the returned event to stop it."""
    server = GeofabrikServer()
    ready, stop = threading.Event(), threading.Event()

    def serve() -> None:
        async def main() -> None:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", server.handle)
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            server.base = f"http://127.0.0.1:{port}"
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.02)
            await runner.cleanup()

        asyncio.run(main())

    threading.Thread(target=serve, daemon=True).start()
    assert ready.wait(10)
    return server, stop


def dated_copy(src: Path, dst: Path, timestamp: str, drop_ids: set[int] | None = None) -> Path:
    """A copy of a real .pbf with Geofabrik's replication timestamp in its header (optionally minus nodes)."""
    header = osmium.io.Header()
    header.set("osmosis_replication_timestamp", timestamp)
    with osmium.io.Reader(str(src), osmium.osm.NOTHING) as reader:  # keep the extract's bbox, as Geofabrik does
        header.add_box(reader.header().box())
    header.set("generator", "mapleads tests")
    with osmium.SimpleWriter(str(dst), header=header, overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(src)):
            if drop_ids and obj.is_node() and obj.id in drop_ids:
                continue
            writer.add(obj)
    return dst

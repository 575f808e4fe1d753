"""HTTP for the crawler: one aiohttp session, per-host turns, manual redirects, capped streamed bodies.

Redirects are followed by hand so that every hop is checked against robots.txt and a hop to another registered
domain is recorded instead of followed. The body is only read after the Content-Type says HTML, and never past
the byte cap.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from mapleads.enrich.challenge import challenge_header, is_challenge
from mapleads.enrich.config import EnrichConfig
from mapleads.enrich.domains import registered_domain
from mapleads.enrich.store import CachedPage, Store

REDIRECTS = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_GATES = 50_000
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"

Permit = Callable[[str], Awaitable[bool]]


class HostMapResolver(AbstractResolver):
    """Resolves host names by pattern ("*.test" → 127.0.0.1) and nothing else: names it lacks are unreachable.

    Tests and benchmarks use it to give each site of a local farm its own host name, so that per-host
    politeness, robots.txt per host and cross-domain redirects are real, all on this machine.
    """

    def __init__(self, host_map: dict[str, str]) -> None:
        self.host_map = host_map

    def lookup(self, host: str) -> str | None:
        host = host.lower().rstrip(".")
        if host in self.host_map:
            return self.host_map[host]
        for pattern, ip in self.host_map.items():
            if fnmatch.fnmatchcase(host, pattern):
                return ip
        return None

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        ip = self.lookup(host)
        if ip is None:
            raise OSError(f"{host} is not in the crawl host map")
        fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [ResolveResult(hostname=host, host=ip, port=port, family=fam, proto=0, flags=socket.AI_NUMERICHOST)]

    async def close(self) -> None:
        return None


@dataclass(slots=True)
class Fetched:
    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_type: str = ""
    truncated: bool = False
    offsite: str | None = None
    error: str | None = None
    from_cache: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.offsite is None and self.status is not None and self.status < 400


@dataclass(slots=True)
class _Gate:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    delay: float = 0.0
    next_at: float = 0.0


def _idle(lock: asyncio.Lock) -> bool:
    """Free and nobody about to take it (a released lock has woken its next waiter, not yet handed over)."""
    return not lock.locked() and not getattr(lock, "_waiters", None)


class HostGates:
    """One request at a time per host, spaced by the host's Crawl-delay."""

    def __init__(self) -> None:
        self._gates: dict[str, _Gate] = {}

    def set_delay(self, host: str, delay: float) -> None:
        self._gates.setdefault(host, _Gate()).delay = delay

    def delay(self, host: str) -> float:
        gate = self._gates.get(host)
        return gate.delay if gate else 0.0

    def _prune(self) -> None:
        """Drop gates nobody holds and whose delay has passed: a run may meet millions of hosts.

        Dropping is safe: every request sets its host's delay again (from robots.txt) before its turn.
        """
        now = time.monotonic()
        idle = [h for h, g in self._gates.items() if _idle(g.lock) and g.next_at <= now]
        for host in idle:
            del self._gates[host]

    @contextlib.asynccontextmanager
    async def turn(self, host: str) -> AsyncIterator[None]:
        if len(self._gates) > MAX_GATES and host not in self._gates:
            self._prune()
        gate = self._gates.setdefault(host, _Gate())
        async with gate.lock:
            # the clock, not loop.time(): uvloop's loop time is cached per iteration and can lag behind
            while (wait := gate.next_at - time.monotonic()) > 0:
                await asyncio.sleep(wait + 0.001)
            try:
                yield
            finally:
                gate.next_at = time.monotonic() + gate.delay


def make_session(config: EnrichConfig) -> aiohttp.ClientSession:
    resolver: Any = HostMapResolver(config.host_map) if config.host_map else None
    connector = aiohttp.TCPConnector(
        limit=config.concurrency * 2, limit_per_host=2, ttl_dns_cache=300, resolver=resolver
    )
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=config.connect_timeout, sock_read=config.read_timeout)
    return aiohttp.ClientSession(
        connector=connector,
        timeout=timeout,
        headers={"User-Agent": config.user_agent, "Accept": ACCEPT},
        auto_decompress=True,
        cookie_jar=aiohttp.DummyCookieJar(),
    )


class Fetcher:
    def __init__(self, session: aiohttp.ClientSession, config: EnrichConfig, store: Store | None) -> None:
        self.session = session
        self.config = config
        self.store = store
        self.gates = HostGates()
        self.requests = 0

    async def get(self, url: str, *, html: bool = True, permit: Permit | None = None) -> Fetched:
        """GET `url`, following same-domain redirects; `html` asks for an HTML page (else any text)."""
        domain = registered_domain(urlsplit(url).hostname or "")
        for _ in range(self.config.max_redirects + 1):
            if permit is not None and not await permit(url):
                return Fetched(url, error="robots_disallowed")
            result, location = await self._one(url, html)
            if location is None:
                return result
            target = urljoin(url, location)
            if urlsplit(target).scheme not in ("http", "https"):
                return Fetched(url, status=result.status, error=f"redirect to {target}")
            if registered_domain(urlsplit(target).hostname or "") != domain:
                result.offsite = target
                return result
            url = target
        return Fetched(url, error="too many redirects")

    async def _one(self, url: str, html: bool) -> tuple[Fetched, str | None]:
        host = (urlsplit(url).hostname or "").lower()
        cached = self.store.cached_page(url) if self.store is not None and html else None
        headers = _conditional_headers(cached)
        try:
            async with self.gates.turn(host):
                self.requests += 1
                async with self.session.get(url, allow_redirects=False, headers=headers) as resp:
                    return await self._read(url, resp, cached, html)
        except TimeoutError:
            return Fetched(url, error="timeout"), None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return Fetched(url, error=f"unreachable: {type(exc).__name__}"), None

    async def _read(
        self, url: str, resp: aiohttp.ClientResponse, cached: CachedPage | None, html: bool
    ) -> tuple[Fetched, str | None]:
        headers = {k.lower(): v for k, v in resp.headers.items()}
        result = Fetched(url, status=resp.status, headers=headers, content_type=headers.get("content-type", ""))
        if resp.status in REDIRECTS and headers.get("location"):
            return result, headers["location"]
        if resp.status == 304 and cached is not None:
            result.status, result.body, result.content_type = 200, cached.body, cached.content_type
            result.from_cache = True
            return result, None
        if challenge_header(headers):
            result.error = "blocked"
            return result, None
        mime = result.content_type.split(";", 1)[0].strip().lower()
        if html and mime and mime not in HTML_TYPES and resp.status < 400:
            result.error = "not_html"
            return result, None
        cap = self.config.max_body_bytes if resp.status < 400 else 65536
        result.body, result.truncated = await _read_capped(resp, cap)
        if is_challenge(resp.status, headers, result.body[:65536]):
            result.error = "blocked"
            return result, None
        if self.store is not None and html and resp.status == 200 and not result.truncated:
            etag, modified = headers.get("etag"), headers.get("last-modified")
            if etag or modified:
                self.store.save_page(url, CachedPage(etag, modified, result.content_type, result.body))
        return result, None


def _conditional_headers(cached: CachedPage | None) -> dict[str, str]:
    if cached is None:
        return {}
    headers = {}
    if cached.etag:
        headers["If-None-Match"] = cached.etag
    if cached.last_modified:
        headers["If-Modified-Since"] = cached.last_modified
    return headers


async def _read_capped(resp: aiohttp.ClientResponse, cap: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(65536):
        room = cap - size
        if len(chunk) >= room:
            chunks.append(chunk[:room])
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False

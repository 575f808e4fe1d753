"""HTTP for the live sources: identifying User-Agent, polite pacing, retries with backoff and a disk cache.

Public services (Overpass, Nominatim) ask clients to identify themselves, to slow down when told to (429 with
Retry-After, 503/504 under load) and not to ask the same question twice; Google bills every request. One
client per service does all of that, so each source only builds requests and reads answers.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from mapleads.errors import MapleadsError
from mapleads.settings import get_settings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

#: Called with a throttling response; returns the seconds to wait before retrying, or None for the default.
WaitHint = Callable[[httpx.Response], float | None]


class ServiceError(MapleadsError):
    """A live service refused or failed a request in a way retrying will not fix (bad key, bad query, ...)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(slots=True)
class Reply:
    """The part of an HTTP response the sources read; also what the disk cache stores."""

    status: int
    body: bytes
    headers: Mapping[str, str]
    from_cache: bool = False

    def json(self) -> Any:
        return orjson.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


_pacing_lock = threading.Lock()
_last_request_at: dict[str, float] = {}


class LiveClient:
    """One service's HTTP client. `min_interval` paces requests process-wide (Nominatim: 1 request/s)."""

    def __init__(
        self,
        service: str,
        *,
        min_interval: float = 0.0,
        cache_ttl: float | None = None,
        headers: Mapping[str, str] | None = None,
        wait_hint: WaitHint | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        settings = get_settings()
        self.service = service
        self.min_interval = min_interval
        self.cache_ttl = settings.live_cache_ttl if cache_ttl is None else cache_ttl
        self.cache_dir = settings.data_dir / "cache" / "http" / service
        self.max_retries = settings.live_max_retries
        self.max_wait = settings.live_max_wait
        self.backoff = settings.live_backoff
        self.wait_hint = wait_hint
        self.requests_sent = 0
        self._http = httpx.Client(
            headers={"User-Agent": settings.user_agent, **(headers or {})},
            timeout=httpx.Timeout(settings.live_timeout, connect=30.0),
            transport=transport,
            follow_redirects=True,
        )

    def close(self) -> None:
        self._http.close()

    # --- public ----------------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        cache: bool = True,
        ok: Callable[[Reply], bool] | None = None,
    ) -> Reply:
        """Send with retries; returns the final reply (2xx or a non-retryable error status).

        `cache=False` for content that may not be stored (Google). `ok` decides whether a 200 may be cached.
        """
        key = self._cache_key(method, url, params, data, json) if cache and self.cache_ttl > 0 else None
        if key is not None and (hit := self._cache_get(key)) is not None:
            return hit
        reply = self._send_with_retries(method, url, params=params, data=data, json=json, headers=headers)
        if key is not None and reply.status == 200 and (ok is None or ok(reply)):
            self._cache_put(key, reply)
        return reply

    # --- sending ---------------------------------------------------------------------------------------
    def _send_with_retries(self, method: str, url: str, **kwargs: Any) -> Reply:
        attempt = 0
        while True:
            self._pace()
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                if attempt >= self.max_retries:
                    raise ServiceError(f"{self.service}: cannot reach {_origin(url)} ({exc})") from None
                self._sleep(self._backoff(attempt))
                attempt += 1
                continue
            finally:
                self.requests_sent += 1
            if response.status_code not in RETRY_STATUSES or attempt >= self.max_retries:
                return Reply(response.status_code, response.content, dict(response.headers))
            self._sleep(self._wait_for(response, attempt))
            attempt += 1

    def _wait_for(self, response: httpx.Response, attempt: int) -> float:
        wait = _retry_after(response.headers.get("Retry-After"))
        if wait is None and self.wait_hint is not None:
            wait = self.wait_hint(response)
        if wait is None:
            wait = self._backoff(attempt)
        return min(max(wait, 0.0), self.max_wait)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: 1, 2, 4, 8... x live_backoff seconds, capped by live_max_wait."""
        return min(self.max_wait, self.backoff * (2.0**attempt) * (0.75 + random.random() / 2))

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def _pace(self) -> None:
        if self.min_interval <= 0:
            return
        origin = self.service
        with _pacing_lock:
            last = _last_request_at.get(origin, 0.0)
            wait = last + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            _last_request_at[origin] = time.monotonic()

    # --- cache -----------------------------------------------------------------------------------------
    def _cache_key(self, method: str, url: str, params: Any, data: Any, json: Any) -> str:
        blob = orjson.dumps([method, url, params, data, json], option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(blob).hexdigest()

    def _cache_path(self, key: str) -> Path:
        return self.cache_dir / key[:2] / f"{key}.body"

    def _cache_get(self, key: str) -> Reply | None:
        path = self._cache_path(key)
        try:
            if time.time() - path.stat().st_mtime > self.cache_ttl:
                return None
            return Reply(200, path.read_bytes(), {}, from_cache=True)
        except OSError:
            return None

    def _cache_put(self, key: str, reply: Reply) -> None:
        path = self._cache_path(key)
        # a cache that cannot be written only costs a repeated request
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{threading.get_ident()}")
            tmp.write_bytes(reply.body)
            tmp.replace(path)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds, from either of its two forms (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()


def _origin(url: str) -> str:
    parsed = httpx.URL(url)
    return f"{parsed.scheme}://{parsed.host}" + (f":{parsed.port}" if parsed.port else "")

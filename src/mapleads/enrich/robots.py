"""robots.txt per origin, read with Protego, with the status rules of RFC 9309.

2xx: the rules apply. 4xx: no rules, everything is allowed. 5xx or no answer: the site is treated as fully
disallowed (we skip it). 429 counts as "no answer": it asks us to come back later, not to come in.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from mapleads.enrich.fetch import Fetcher

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 § 2.5: parse at least 500 KiB
MAX_ORIGINS = 20_000


@dataclass(slots=True)
class RobotsRules:
    parser: Protego | None
    unavailable: str | None = None

    def allows(self, url: str, token: str) -> bool:
        if self.unavailable is not None:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, token))

    def crawl_delay(self, token: str) -> float:
        if self.parser is None:
            return 0.0
        delay = self.parser.crawl_delay(token)
        rate = self.parser.request_rate(token)
        from_rate = rate.seconds / rate.requests if rate and rate.requests else 0.0
        return float(max(delay or 0.0, from_rate))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class RobotsCache:
    """Fetches each origin's robots.txt once per run, even when many leads share the origin."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._rules: dict[str, asyncio.Task[RobotsRules]] = {}

    async def rules(self, url: str) -> RobotsRules:
        origin = origin_of(url)
        task = self._rules.get(origin)
        if task is None:  # a task of its own, so a site that times out does not cancel it for the others
            task = self._rules[origin] = asyncio.ensure_future(self._fetch(origin))
            if len(self._rules) > MAX_ORIGINS:  # forget the oldest finished origins: memory stays flat
                for old in [o for o, t in self._rules.items() if t.done()][: MAX_ORIGINS // 10]:
                    del self._rules[old]
        else:
            self._rules[origin] = self._rules.pop(origin)  # most recently used last
        return await asyncio.shield(task)

    async def _fetch(self, origin: str) -> RobotsRules:
        got = await self.fetcher.get(f"{origin}/robots.txt", html=False)
        if got.offsite is not None:  # a robots.txt moved to another domain: follow it, as RFC 9309 allows
            got = await self.fetcher.get(got.offsite, html=False)
        if got.error is not None or got.status is None:
            return RobotsRules(None, unavailable=got.error or "no answer")
        if got.status == 429 or got.status >= 500:
            return RobotsRules(None, unavailable=f"robots.txt answered HTTP {got.status}")
        if got.status >= 400:
            return RobotsRules(None)
        text = got.body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
        return RobotsRules(Protego.parse(text))

"""Enrich many leads at once: an asyncio crawler in a background thread, fed and drained by a plain iterator.

`enrich_leads` keeps the input order and streams: it keeps a window of leads in flight, so memory stays flat
for any number of leads; a stopped run has its finished leads stored (see `Store`) for the next run.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Coroutine, Iterable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

from mapleads.enrich.config import EnrichConfig
from mapleads.enrich.fetch import Fetcher, make_session
from mapleads.enrich.merge import apply
from mapleads.enrich.result import ERROR, NO_WEBSITE, UNREACHABLE, SiteResult
from mapleads.enrich.robots import RobotsCache
from mapleads.enrich.site import Renderer, SiteCrawler
from mapleads.enrich.store import Store
from mapleads.lead import Lead
from mapleads.normalize import normalize_website

T = TypeVar("T")
RECENT_SITES = 10_000
log = logging.getLogger(__name__)
Stage = Callable[[Iterable[Lead]], Iterator[Lead]]


class Enricher:
    """The async engine: one HTTP session, one robots cache and one crawl per distinct website."""

    def __init__(self, config: EnrichConfig) -> None:
        self.config = config
        self.stats: Counter[str] = Counter()
        self._sites: dict[tuple[str, str | None, str | None], asyncio.Task[SiteResult]] = {}
        self._recent: OrderedDict[tuple[str, str | None, str | None], SiteResult] = OrderedDict()

    async def open(self) -> Enricher:
        # the store first: if its folder cannot be made, no HTTP session is left open behind the error
        self.store = Store(self.config.cache_dir, self.config.state_max_age_days) if self.config.cache_dir else None
        self.session = make_session(self.config)
        self.fetcher = Fetcher(self.session, self.config, self.store)
        self.renderer: Renderer | None = None
        if self.config.browser_fallback:
            from mapleads.enrich.browser import BrowserRenderer

            self.renderer = BrowserRenderer(self.config)
        self.crawler = SiteCrawler(self.fetcher, RobotsCache(self.fetcher), self.config, self.renderer)
        self.mx = None
        if self.config.mx_check:
            from mapleads.enrich.mx import MxChecker

            self.mx = MxChecker(self.config.dns_servers)
        self._slots = asyncio.Semaphore(self.config.concurrency)
        return self

    async def close(self) -> None:
        for task in self._sites.values():
            task.cancel()
        await self.session.close()
        if self.renderer is not None:
            await self.renderer.close()  # type: ignore[attr-defined]
        if self.store is not None:
            self.store.close()

    @property
    def requests(self) -> int:
        return self.fetcher.requests

    async def enrich(self, lead: Lead) -> Lead:
        website = normalize_website(lead.website) if lead.website else None
        if not website:
            lead.extra["enrich"] = {"status": NO_WEBSITE}
            self.stats[NO_WEBSITE] += 1
            return lead
        country = (lead.address.country_code or "").upper() or None
        policy = "personal" if self.config.keep_personal_emails else "role"
        state_key = f"{lead.id or website}|{country or ''}|{policy}"
        stored = None
        if self.store is not None and not self.config.fresh:
            stored = self.store.finished(state_key, website)
        if stored is not None:
            result = SiteResult.from_dict(stored)
            self.stats["resumed"] += 1
        else:
            result = await self._site(website, country, lead.name)
            if _try_plain_http(result, lead.website or "", website):
                result = await self._site("http:" + website.removeprefix("https:"), country, lead.name)
            if self.store is not None:
                self.store.finish(state_key, website, result.to_json())
        self.stats[result.status] += 1
        return apply(lead, result, self.config.keep_personal_emails)

    async def _site(self, website: str, country: str | None, name: str | None) -> SiteResult:
        """Several leads with one website (a chain's branches) share one crawl.

        In-flight crawls are shared through their task; finished ones through a bounded LRU, so memory stays
        flat however many distinct websites a run has.
        """
        key = (website, country, name)
        done = self._recent.get(key)
        if done is not None:
            self._recent.move_to_end(key)
            return done
        task = self._sites.get(key)
        if task is None:
            task = self._sites[key] = asyncio.ensure_future(self._crawl(website, country, name))
            task.add_done_callback(lambda t, k=key: self._remember(k, t))  # type: ignore[misc]
        return await asyncio.shield(task)

    def _remember(self, key: tuple[str, str | None, str | None], task: asyncio.Task[SiteResult]) -> None:
        self._sites.pop(key, None)
        if not task.cancelled() and task.exception() is None:
            self._recent[key] = task.result()
            if len(self._recent) > RECENT_SITES:
                self._recent.popitem(last=False)

    async def _crawl(self, website: str, country: str | None, name: str | None) -> SiteResult:
        async with self._slots:
            try:
                result = await self.crawler.crawl(website, country=country, name=name)
            except Exception as exc:  # one odd site must never stop a run of thousands
                log.exception("enrichment of %s failed", website)
                result = SiteResult(website, status=ERROR, detail=f"{type(exc).__name__}: {exc}"[:300])
        self.stats["pages"] += result.pages_fetched
        if self.mx is not None:
            for found in result.emails:
                found.mx = await self.mx.accepts_mail(found.email.partition("@")[2])
        return result


def _try_plain_http(result: SiteResult, given: str, website: str) -> bool:
    """Many small sites still answer only on plain HTTP, or have a broken certificate: when the website was
    written without a scheme ("helmi.fi"), or HTTPS failed in TLS, the http:// address is tried once."""
    if result.status != UNREACHABLE or not website.startswith("https:"):
        return False
    tls_failed = any(word in (result.detail or "") for word in ("SSL", "Certificate"))
    return "://" not in given or tls_failed


def _new_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it exists (Linux, macOS): the crawler spends much of its CPU in the event loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


class _LoopThread:
    """An event loop running in a daemon thread, so synchronous callers can stream through async work."""

    def __init__(self) -> None:
        self.loop = _new_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="mapleads-enrich", daemon=True)
        self.thread.start()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.submit(coro).result()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


def enrich_leads(
    leads: Iterable[Lead],
    config: EnrichConfig | None = None,
    *,
    stats: Counter[str] | None = None,
    **options: Any,
) -> Iterator[Lead]:
    """The leads, in input order, with what their websites say; `options` override settings."""
    config = config or EnrichConfig.from_settings(**options)
    worker = _LoopThread()
    enricher = worker.run(Enricher(config).open())
    window: deque[Future[Lead]] = deque()
    size = config.concurrency * 4
    try:
        for lead in leads:
            window.append(worker.submit(enricher.enrich(lead)))
            while len(window) >= size:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
    finally:
        for future in window:
            future.cancel()
        worker.run(enricher.close())
        if stats is not None:
            stats.update(enricher.stats)
            stats["requests"] += enricher.requests
        worker.stop()


def enrich_stage(**options: Any) -> Stage:
    """Pipeline stage factory (`mapleads.pipeline`): keyword options as for `enrich_leads`."""

    def stage(leads: Iterable[Lead]) -> Iterator[Lead]:
        return enrich_leads(leads, **options)

    return stage

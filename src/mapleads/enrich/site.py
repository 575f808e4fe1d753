"""Crawl one website: robots.txt, the home page, then at most four chosen pages; never deeper.

Findings are collected page by page, so a site that runs out of its time budget still keeps what was found.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from mapleads.enrich import emails, pages, tech
from mapleads.enrich import result as r
from mapleads.enrich.config import EnrichConfig
from mapleads.enrich.domains import country_of_host, registered_domain
from mapleads.enrich.extract import PageFindings, analyse
from mapleads.enrich.fetch import Fetched, Fetcher
from mapleads.enrich.page import Page, parse_html, parse_page
from mapleads.enrich.robots import RobotsCache

APP_SHELL_TEXT_CHARS = 200
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?|[0-9a-f:]*:[0-9a-f:.]+")
_ERROR_STATUS = {
    "timeout": r.TIMEOUT,
    "blocked": r.BLOCKED,
    "not_html": r.NOT_HTML,
    "robots_disallowed": r.ROBOTS_DISALLOWED,
}


class Renderer(Protocol):
    async def render(self, url: str) -> str | None: ...


@dataclass(slots=True)
class _Collected:
    findings: list[tuple[str, PageFindings]] = field(default_factory=list)


def _valid_host(host: str) -> bool:
    """A DNS name (IDN allowed) or an IP address; rejects "www", "n/a", "tel 040 123" and the like."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(_HOST.fullmatch(ascii_host)) and ("." in ascii_host or ":" in ascii_host)


def looks_like_app_shell(page: Page) -> bool:
    """A page whose visible text is next to nothing but which runs scripts: a JavaScript app."""
    return page.script_count > 0 and len(page.text) < APP_SHELL_TEXT_CHARS and not page.mailtos


class SiteCrawler:
    def __init__(
        self, fetcher: Fetcher, robots: RobotsCache, config: EnrichConfig, renderer: Renderer | None = None
    ) -> None:
        self.fetcher = fetcher
        self.robots = robots
        self.config = config
        self.renderer = renderer

    async def crawl(self, website: str, *, country: str | None = None, name: str | None = None) -> r.SiteResult:
        result = r.SiteResult(website)
        collected = _Collected()
        parts = urlsplit(website)
        if parts.scheme not in ("http", "https") or not _valid_host(parts.hostname or ""):
            result.status, result.detail = r.INVALID_URL, f"not a web address: {website}"
            return result
        region = (country or country_of_host(parts.hostname or "") or self.config.default_country or "").upper() or None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.site_timeout
        try:
            async with asyncio.timeout_at(deadline):
                await self._crawl(result, collected, website, region, deadline)
        except TimeoutError:
            if result.final_url is None:
                result.status, result.detail = r.TIMEOUT, f"no answer within {self.config.site_timeout:g} s"
            else:
                result.detail = f"stopped after {self.config.site_timeout:g} s; pages so far were used"
        _summarise(result, collected, name, self.config)
        return result

    async def _permit(self, url: str) -> bool:
        """robots.txt allows `url`, and its host's Crawl-delay is within the cap (applied to its turns)."""
        rules = await self.robots.rules(url)
        if rules.unavailable is not None:
            return False
        delay = rules.crawl_delay(self.config.robots_token)
        if delay > self.config.max_crawl_delay:
            return False
        self.fetcher.gates.set_delay((urlsplit(url).hostname or "").lower(), delay)
        return rules.allows(url, self.config.robots_token)

    async def _crawl(
        self, result: r.SiteResult, collected: _Collected, website: str, region: str | None, deadline: float
    ) -> None:
        token = self.config.robots_token
        rules = await self.robots.rules(website)
        if rules.unavailable is not None:
            reason = rules.unavailable
            if reason == "blocked":
                result.status, result.detail = r.BLOCKED, "bot challenge on robots.txt; not retried"
            elif reason == "timeout" or reason.startswith("unreachable"):
                result.status, result.detail = _ERROR_STATUS.get(reason, r.UNREACHABLE), reason
            else:
                result.status, result.detail = r.ROBOTS_UNAVAILABLE, f"{reason}: the site is skipped"
            return
        delay = rules.crawl_delay(token)
        if delay > self.config.max_crawl_delay:
            result.status = r.CRAWL_DELAY_TOO_LONG
            result.detail = f"Crawl-delay {delay:g} s is above the {self.config.max_crawl_delay:g} s cap"
            return
        if not rules.allows(website, token):
            result.status, result.detail = r.ROBOTS_DISALLOWED, "robots.txt disallows the home page"
            return
        home = await self.fetcher.get(website, permit=self._permit)
        result.pages.append(_visit(home, "home"))
        if not _home_ok(result, home):
            return
        page = parse_page(home.url, home.body, home.content_type)
        if page.refresh and page.refresh != home.url and len(page.text) < APP_SHELL_TEXT_CHARS:  # an HTML "redirect"
            target = page.refresh
            if registered_domain(urlsplit(target).hostname or "") != registered_domain(parts_host(home.url)):
                result.status, result.redirected_to = r.REDIRECTED_OFFSITE, target
                result.detail = f"the home page refreshes to another domain: {target}"
                return
            home = await self.fetcher.get(target, permit=self._permit)
            result.pages.append(_visit(home, "home"))
            if not _home_ok(result, home):
                return
            page = parse_page(home.url, home.body, home.content_type)
        result.final_url = home.url
        if self.renderer is not None and looks_like_app_shell(page):
            markup = await self.renderer.render(home.url)
            if markup:
                page = parse_html(home.url, markup)
                result.rendered = True
        collected.findings.append((home.url, analyse(page, region)))
        result.tech = tech.detect(page.html, page.generator, home.headers)
        loop = asyncio.get_running_loop()
        for kind, url in pages.choose(home.url, page.links, self.config.extra_pages):
            host = (urlsplit(url).hostname or "").lower()
            if loop.time() + self.fetcher.gates.delay(host) >= deadline:
                result.detail = "Crawl-delay left no time for more pages"
                break
            got = await self.fetcher.get(url, permit=self._permit)
            result.pages.append(_visit(got, kind))
            if got.ok and got.body:
                collected.findings.append((got.url, analyse(parse_page(got.url, got.body, got.content_type), region)))


def parts_host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _visit(got: Fetched, kind: str) -> r.PageVisit:
    note = got.error or (f"redirects to {got.offsite}" if got.offsite else None)
    if got.truncated:
        note = "truncated at the size cap"
    return r.PageVisit(got.url, kind, got.status, note)


def _home_ok(result: r.SiteResult, home: Fetched) -> bool:
    if home.offsite is not None:
        result.status, result.redirected_to = r.REDIRECTED_OFFSITE, home.offsite
        result.detail = f"the home page redirects to another domain: {home.offsite}"
    elif home.error is not None:
        result.status = _ERROR_STATUS.get(home.error, r.UNREACHABLE)
        result.detail = {
            r.BLOCKED: "bot challenge (e.g. Cloudflare); not retried",
            r.NOT_HTML: f"the home page is {home.content_type or 'not HTML'}",
            r.ROBOTS_DISALLOWED: "robots.txt disallows a redirect target",
        }.get(result.status, home.error)
    elif home.status is not None and home.status >= 400:
        result.status, result.detail = r.HTTP_ERROR, f"HTTP {home.status}"
    else:
        return True
    return False


def _summarise(result: r.SiteResult, collected: _Collected, name: str | None, config: EnrichConfig) -> None:
    hosts = [urlsplit(u).hostname or "" for u in (result.website, result.final_url) if u]
    site_domains = {registered_domain(h) for h in hosts if h}
    words = emails.business_words(name, site_domains)
    seen_emails: set[str] = set()
    seen_phones: dict[str, int] = {}
    social_counts: Counter[tuple[str, str]] = Counter()
    social_first: dict[tuple[str, str], tuple[str, str]] = {}
    businesses: list[tuple[str, dict[str, Any]]] = []
    for page_url, found in collected.findings:
        for address, rule in found.emails:
            if address in seen_emails:
                continue
            seen_emails.add(address)
            cls = emails.classify(address, site_domains, words)
            if cls.role or config.keep_personal_emails:
                result.emails.append(r.EmailFinding(address, page_url, rule, cls.role, cls.own_domain, cls.free_mail))
        for e164, rule, confirmed in found.phones:
            index = seen_phones.get(e164)
            if index is None:
                seen_phones[e164] = len(result.phones)
                result.phones.append(r.PhoneFinding(e164, page_url, rule, confirmed))
            elif confirmed and not result.phones[index].confirmed:
                result.phones[index] = r.PhoneFinding(e164, page_url, rule, True)
        for network, url, rule in found.socials:
            social_counts[(network, url)] += 1
            social_first.setdefault((network, url), (page_url, rule))
        businesses += [(page_url, b) for b in found.businesses]
    best: dict[str, tuple[int, str]] = {}
    for (network, url), count in social_counts.items():  # Counter keeps first-seen order for ties
        if network not in best or count > best[network][0]:
            best[network] = (count, url)
    for network, (_, url) in best.items():
        page_url, rule = social_first[(network, url)]
        result.socials.append(r.SocialFinding(network, url, page_url, rule))
    if businesses:
        page_url, record = max(businesses, key=lambda pb: len(pb[1]))
        result.structured, result.structured_page = record, page_url

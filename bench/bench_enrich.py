"""Website enrichment benchmark: our crawler against a Scrapy spider on the same local site farm.

The farm (tests/enrich/sitefarm.py, ordinary sites only) runs in its own process, served with 0 ms and with
~100 ms mean latency. Each crawler runs in a fresh process and fetches the same pages: robots.txt, the home
page and the contact/imprint/about/privacy pages our page choice picks, with the same concurrency, one request
per host at a time and robots.txt obeyed (Scrapy: ROBOTSTXT_OBEY). Both run the same extraction on every page,
so the ratio measures the crawling engine. We report sites/s, pages/s and the crawler process's CPU seconds
(and sites per CPU second, which other load on the machine disturbs less than wall-clock rates).

Usage: .venv/bin/python bench/bench_enrich.py            (or `make bench`, which runs every benchmark)
       BENCH_ENRICH_SITES=3000 .venv/bin/python bench/bench_enrich.py
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FARM = ROOT / "tests" / "enrich" / "sitefarm.py"
CONCURRENCY = 64
USER_AGENT = "MapLeadExtractor/0.1 (+https://github.com/mapleads/mapleads; benchmark)"
RUNS = (  # (label, mean latency in seconds, sites)
    ("0 ms", 0.0, int(os.environ.get("BENCH_ENRICH_SITES", "2000"))),
    ("~100 ms", 0.1, int(os.environ.get("BENCH_ENRICH_SITES_SLOW", "800"))),
)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the two crawlers, each run in a child process --------------------------------------------------------

WARM_UP_PAGE = (
    '<html><head><script type="application/ld+json">{"@type": "Store", "telephone": "+358 9 123"}</script>'
    '</head><body><div itemscope itemtype="https://schema.org/Store"><span itemprop="name">x</span></div>'
    '<a href="mailto:info@warm-up.fi">info@warm-up.fi</a><a href="tel:+4930123456">030</a><p>09 1234567</p>'
    '<a href="/kontakt">Kontakt</a></body></html>'
)


def warm_up() -> None:
    """One-time imports and tables (extruct, the suffix list, phone metadata) before the clock starts, for
    both crawlers alike: the benchmark reports the steady rate, not Python start-up."""
    from mapleads.enrich import pages
    from mapleads.enrich.extract import analyse
    from mapleads.enrich.page import parse_html

    for region in ("FI", "DE", "FR", "GB", "SE", None):
        page = parse_html("https://warm-up.fi/", WARM_UP_PAGE)
        analyse(page, region)
        pages.choose(page.url, page.links)


def run_ours(farm: dict[str, Any]) -> dict[str, float]:
    from collections import Counter

    from mapleads.enrich import EnrichConfig, enrich_leads
    from mapleads.lead import Address, Lead

    leads = [
        Lead(id=f"b:{i}", name=name, source="bench", source_id=str(i), website=url,
             address=Address(country_code=country))
        for i, (url, country, name) in enumerate(farm["sites"])
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as state:
        config = EnrichConfig(
            concurrency=CONCURRENCY, user_agent=USER_AGENT, host_map=farm["host_map"], cache_dir=Path(state)
        )
        stats: Counter[str] = Counter()
        warm_up()
        cpu, start = _cpu_seconds(), time.perf_counter()
        emails = sum(len(lead.emails) for lead in enrich_leads(leads, config, stats=stats))
        seconds = time.perf_counter() - start
    return {
        "sites": len(leads),
        "ok": stats["ok"],
        "pages": stats["pages"],
        "emails": emails,
        "seconds": seconds,
        "cpu": _cpu_seconds() - cpu,
    }


def run_scrapy(farm: dict[str, Any]) -> dict[str, float]:
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.resolver import CachingThreadedResolver
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet import defer

    from mapleads.enrich import pages
    from mapleads.enrich.extract import analyse
    from mapleads.enrich.page import parse_page

    host_map: dict[str, str] = farm["host_map"]
    counts = {"sites": 0, "pages": 0, "emails": 0, "errors": 0}

    class FarmResolver(CachingThreadedResolver):
        """Scrapy's resolver, answering farm host names from the host map (as our crawler's host map does)."""

        def getHostByName(self, name: str, timeout: Any = ()) -> Any:
            return defer.succeed(host_map.get(name, "127.0.0.1"))

    class ContactSpider(scrapy.Spider):
        name = "contacts"

        async def start(self) -> Any:
            for url, country, _ in farm["sites"]:
                kwargs = {"country": country}
                yield scrapy.Request(url, callback=self.home, errback=self.failed, cb_kwargs=kwargs)

        def _analyse(self, response: Any, country: str | None) -> Any:
            counts["pages"] += 1
            page = parse_page(response.url, response.body, response.headers.get("Content-Type", b"").decode())
            counts["emails"] += len(analyse(page, country).emails)
            return page

        def home(self, response: Any, country: str | None) -> Any:
            counts["sites"] += 1
            page = self._analyse(response, country)
            for _, url in pages.choose(response.url, page.links, 4):
                kwargs = {"country": country}
                yield scrapy.Request(url, callback=self.sub, errback=self.failed, cb_kwargs=kwargs)

        def sub(self, response: Any, country: str | None) -> None:
            self._analyse(response, country)

        def failed(self, failure: Any) -> None:
            if failure.check(HttpError):  # a 404 page was fetched all the same, as our crawler counts it
                counts["pages"] += 1
            else:
                counts["errors"] += 1

    process = CrawlerProcess(
        settings={
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS": CONCURRENCY,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
            "DOWNLOAD_DELAY": 0,
            "USER_AGENT": USER_AGENT,
            "DNS_RESOLVER": FarmResolver,
            "COOKIES_ENABLED": False,
            "RETRY_ENABLED": False,
            "REDIRECT_MAX_TIMES": 5,
            "DOWNLOAD_MAXSIZE": 2_000_000,
            "DOWNLOAD_TIMEOUT": 10,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "ERROR",
            "HTTPERROR_ALLOW_ALL": False,
        }
    )
    process.crawl(ContactSpider)
    warm_up()
    cpu, start = _cpu_seconds(), time.perf_counter()
    process.start()
    seconds = time.perf_counter() - start
    return {**counts, "seconds": seconds, "cpu": _cpu_seconds() - cpu}


# --- orchestration -----------------------------------------------------------------------------------------


def start_farm(sites: int, latency: float) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    cmd = [sys.executable, str(FARM), "serve", "--sites", str(sites), "--latency", str(latency), "--ordinary"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise SystemExit("the site farm did not start")
    return proc, json.loads(line)


def run_child(which: str, farm_file: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, which, str(farm_file)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{which} failed:\n{result.stderr[-3000:]}")
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def main() -> None:
    rows = []
    for label, latency, count in RUNS:
        proc, farm = start_farm(count, latency)
        try:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
                json.dump(farm, fh)
            farm_file = Path(fh.name)
            ours = run_child("_ours", farm_file)
            theirs = run_child("_scrapy", farm_file)
        finally:
            proc.terminate()
            proc.wait(10)
            Path(fh.name).unlink(missing_ok=True)
        rows.append((label, count, ours, theirs))

    heads = ("latency", "sites", "crawler", "sites/s", "pages/s", "CPU s", "sites/CPU s")
    print(" ".join(f"{h:>{w}}" for h, w in zip(heads, (8, 6, 8, 8, 8, 7, 11), strict=True)))
    for label, count, ours, theirs in rows:
        for name, r in (("ours", ours), ("scrapy", theirs)):
            print(
                f"{label:>8} {count:>6} {name:>8} {r['sites'] / r['seconds']:>8.1f} "
                f"{r['pages'] / r['seconds']:>8.1f} {r['cpu']:>7.2f} {r['sites'] / r['cpu']:>11.1f}"
            )
        ratio = (ours["sites"] / ours["seconds"]) / (theirs["sites"] / theirs["seconds"])
        cpu_ratio = (ours["sites"] / ours["cpu"]) / (theirs["sites"] / theirs["cpu"])
        print(
            f"{label:>8} ours/scrapy: {ratio:.2f}x sites/s, {cpu_ratio:.2f}x sites per CPU second; "
            f"pages fetched {ours['pages']:.0f} vs {theirs['pages']:.0f}"
        )
    print(f"concurrency {CONCURRENCY}, one request per host, robots.txt obeyed by both; farm in its own process")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("_ours", "_scrapy"):
        farm_data = json.loads(Path(sys.argv[2]).read_text())
        result = run_ours(farm_data) if sys.argv[1] == "_ours" else run_scrapy(farm_data)
        print(json.dumps(result))
    else:
        main()

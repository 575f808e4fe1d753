"""Fixtures: the site farm on 127.0.0.1 and one crawl of all of it, shared by the tests that read it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mapleads.enrich import EnrichConfig, enrich_leads
from mapleads.lead import Address, Lead
from tests.enrich.sitefarm import FarmServer, Hit, Site, start_farm

FARM_SITES = 240
TEST_USER_AGENT = "MapLeadExtractor/0.1 (+http://127.0.0.1/about-our-crawler)"


@dataclass
class FarmRun:
    sites: list[Site]
    leads: dict[str, Lead]  # by site host
    stats: Counter[str]
    hits: list[Hit]  # the requests the farm received during this crawl
    concurrency: int


@pytest.fixture(scope="session")
def farm() -> Iterator[tuple[FarmServer, list[Site]]]:
    server, sites = start_farm(FARM_SITES)
    yield server, sites
    server.stop()


def crawl_config(server: FarmServer, cache_dir: Path | None, **overrides: object) -> EnrichConfig:
    """Short timeouts so the slow sites cost the suite seconds, not minutes."""
    options: dict[str, object] = {
        "concurrency": 32,
        "max_crawl_delay": 2.0,
        "connect_timeout": 5.0,
        "read_timeout": 4.0,
        "site_timeout": 30.0,
        "user_agent": TEST_USER_AGENT,
        "host_map": server.farm.host_map(),
        "cache_dir": cache_dir,
    }
    options.update(overrides)
    return EnrichConfig(**options)  # type: ignore[arg-type]


def lead_for(site: Site, **changes: object) -> Lead:
    lead = Lead(
        id=f"farm:{site.index}",
        name=site.name,
        source="test",
        source_id=str(site.index),
        website=site.url,
        address=Address(country_code=site.country),
    )
    for key, value in changes.items():
        setattr(lead, key, value)
    return lead


@pytest.fixture(scope="session")
def farm_run(farm: tuple[FarmServer, list[Site]], tmp_path_factory: pytest.TempPathFactory) -> FarmRun:
    server, sites = farm
    stats: Counter[str] = Counter()
    config = crawl_config(server, tmp_path_factory.mktemp("crawl-state"))
    first = len(server.farm.hits)
    leads = list(enrich_leads([lead_for(s) for s in sites], config, stats=stats))
    hits = list(server.farm.hits[first:])
    by_host = {s.host: lead for s, lead in zip(sites, leads, strict=True)}
    return FarmRun(sites, by_host, stats, hits, config.concurrency)

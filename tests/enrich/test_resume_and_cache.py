"""A stopped run resumes where it stopped; pages with an ETag are revalidated instead of downloaded again."""

from __future__ import annotations

import sqlite3
from itertools import islice
from pathlib import Path

import pytest

from mapleads.enrich import enrich_leads
from tests.enrich.conftest import crawl_config, lead_for
from tests.enrich.sitefarm import FarmServer, Site


def _ordinary(sites: list[Site], n: int) -> list[Site]:
    return [s for s in sites if s.kind in {"mailto", "plain_text", "socials", "jsonld", "tech"}][:n]


def test_a_stopped_run_resumes_without_crawling_finished_leads_again(
    farm: tuple[FarmServer, list[Site]], tmp_path: Path
) -> None:
    server, sites = farm
    chosen = _ordinary(sites, 30)
    config = crawl_config(server, tmp_path, concurrency=2)
    first_run = enrich_leads([lead_for(s) for s in chosen], config)
    done = list(islice(first_run, 8))
    first_run.close()  # the user pressed Ctrl-C

    start = len(server.farm.hits)
    again = list(enrich_leads([lead_for(s) for s in chosen], config))
    hosts_hit = {h.host for h in server.farm.hits[start:]}
    assert not hosts_hit & {s.host for s in chosen[:8]}
    assert hosts_hit, "the unfinished leads are crawled"
    assert [lead.emails for lead in again[:8]] == [lead.emails for lead in done]
    assert [set(lead.emails) for lead in again] == [s.expect.emails for s in chosen]


def test_fresh_runs_revalidate_pages_with_their_etag(farm: tuple[FarmServer, list[Site]], tmp_path: Path) -> None:
    server, sites = farm
    site = next(s for s in sites if s.kind == "etag")
    list(enrich_leads([lead_for(site)], crawl_config(server, tmp_path)))
    start = len(server.farm.hits)
    again = list(enrich_leads([lead_for(site)], crawl_config(server, tmp_path, fresh=True)))
    tagged = {p for p, r in site.pages.items() if "ETag" in r.headers}
    pages = [h for h in server.farm.hits[start:] if h.host == site.host and h.path in tagged]
    assert pages and all(h.conditional for h in pages)
    assert set(again[0].emails) == site.expect.emails
    assert set(again[0].phones) == site.expect.phones


def test_personal_addresses_are_exported_and_stored_only_on_opt_in(
    farm: tuple[FarmServer, list[Site]], tmp_path: Path
) -> None:
    server, sites = farm
    chosen = [s for s in sites if s.kind in ("personal_only", "decoys")]
    default = list(enrich_leads([lead_for(s) for s in chosen], crawl_config(server, tmp_path / "role")))
    opted_in = list(
        enrich_leads([lead_for(s) for s in chosen], crawl_config(server, tmp_path / "all", keep_personal_emails=True))
    )
    for site, role_only, everything in zip(chosen, default, opted_in, strict=True):
        assert set(role_only.emails) == site.expect.emails
        assert set(everything.emails) == site.expect.emails | site.expect.personal
        assert set(everything.extra["email_kinds"].values()) <= {"role,own-domain", "personal,own-domain"}
    personal = {p for s in chosen for p in s.expect.personal}
    with sqlite3.connect(tmp_path / "role" / "crawl.sqlite3") as db:
        stored = " ".join(row[0].decode() for row in db.execute("SELECT result FROM lead_state"))
    assert stored and not any(p in stored for p in personal)


def test_leads_sharing_a_website_share_one_crawl(farm: tuple[FarmServer, list[Site]], tmp_path: Path) -> None:
    server, sites = farm
    site = next(s for s in sites if s.kind == "socials")
    branches = [lead_for(site, id=f"branch:{n}") for n in range(5)]
    start = len(server.farm.hits)
    leads = list(enrich_leads(branches, crawl_config(server, tmp_path)))
    assert sum(1 for h in server.farm.hits[start:] if h.path == "/") == 1
    assert all(lead.socials == site.expect.socials for lead in leads)


def test_a_page_that_breaks_extraction_fails_its_lead_only(
    farm: tuple[FarmServer, list[Site]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mapleads.enrich import site as site_module

    server, sites = farm
    broken, fine = _ordinary(sites, 2)
    real = site_module.analyse

    def analyse(page, region):  # type: ignore[no-untyped-def]
        if broken.host in page.url:
            raise ValueError("unexpected markup")
        return real(page, region)

    monkeypatch.setattr(site_module, "analyse", analyse)
    bad, good = list(enrich_leads([lead_for(broken), lead_for(fine)], crawl_config(server, tmp_path)))
    assert bad.extra["enrich"] == {"status": "error", "detail": "ValueError: unexpected markup", "pages": []}
    assert set(good.emails) == fine.expect.emails

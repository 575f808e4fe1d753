"""The crawler is polite: robots.txt first and obeyed, one request per host at a time, Crawl-delay kept,
challenges never retried, redirects to other domains not followed, no more than five pages a site."""

from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import Path

from mapleads.enrich import enrich_leads
from tests.enrich.conftest import TEST_USER_AGENT, FarmRun, crawl_config, lead_for
from tests.enrich.sitefarm import Hit, start_farm

REDIRECT_KINDS = {"redirect_same_domain", "redirect_loop"}


def _by_host(hits: list[Hit]) -> dict[str, list[Hit]]:
    grouped: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        grouped[hit.host].append(hit)
    return {host: sorted(h, key=lambda x: x.at) for host, h in grouped.items()}


def _site(run: FarmRun, kind: str):  # type: ignore[no-untyped-def]
    return next(s for s in run.sites if s.kind == kind)


def test_it_sends_one_request_at_a_time_to_each_host(farm_run: FarmRun) -> None:
    for host, hits in _by_host(farm_run.hits).items():
        for before, after in itertools.pairwise(hits):
            assert after.at >= before.end - 0.005, host


def test_it_keeps_global_concurrency_within_the_setting(tmp_path: Path) -> None:
    server, sites = start_farm(60, latency=0.03, ordinary_only=True)
    try:
        config = crawl_config(server, tmp_path, concurrency=6)
        leads = list(enrich_leads([lead_for(s) for s in sites], config))
    finally:
        server.stop()
    assert all(lead.extra["enrich"]["status"] == "ok" for lead in leads)
    hits = server.farm.hits
    events = sorted([(h.at, 1) for h in hits] + [(h.end, -1) for h in hits])
    in_flight = peak = 0
    for _, step in events:
        in_flight += step
        peak = max(peak, in_flight)
    assert 3 <= peak <= 6


def test_it_reads_robots_txt_once_per_host_before_any_page(farm_run: FarmRun) -> None:
    for host, hits in _by_host(farm_run.hits).items():
        assert hits[0].path == "/robots.txt", host
        assert sum(1 for h in hits if h.path == "/robots.txt") == 1


def test_it_never_requests_what_robots_txt_or_the_page_limit_rule_out(farm_run: FarmRun) -> None:
    hits = _by_host(farm_run.hits)
    for site in farm_run.sites:
        paths = {h.path for h in hits.get(site.host, [])}
        assert not (paths & site.expect.forbidden_paths), site.kind


def test_it_fetches_the_home_page_and_at_most_four_more(farm_run: FarmRun) -> None:
    hits = _by_host(farm_run.hits)
    for site in farm_run.sites:
        if site.kind not in REDIRECT_KINDS:
            pages = [h for h in hits.get(site.host, []) if h.path != "/robots.txt"]
            assert len(pages) <= 5, site.kind


def test_it_spaces_requests_by_the_crawl_delay(farm_run: FarmRun) -> None:
    site = _site(farm_run, "crawl_delay")
    pages = [h for h in _by_host(farm_run.hits)[site.host] if h.path != "/robots.txt"]
    assert len(pages) >= 3
    for before, after in itertools.pairwise(pages):
        assert after.at - before.end >= 0.4 - 0.01


def test_it_skips_a_site_whose_crawl_delay_is_above_the_cap_and_says_so(farm_run: FarmRun) -> None:
    site = _site(farm_run, "crawl_delay_too_long")
    assert [h.path for h in _by_host(farm_run.hits)[site.host]] == ["/robots.txt"]
    assert "Crawl-delay 60 s" in farm_run.leads[site.host].extra["enrich"]["detail"]


def test_it_skips_a_site_whose_robots_txt_fails_with_a_server_error(farm_run: FarmRun) -> None:
    site = _site(farm_run, "robots_500")
    assert [h.path for h in _by_host(farm_run.hits)[site.host]] == ["/robots.txt"]


def test_it_reports_a_bot_challenge_as_blocked_without_retrying(farm_run: FarmRun) -> None:
    for kind in ("challenge", "challenge_header"):
        site = _site(farm_run, kind)
        assert [h.path for h in _by_host(farm_run.hits)[site.host]] == ["/robots.txt", "/"]
        assert farm_run.leads[site.host].extra["enrich"]["status"] == "blocked"


def test_it_records_a_redirect_to_another_domain_without_following_it(farm_run: FarmRun) -> None:
    site = _site(farm_run, "redirect_offsite")
    assert not [h for h in farm_run.hits if "example-new" in h.host]
    assert farm_run.leads[site.host].extra["enrich"]["redirected_to"] == site.expect.redirected_to


def test_it_gives_up_after_five_redirects(farm_run: FarmRun) -> None:
    site = _site(farm_run, "redirect_loop")
    paths = [h.path for h in _by_host(farm_run.hits)[site.host] if h.path != "/robots.txt"]
    assert paths == ["/", "/r1", "/r2", "/r3", "/r4", "/r5"]
    assert farm_run.leads[site.host].extra["enrich"]["detail"] == "too many redirects"


def test_it_stops_reading_a_huge_page_at_the_size_cap(farm_run: FarmRun) -> None:
    site = _site(farm_run, "huge")
    notes = farm_run.leads[site.host].extra["enrich"]["page_notes"]
    assert notes == {site.url: "truncated at the size cap"}


def test_it_does_not_read_a_page_that_is_not_html(farm_run: FarmRun) -> None:
    site = _site(farm_run, "not_html")
    assert "application/pdf" in farm_run.leads[site.host].extra["enrich"]["detail"]


def test_it_gives_up_on_a_slow_site_after_the_read_timeout(farm_run: FarmRun) -> None:
    site = _site(farm_run, "slow")
    assert farm_run.leads[site.host].extra["enrich"]["status"] == "timeout"


def test_it_reports_a_host_that_does_not_resolve_as_unreachable(farm_run: FarmRun) -> None:
    site = _site(farm_run, "dead")
    assert farm_run.leads[site.host].extra["enrich"]["status"] == "unreachable"
    assert not [h for h in farm_run.hits if h.host == site.host]


def test_it_identifies_itself_with_a_contact_url_on_every_request(farm_run: FarmRun) -> None:
    assert {h.agent for h in farm_run.hits} == {TEST_USER_AGENT}

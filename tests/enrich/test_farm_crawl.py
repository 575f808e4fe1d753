"""Every site of the farm gives exactly the expected emails, phones and profiles, and none of its decoys."""

from __future__ import annotations

import pytest

from tests.enrich.conftest import FARM_SITES, FarmRun
from tests.enrich.sitefarm import KINDS, build_farm

SITES = build_farm(FARM_SITES, 0)


def test_the_farm_covers_every_case_with_enough_sites() -> None:
    assert len(SITES) >= 200
    assert {s.kind for s in SITES} == set(KINDS)


@pytest.mark.parametrize("index", range(FARM_SITES), ids=[f"{s.index}-{s.kind}" for s in SITES])
def test_it_reports_exactly_what_each_site_says(farm_run: FarmRun, index: int) -> None:
    site = farm_run.sites[index]
    lead = farm_run.leads[site.host]
    expect = site.expect
    enrich = lead.extra["enrich"]
    assert enrich["status"] == expect.status, enrich
    assert set(lead.emails) == expect.emails, enrich
    assert len(lead.emails) == len(set(lead.emails))
    assert set(lead.phones) == expect.phones, enrich
    assert set(lead.extra.get("phones_unconfirmed", [])) == expect.unconfirmed
    assert lead.socials == expect.socials
    assert expect.tech <= set(lead.extra.get("tech", []))
    assert enrich.get("redirected_to") == expect.redirected_to


@pytest.mark.parametrize("index", range(FARM_SITES), ids=[f"{s.index}-{s.kind}" for s in SITES])
def test_it_reports_no_decoy(farm_run: FarmRun, index: int) -> None:
    site = farm_run.sites[index]
    lead = farm_run.leads[site.host]
    everything = " ".join([*lead.emails, *lead.phones, *lead.extra.get("phones_unconfirmed", []), str(lead.extra)])
    for decoy in site.expect.decoy_emails | site.expect.personal:
        assert decoy not in everything
    for decoy in site.expect.decoy_phones:
        assert decoy not in everything


def test_every_found_value_records_its_page_and_rule(farm_run: FarmRun) -> None:
    checked = 0
    for site in farm_run.sites:
        lead = farm_run.leads[site.host]
        for field, values in (("emails", lead.emails), ("phones", lead.phones)):
            for value in values:
                origin = lead.provenance[f"{field}:{value}"]
                assert origin.source == "website"
                assert origin.ref.startswith(f"http://{site.host}:")
                assert origin.rule in {
                    "mailto",
                    "text",
                    "text-obfuscated",
                    "cfemail",
                    "jsonld",
                    "microdata",
                    "tel",
                }
                checked += 1
        for network, url in lead.socials.items():
            assert lead.provenance[f"{network}:{url}"].ref.startswith(f"http://{site.host}:")
    assert checked > 300


def test_the_rule_names_how_each_address_was_hidden(farm_run: FarmRun) -> None:
    rules_by_kind: dict[str, set[str]] = {}
    for site in farm_run.sites:
        lead = farm_run.leads[site.host]
        rules_by_kind.setdefault(site.kind, set()).update(lead.provenance[f"emails:{e}"].rule for e in lead.emails)
    assert rules_by_kind["cfemail"] == {"cfemail"}
    assert rules_by_kind["at_forms"] == {"text-obfuscated"}
    assert rules_by_kind["jsonld"] == {"jsonld"}
    assert rules_by_kind["microdata"] == {"microdata"}
    assert rules_by_kind["mailto"] == {"mailto"}


def test_each_distinct_site_is_crawled_and_counted(farm_run: FarmRun) -> None:
    assert farm_run.stats["ok"] == sum(1 for s in farm_run.sites if s.expect.status == "ok")
    assert farm_run.stats["pages"] >= len(farm_run.sites) * 2

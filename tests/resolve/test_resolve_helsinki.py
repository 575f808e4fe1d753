"""Resolution of the real Helsinki leads: duplicates inside OSM merge, neighbours that only look alike don't,
and resolving again (a re-run, or the export read back) changes nothing."""

from __future__ import annotations

from pathlib import Path

from mapleads.export import write_leads
from mapleads.lead import Lead
from mapleads.resolve import resolve_leads
from mapleads.resolve.files import read_any_leads


def _groups(leads: list[Lead]) -> dict[str, list[str]]:
    return {lead.id: lead.extra.get("members", [lead.id]) for lead in leads}


def _member_of(leads: list[Lead], osm_id: str) -> Lead:
    return next(lead for lead in leads if osm_id in lead.extra.get("members", [lead.id]))


def test_two_osm_objects_of_one_business_merge(helsinki: list[Lead]) -> None:
    resolved = resolve_leads(helsinki, suppression=False)
    interasco = _member_of(resolved, "osm:n5011281354")
    assert interasco.extra["members"] == ["osm:n5011281354", "osm:n5011281355"]  # one spot, one name
    aleksi = _member_of(resolved, "osm:n1380974058")  # a shop node and the same shop, 9 m apart
    assert aleksi.extra["members"] == ["osm:n1380974058", "osm:n1985596744"]
    assert aleksi.website == "https://www.aleksi13.fi"  # only one member had it: taken, not lost
    assert len(resolved) == len(helsinki) - 2  # the only duplicates inside the real data


def test_neighbours_that_only_look_alike_stay_apart(helsinki: list[Lead]) -> None:
    resolved = resolve_leads(helsinki, suppression=False)
    bike_stations = [lead for lead in resolved if lead.name.endswith("kaupunkipyöräasema")]
    assert len(bike_stations) == sum(1 for lead in helsinki if lead.name.endswith("kaupunkipyöräasema"))
    for a, b in [
        ("osm:n1380976581", "osm:n6049453013"),  # Forex Bank: railway station / Stockmann (one website)
        ("osm:n306957582", "osm:n6049453001"),  # Alko: two shops, one central phone number
        ("osm:n6049453018", "osm:n6049453019"),  # Fazer Café / Fazer À La Carte: one address, one company
        ("osm:n6139262609", "osm:n6049453046"),  # Hanko Sushi: Forum / Stockmann
    ]:
        assert _member_of(resolved, a) is not _member_of(resolved, b), (a, b)


def test_a_rerun_over_the_same_data_gives_the_same_leads(helsinki: list[Lead]) -> None:
    once = resolve_leads(helsinki, suppression=False, score=False)
    copies = [Lead.from_dict(lead.to_dict()) for lead in helsinki]
    twice = resolve_leads([*helsinki, *copies], suppression=False, score=False)
    assert _groups(twice) == _groups(once)


def test_resolving_the_export_again_changes_nothing(helsinki: list[Lead], tmp_path: Path) -> None:
    first = resolve_leads(helsinki, suppression=False)
    write_leads(first, tmp_path / "resolved.csv")
    again = resolve_leads(list(read_any_leads(tmp_path / "resolved.csv")), suppression=False)
    assert _groups(again) == _groups(first)
    assert [(lead.id, lead.phones, lead.website, lead.extra["score"]) for lead in again] == [
        (lead.id, lead.phones, lead.website, lead.extra["score"]) for lead in first
    ]

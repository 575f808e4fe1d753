"""`diff_leads`: new, changed and gone leads between two runs."""

from __future__ import annotations

from pathlib import Path

from mapleads.export import write_leads
from mapleads.lead import Lead
from mapleads.resolve import resolve_leads
from mapleads.resolve.diff import diff_leads
from mapleads.resolve.files import read_any_leads
from tests.resolve.conftest import google_rendering

MAYA, HILTON = "osm:n59622323", "osm:n55211772"


def test_it_reports_new_changed_and_gone_leads(helsinki: list[Lead], tmp_path: Path) -> None:
    old = resolve_leads([lead for lead in helsinki if lead.id != HILTON], suppression=False)
    write_leads(old, tmp_path / "old.csv")
    newer = [Lead.from_dict(lead.to_dict()) for lead in helsinki if lead.id != MAYA]
    next(lead for lead in newer if lead.id == "osm:n56418307").opening_hours = "Mo-Su 10:00-02:00"
    write_leads(resolve_leads(newer, suppression=False), tmp_path / "new.csv")
    result = diff_leads(read_any_leads(tmp_path / "old.csv"), read_any_leads(tmp_path / "new.csv"))
    assert [lead.id for lead in result.new] == [HILTON]
    assert [lead.id for lead in result.gone] == [MAYA]
    assert [(c.new.id, c.fields) for c in result.changed] == [("osm:n56418307", ["opening_hours"])]
    assert result.unchanged == len(old) - 2


def test_a_lead_merged_since_is_matched_through_its_members(osm: dict[str, Lead]) -> None:
    old = [Lead.from_dict(osm[MAYA].to_dict())]
    google = google_rendering(osm[MAYA], "ChIJmaya", id="google:ChIJmaya")
    merged = resolve_leads([google, Lead.from_dict(osm[MAYA].to_dict())], suppression=False)
    merged[0].id = "google:ChIJmaya"  # an id chosen by another policy
    result = diff_leads(old, merged)
    assert (result.new, result.gone) == ([], [])
    assert result.changed[0].fields  # address gained a country code, for instance


def test_a_business_from_another_tool_is_matched_by_resolution(osm: dict[str, Lead]) -> None:
    old = [google_rendering(osm[MAYA], "ChIJmaya", id="google:ChIJmaya")]
    new = [Lead.from_dict(osm[MAYA].to_dict())]
    result = diff_leads(old, new)
    assert (result.new, result.gone, result.resolved) == ([], [], 1)
    assert result.unchanged + len(result.changed) == 1


def test_without_resolution_another_tools_record_is_new_and_gone(osm: dict[str, Lead]) -> None:
    old = [google_rendering(osm[MAYA], "ChIJmaya", id="google:ChIJmaya")]
    result = diff_leads(old, [Lead.from_dict(osm[MAYA].to_dict())], resolve=False)
    assert [lead.id for lead in result.new] == [MAYA]
    assert [lead.id for lead in result.gone] == ["google:ChIJmaya"]


def test_resolution_does_not_pair_different_businesses(osm: dict[str, Lead]) -> None:
    old = [google_rendering(osm[MAYA], "ChIJmaya", id="google:ChIJmaya")]
    result = diff_leads(old, [Lead.from_dict(osm[HILTON].to_dict())])
    assert ([lead.id for lead in result.new], [lead.id for lead in result.gone]) == ([HILTON], ["google:ChIJmaya"])
    assert result.resolved == 0


def test_resolution_leaves_the_callers_leads_as_they_were(osm: dict[str, Lead]) -> None:
    old = [google_rendering(osm[MAYA], "ChIJmaya", id="google:ChIJmaya")]
    before = old[0].to_dict()
    diff_leads(old, [Lead.from_dict(osm[MAYA].to_dict())])
    assert old[0].to_dict() == before

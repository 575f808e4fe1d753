"""Stable lead ids across runs and new / changed / unchanged marks."""

from __future__ import annotations

from mapleads.lead import Lead
from mapleads.resolve import History, resolve_leads
from tests.resolve.conftest import google_rendering

MAYA = "osm:n59622323"


def _copy(leads: list[Lead]) -> list[Lead]:
    return [Lead.from_dict(lead.to_dict()) for lead in leads]


def test_a_rerun_keeps_every_id_and_marks_nothing_new(helsinki: list[Lead]) -> None:
    first = resolve_leads(_copy(helsinki), history=True, suppression=False)
    second = resolve_leads(_copy(helsinki), history=True, suppression=False)
    assert [lead.id for lead in second] == [lead.id for lead in first]
    assert {lead.extra["change"] for lead in first} == {"new"}
    assert {lead.extra["change"] for lead in second} == {"unchanged"}
    assert all(lead.extra["first_seen"] for lead in second)


def test_a_lead_that_gains_a_source_keeps_its_id(osm: dict[str, Lead]) -> None:
    history = History()
    resolve_leads([osm[MAYA]], history=history, suppression=False)
    google = google_rendering(osm[MAYA], "ChIJmaya", phones_raw=["040 123 4567"])
    [merged] = resolve_leads([Lead.from_dict(osm[MAYA].to_dict()), google], history=history, suppression=False)
    assert merged.id == MAYA
    assert merged.extra["change"] == "changed"  # it has a phone number now


def test_a_google_only_lead_keeps_its_id_once_osm_joins(osm: dict[str, Lead]) -> None:
    history = History()
    google = google_rendering(osm[MAYA], "ChIJmaya")
    [alone] = resolve_leads([google], history=history, suppression=False)
    assert alone.id == "google:ChIJmaya"
    google_again = google_rendering(osm[MAYA], "ChIJmaya")
    [merged] = resolve_leads([osm[MAYA], google_again], history=history, suppression=False)
    assert merged.id == "google:ChIJmaya"
    assert merged.extra["members"] == ["google:ChIJmaya", MAYA]


def test_when_two_earlier_leads_merge_the_older_id_survives(osm: dict[str, Lead]) -> None:
    history = History()
    resolve_leads([osm[MAYA]], history=history, suppression=False)
    resolve_leads([google_rendering(osm[MAYA], "ChIJmaya")], history=history, suppression=False)
    [merged] = resolve_leads(
        [Lead.from_dict(osm[MAYA].to_dict()), google_rendering(osm[MAYA], "ChIJmaya")],
        history=history,
        suppression=False,
    )
    assert merged.id == MAYA


def test_without_history_a_merged_lead_takes_its_most_trusted_members_id(osm: dict[str, Lead]) -> None:
    [merged] = resolve_leads([google_rendering(osm[MAYA], "ChIJmaya"), osm[MAYA]], suppression=False)
    assert merged.id == MAYA

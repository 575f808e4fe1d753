"""Stable lead ids across runs and new / changed / unchanged marks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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


def test_a_business_back_from_another_source_only_keeps_its_id(osm: dict[str, Lead]) -> None:
    history = History()
    resolve_leads([Lead.from_dict(osm[MAYA].to_dict())], history=history, suppression=False)
    [again] = resolve_leads([google_rendering(osm[MAYA], "ChIJmaya")], history=history, suppression=False)
    assert again.id == MAYA
    assert again.extra["change"] in {"changed", "unchanged"}


def test_a_new_business_near_a_known_one_gets_its_own_id(osm: dict[str, Lead]) -> None:
    history = History()
    resolve_leads([Lead.from_dict(osm[MAYA].to_dict())], history=history, suppression=False)
    stranger = google_rendering(osm[MAYA], "ChIJother", name="Kampin Kukkakauppa", phones_raw=["+358 40 765 4321"])
    stranger.website = "https://kukkakauppa.example/"
    [other] = resolve_leads([stranger], history=history, suppression=False)
    assert other.id == "google:ChIJother"
    assert other.extra["change"] == "new"


def test_a_history_file_of_the_first_version_is_upgraded(tmp_path: Path, osm: dict[str, Lead]) -> None:
    path = tmp_path / "old-history.sqlite"
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE members (member TEXT PRIMARY KEY, lead_id TEXT NOT NULL);"
        "CREATE TABLE leads (lead_id TEXT PRIMARY KEY, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,"
        " fingerprint TEXT NOT NULL);"
        f"INSERT INTO members VALUES ('{MAYA}', '{MAYA}');"
        f"INSERT INTO leads VALUES ('{MAYA}', '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00', 'x');"
    )
    con.commit()
    con.close()
    [lead] = resolve_leads([Lead.from_dict(osm[MAYA].to_dict())], history=path, suppression=False)
    assert (lead.id, lead.extra["first_seen"], lead.extra["change"]) == (MAYA, "2025-01-01T00:00:00+00:00", "changed")

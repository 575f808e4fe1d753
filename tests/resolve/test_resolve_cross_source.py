"""The same real Helsinki businesses from OSM, Overture-style and Google-style records resolve to one lead
each, with exact merged values and per-field provenance."""

from __future__ import annotations

from mapleads.lead import Lead, Provenance
from mapleads.resolve import MergePolicy, resolve_leads
from tests.resolve.conftest import google_rendering, overture_rendering

MAYA, HILTON, MARIA = "osm:n59622323", "osm:n55211772", "osm:n56418307"
HANKO_FORUM, HANKO_STOCKMANN = "osm:n6139262609", "osm:n6049453046"


def _by_member(leads: list[Lead]) -> dict[str, Lead]:
    return {m: lead for lead in leads for m in lead.extra.get("members", [lead.id])}


def _sources(osm: dict[str, Lead]) -> list[Lead]:
    maya, hilton, maria = osm[MAYA], osm[HILTON], osm[MARIA]
    return [
        *osm.values(),
        google_rendering(
            maya,
            "ChIJmaya",
            phones_raw=["040 123 4567"],
            opening_hours="Mo-Su 11:00-22:00",
            lat=maya.lat + 0.0002,  # type: ignore[operator]
        ),
        overture_rendering(maya, "08f1a2maya", name="Maya Bar & Grill Oy", phones_raw=["+358401234567"]),
        google_rendering(hilton, "ChIJhilton", name="Hilton Helsinki Strand Hotel"),
        overture_rendering(hilton, "08f1a2hilton"),
        google_rendering(maria, "ChIJmaria", name="M/S Maria"),
        google_rendering(osm[HANKO_FORUM], "ChIJhanko"),
    ]


def test_each_business_becomes_one_lead_with_every_member(osm: dict[str, Lead]) -> None:
    resolved = _by_member(resolve_leads(_sources(osm), suppression=False))
    assert resolved[MAYA].extra["members"] == ["google:ChIJmaya", MAYA, "overture:08f1a2maya"]
    assert resolved[HILTON].extra["members"] == ["google:ChIJhilton", HILTON, "overture:08f1a2hilton"]
    assert resolved[MARIA].extra["members"] == ["google:ChIJmaria", MARIA]
    assert resolved[HANKO_FORUM].extra["members"] == ["google:ChIJhanko", HANKO_FORUM]


def test_a_branch_of_the_same_name_elsewhere_stays_apart(osm: dict[str, Lead]) -> None:
    resolved = _by_member(resolve_leads(_sources(osm), suppression=False))
    assert resolved[HANKO_STOCKMANN] is not resolved[HANKO_FORUM]
    assert "google:ChIJhanko" not in resolved[HANKO_STOCKMANN].extra.get("members", [])


def test_no_other_lead_is_merged_with_the_renderings(osm: dict[str, Lead], helsinki: list[Lead]) -> None:
    alone = resolve_leads(helsinki, suppression=False, score=False)
    together = resolve_leads(_sources(osm), suppression=False, score=False)
    assert len(together) == len(alone)


def test_merged_fields_follow_source_trust_with_provenance(osm: dict[str, Lead]) -> None:
    maya = _by_member(resolve_leads(_sources(osm), suppression=False))[MAYA]
    assert maya.id == MAYA
    assert maya.source == "osm+google+overture"
    assert maya.name == "Maya Bar & Grill"
    assert maya.provenance["name"] == Provenance("osm", "node/59622323#name", "merge:trust")
    assert maya.website == "https://www.maya.fi"
    assert maya.provenance["website"] == Provenance("osm", "node/59622323#website", "merge:trust")
    assert maya.phones == ["+358401234567"]
    assert maya.provenance["phones"] == Provenance("google", "ChIJmaya#nationalPhoneNumber", "merge:trust")
    assert maya.opening_hours == "Mo-Th 11:00-23:00; Fr 11:00-24:00; Sa 12:00-24:00; Su 13:00-23:00"
    assert maya.extra["alternates"]["opening_hours"] == [
        {"value": "Mo-Su 11:00-22:00", "source": "google", "ref": "google:ChIJmaya"}
    ]
    assert (
        maya.address.street,
        maya.address.housenumber,
        maya.address.postcode,
        maya.address.country_code,
    ) == (
        "Mikonkatu",
        "18",
        "00100",
        "FI",
    )
    assert (maya.lat, maya.lon) == (osm[MAYA].lat, osm[MAYA].lon)
    assert maya.provenance["location"] == Provenance("osm", "node/59622323", "merge:trust")
    assert maya.extra["rating"] == 4.4
    assert maya.snapshot_date == "2026-11-01"


def test_the_fresh_policy_takes_each_field_from_the_newest_record(osm: dict[str, Lead]) -> None:
    policy = MergePolicy(prefer="fresh")
    maya = _by_member(resolve_leads(_sources(osm), suppression=False, policy=policy))[MAYA]
    assert maya.opening_hours == "Mo-Su 11:00-22:00"
    assert maya.provenance["opening_hours"] == Provenance("google", "ChIJmaya", "merge:fresh")
    assert maya.extra["alternates"]["opening_hours"][0]["ref"] == MAYA
    assert maya.source == "google+overture+osm"


def test_different_phone_formats_become_one_e164_number(osm: dict[str, Lead]) -> None:
    hilton = _by_member(resolve_leads(_sources(osm), suppression=False))[HILTON]
    assert hilton.phones == ["+358939351"]
    assert hilton.phones_raw == ["+358-9-39351", "09 39351", "+358939351"]
    assert hilton.website == "https://www3.hilton.com/en/hotels/finland/hilton-helsinki-strand-HELHIHI/index.html"
    assert "website" not in hilton.extra.get("alternates", {})
    assert hilton.extra["alternates"]["name"] == [
        {"value": "Hilton Helsinki Strand Hotel", "source": "google", "ref": "google:ChIJhilton"}
    ]


def test_resolving_a_merged_lead_again_with_a_new_record_keeps_everything(osm: dict[str, Lead]) -> None:
    first = _by_member(resolve_leads(_sources(osm), suppression=False))[MAYA]
    stored = Lead.from_row(first.to_row())  # as read back from a CSV export
    yelp = google_rendering(osm[MAYA], "yelp-maya", source="yelp", id="yelp:maya", opening_hours="Mo-Fr 12-20")
    [again] = [lead for lead in resolve_leads([stored, yelp], suppression=False) if lead.id == MAYA]
    assert again.extra["members"] == ["google:ChIJmaya", MAYA, "overture:08f1a2maya", "yelp:maya"]
    assert [a["value"] for a in again.extra["alternates"]["opening_hours"]] == ["Mo-Su 11:00-22:00", "Mo-Fr 12-20"]
    assert again.source == "osm+google+overture+yelp"

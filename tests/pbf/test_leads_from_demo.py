"""Real facts of the Helsinki extract, as its businesses are tagged."""

from __future__ import annotations

import mapleads
from mapleads.lead import Lead
from mapleads.sources.pbf import PbfSource
from tests.conftest import DEMO_PBF


def test_it_reads_a_dentist_with_its_tagged_phone_and_address(all_leads: dict[str, Lead]) -> None:
    lead = all_leads["osm:n4747221552"]
    assert lead.name == "MedGroup Espan Hammaslääkärikeskus"
    assert lead.category == "dentist"
    assert lead.phones == ["+3589602833"]
    assert (lead.address.street, lead.address.housenumber, lead.address.postcode) == (
        "Yrjönkatu",
        "16",
        "00120",
    )
    assert lead.provenance["phones"].ref == "node/4747221552#phone"


def test_it_reads_website_email_and_socials_of_a_hotel(all_leads: dict[str, Lead]) -> None:
    lead = all_leads["osm:n55211772"]
    assert lead.name == "Hilton Helsinki Strand"
    assert lead.website is not None and lead.website.startswith("https://www3.hilton.com/")
    assert lead.emails == ["helsinkistrand@hilton.com"]
    assert lead.socials["instagram"] == "https://www.instagram.com/hiltonhelsinkistrand/"
    assert lead.phones_raw == ["+358-9-39351"] and lead.phones == ["+358939351"]


def test_it_keeps_every_raw_tag_and_the_source_reference(all_leads: dict[str, Lead]) -> None:
    lead = all_leads["osm:n55211772"]
    assert lead.tags["rooms"] == "190"
    assert (lead.source, lead.source_id) == ("osm", "node/55211772")
    assert lead.snapshot_date == "2019-04-21"


def test_it_skips_unnamed_and_non_business_objects(all_leads: dict[str, Lead]) -> None:
    assert all(lead.name for lead in all_leads.values())
    assert not any(lead.tags.get("amenity") in {"bench", "parking", "waste_basket"} for lead in all_leads.values())


def test_it_gives_most_leads_a_full_address_after_completion(all_leads: dict[str, Lead]) -> None:
    leads = list(all_leads.values())
    own = sum(bool(x.tags.get("addr:street") and x.tags.get("addr:housenumber")) for x in leads) / len(leads)
    completed = sum(bool(x.address.street and x.address.housenumber) for x in leads) / len(leads)
    assert own < 0.75
    assert completed > 0.93


def test_the_api_takes_a_source_already_made(all_leads: dict[str, Lead]) -> None:
    made = list(mapleads.extract("cafe", source=PbfSource(DEMO_PBF), place="Kluuvi"))
    named = list(mapleads.extract("cafe", path=DEMO_PBF, place="Kluuvi"))
    assert made and [lead.id for lead in made] == [lead.id for lead in named]
    assert all(lead.id in all_leads for lead in made)

"""OSM tags → `Lead`: which tag fills which field, and the provenance that says so."""

from __future__ import annotations

import pytest

from mapleads.sources import osm_tags
from mapleads.sources.osm_tags import lead_from_tags, tag_plan


def test_it_keeps_every_phone_of_every_phone_key_once_crediting_the_first_key() -> None:
    tags = {"name": "Kahvila", "amenity": "cafe", "phone": "+358 9 123; +358 9 456", "contact:phone": "+358 9 456"}
    lead = lead_from_tags("node", 7, tags, 60.0, 24.0)
    assert lead.phones_raw == ["+358 9 123", "+358 9 456"]
    assert lead.provenance["phones"].ref == "node/7#phone"


def test_a_blank_website_gives_way_to_the_next_website_key() -> None:
    tags = {"name": "Kahvila", "amenity": "cafe", "website": " ", "contact:website": "https://kahvila.fi"}
    lead = lead_from_tags("way", 8, tags, 60.0, 24.0)
    assert lead.website == "https://kahvila.fi"
    assert lead.provenance["website"].ref == "way/8#contact:website"


def test_a_street_comes_from_addr_place_when_there_is_no_addr_street() -> None:
    tags = {"name": "Mökki", "tourism": "guest_house", "addr:place": "Suomenlinna", "addr:housenumber": "C 1"}
    lead = lead_from_tags("node", 9, tags, 60.0, 24.0)
    assert (lead.address.street, lead.address.housenumber) == ("Suomenlinna", "C 1")
    assert lead.provenance["address.street"].ref == "node/9#addr:place"
    assert "address.postcode" not in lead.provenance


def test_an_empty_address_tag_gives_way_to_the_next_one() -> None:
    tags = {"name": "Mökki", "tourism": "guest_house", "addr:street": "", "addr:place": "Suomenlinna"}
    lead = lead_from_tags("node", 10, tags, 60.0, 24.0)
    assert lead.address.street == "Suomenlinna"


def test_socials_become_links_whatever_form_the_tag_has() -> None:
    tags = {"name": "Baari", "amenity": "bar", "contact:instagram": "@baari", "facebook": "facebook.com/baari"}
    lead = lead_from_tags("node", 11, tags, 60.0, 24.0)
    assert lead.socials == {"facebook": "https://facebook.com/baari", "instagram": "https://www.instagram.com/baari"}
    assert lead.provenance["socials.instagram"].ref == "node/11#contact:instagram"


def test_objects_with_the_same_keys_share_one_plan() -> None:
    first = tag_plan(("name", "shop", "phone", "addr:street"))
    assert tag_plan(("name", "shop", "phone", "addr:street")) is first
    assert first.phones == ("phone",) and first.websites == ()
    assert first.address == ((0, "address.street", ("addr:street",)),)  # street: the first part of an Address


def test_it_forgets_its_plans_past_its_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(osm_tags, "PLAN_MEMORY", 2)
    monkeypatch.setattr(osm_tags, "_plans", {})
    for key in ("a", "b", "c"):
        tag_plan(("name", key))
    assert len(osm_tags._plans) <= 2


def test_every_value_lands_in_the_field_its_tag_names() -> None:
    """The lead is built positionally (a keyword call cost a fifth of the build): each field checked by name."""
    tags = {
        "name": " Kahvila  Kuu ",
        "amenity": "cafe",
        "addr:street": "Kalevankatu",
        "addr:housenumber": "3",
        "addr:unit": "B",
        "addr:postcode": "00100",
        "addr:city": "Helsinki",
        "addr:state": "Uusimaa",
        "addr:country": "fi",
        "phone": "+358 9 123",
        "website": "https://kuu.fi",
        "email": "kuu@kuu.fi",
        "contact:instagram": "kuu",
        "opening_hours": "Mo-Fr 08:00-16:00",
        "brand": "Kuu",
        "brand:wikidata": "Q1",
        "wikidata": "Q2",
    }
    lead = lead_from_tags("node", 12, tags, 60.1, 24.9, categories=["cafe"], snapshot_date="2026-01-02")
    assert (lead.id, lead.name, lead.source, lead.source_id) == ("osm:n12", "Kahvila  Kuu", "osm", "node/12")
    assert (lead.lat, lead.lon, lead.category, lead.categories) == (60.1, 24.9, "cafe", ["cafe"])
    assert lead.tags == tags
    assert lead.address.formatted() == "Kalevankatu 3 B, 00100 Helsinki, Uusimaa, FI"
    assert (lead.phones, lead.phones_raw, lead.website, lead.emails) == (
        [],
        ["+358 9 123"],
        "https://kuu.fi",
        ["kuu@kuu.fi"],
    )
    assert lead.socials == {"instagram": "https://www.instagram.com/kuu"}
    assert (lead.opening_hours, lead.brand, lead.brand_wikidata, lead.wikidata) == (
        "Mo-Fr 08:00-16:00",
        "Kuu",
        "Q1",
        "Q2",
    )
    assert lead.snapshot_date == "2026-01-02"
    assert lead.provenance["address.country_code"].ref == "node/12#addr:country"
    assert lead.provenance["opening_hours"].ref == "node/12#opening_hours"
    assert lead.extra == {}

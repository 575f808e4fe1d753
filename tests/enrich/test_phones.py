"""Phones: marked-up numbers are confirmed, text matches unconfirmed, the lead's country is the region."""

from __future__ import annotations

from mapleads.enrich.extract import analyse
from mapleads.enrich.page import parse_html
from mapleads.enrich.phones import in_text, parse_marked_up


def test_it_reads_national_numbers_with_the_leads_country_as_region() -> None:
    assert parse_marked_up("09-123%204567", "FI") == "+35891234567"
    assert parse_marked_up("030 12345678", "DE") == "+493012345678"
    assert parse_marked_up("+44 20 7946 0123", None) == "+442079460123"
    assert parse_marked_up("12", "FI") is None


def test_it_ignores_dates_prices_and_business_ids_in_text() -> None:
    text = "Avoinna 1.1.2024 alkaen. Hinta 12,50 €. Y-tunnus 1234567-8. Puh. 09 7654321"
    assert in_text(text, "FI") == ["+35897654321"]


def test_tel_links_and_json_ld_are_confirmed_and_text_is_not() -> None:
    markup = (
        '<script type="application/ld+json">{"@type": "Store", "telephone": "040 1234567"}</script>'
        '<a href="tel:+35891234567">09 1234567</a><p>Faksi 09 7654321</p>'
    )
    found = analyse(parse_html("https://helmi.fi/", markup), "FI")
    assert sorted(found.phones) == [
        ("+358401234567", "jsonld", True),
        ("+35891234567", "tel", True),
        ("+35897654321", "text", False),
    ]

"""Addresses in one structured form per country."""

import pytest

from mapleads.lead import Address
from mapleads.resolve.addresses import address_key, format_postcode, normalize_address, parse_address


@pytest.mark.parametrize(
    ("street", "country", "expanded"),
    [
        ("Mannerheimint.", "FI", "Mannerheimintie"),
        ("Aleksanterink.", "FI", "Aleksanterinkatu"),
        ("Hauptstr.", "DE", "Hauptstraße"),
        ("Berliner Str.", "DE", "Berliner Straße"),
        ("Drottningg.", "SE", "Drottninggatan"),
        ("Baker St", "GB", "Baker Street"),
        ("St Mary St", "GB", "St Mary Street"),
        ("Bd Haussmann", "FR", "Boulevard Haussmann"),
        ("Mikonkatu", "FI", "Mikonkatu"),
    ],
)
def test_it_spells_out_the_countrys_street_abbreviations(street: str, country: str, expanded: str) -> None:
    assert normalize_address(Address(street=street, country_code=country)).street == expanded


@pytest.mark.parametrize(
    ("postcode", "country", "formatted"),
    [
        ("FI-00100", "FI", "00100"),
        ("11455", "SE", "114 55"),
        ("1012ab", "NL", "1012 AB"),
        ("sw1a1aa", "GB", "SW1A 1AA"),
        ("123456789", "US", "12345-6789"),
        ("00-950", "PL", "00-950"),
        ("D-10115", "DE", "10115"),
    ],
)
def test_it_formats_postcodes_as_the_post_office_does(postcode: str, country: str, formatted: str) -> None:
    assert format_postcode(postcode, country) == formatted


def test_renderings_of_one_address_share_a_key() -> None:
    a = normalize_address(Address(street="Mannerheimint.", housenumber="5 a", country_code="FI"))
    b = normalize_address(Address(street="Mannerheimintie 5A"), "FI")
    assert address_key(a) == address_key(b) == "mannerheimintie 5a"


def test_a_street_without_house_number_has_no_key() -> None:
    assert address_key(normalize_address(Address(street="Kluuvikatu", city="Helsinki"))) is None


def test_it_parses_the_address_line_a_user_types() -> None:
    assert parse_address("Mikonkatu 18, 00100 Helsinki", "FI") == Address(
        street="Mikonkatu", housenumber="18", postcode="00100", city="Helsinki", country_code="FI"
    )

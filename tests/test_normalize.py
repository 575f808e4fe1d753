"""The normalize stage: phones to E.164 (raw kept), websites absolute, names trimmed."""

from __future__ import annotations

import pytest

from mapleads.lead import Lead
from mapleads.normalize import normalize_lead, normalize_website, split_phones


@pytest.mark.parametrize(
    ("value", "numbers"),
    [
        ("+358 9 123 4567", ["+358 9 123 4567"]),
        ("+358 9 1; +358 40 2", ["+358 9 1", "+358 40 2"]),
        ("09 1,040 2 / 050 3", ["09 1", "040 2", "050 3"]),
        (" ; , / ", []),
        ("09/123", ["09/123"]),  # a slash without spaces is part of the number
    ],
)
def test_it_splits_a_phone_value_into_its_numbers(value: str, numbers: list[str]) -> None:
    assert split_phones(value) == numbers


def test_it_writes_phones_in_e164_and_keeps_the_raw_ones() -> None:
    lead = Lead(
        id="osm:n1",
        name="  Kahvila   Aalto ",
        source="osm",
        source_id="node/1",
        phones_raw=["09 123 4567", "not a number"],
        website="Kahvila.FI/menu",
    )
    normalize_lead(lead, "FI")
    assert lead.phones == ["+35891234567"]
    assert lead.phones_raw == ["09 123 4567", "not a number"]
    assert (lead.name, lead.website) == ("Kahvila Aalto", "https://kahvila.fi/menu")


def test_a_website_keeps_its_path_case_and_takes_the_first_of_several() -> None:
    assert normalize_website("HTTP://Example.COM/Menu;https://other.fi") == "http://example.com/Menu"
    assert normalize_website(" ; ") is None

"""OSM tags -> our category keys, for old and new tagging."""

import pytest

from mapleads.taxonomy import Taxonomy

CASES = [
    ({"amenity": "dentist"}, ["dentist"]),
    ({"healthcare": "dentist"}, ["dentist"]),
    ({"healthcare": "physiotherapist"}, ["physiotherapist"]),
    ({"amenity": "physiotherapist"}, ["physiotherapist"]),
    ({"amenity": "doctors", "healthcare": "doctor"}, ["doctor"]),
    ({"craft": "plumber"}, ["plumber"]),
    ({"office": "lawyer"}, ["lawyer"]),
    ({"office": "company"}, ["company"]),
    ({"tourism": "hotel"}, ["hotel"]),
    ({"amenity": "gym"}, ["gym"]),
    ({"leisure": "fitness_centre"}, ["gym"]),
    ({"office": "diplomatic"}, ["embassy"]),
    ({"amenity": "embassy"}, ["embassy"]),
    ({"amenity": "kindergarten"}, ["kindergarten"]),
    ({"amenity": "childcare"}, ["kindergarten"]),
]


@pytest.mark.parametrize(("tags", "expected"), CASES)
def test_it_maps_tags_to_categories(taxonomy: Taxonomy, tags: dict[str, str], expected: list[str]) -> None:
    assert taxonomy.categorize(tags) == expected


def test_shops_get_their_specific_category_first_then_the_generic_one(taxonomy: Taxonomy) -> None:
    assert taxonomy.categorize({"shop": "bakery"}) == ["bakery", "shop"]
    assert taxonomy.categorize({"shop": "yes"}) == ["shop"]


def test_specific_subtypes_come_before_their_parent(taxonomy: Taxonomy) -> None:
    assert taxonomy.categorize({"shop": "beauty", "beauty": "nails"}) == [
        "nail_salon",
        "beauty_salon",
        "shop",
    ]
    assert taxonomy.categorize({"leisure": "fitness_centre", "sport": "yoga"}) == ["yoga", "gym"]


def test_a_condition_must_hold_for_its_alternative(taxonomy: Taxonomy) -> None:
    assert "pharmacy" in taxonomy.categorize({"shop": "chemist", "dispensing": "yes"})
    assert "pharmacy" not in taxonomy.categorize({"shop": "chemist"})
    assert taxonomy.categorize({"shop": "chemist"})[0] == "chemist_shop"


def test_it_reads_semicolon_lists(taxonomy: Taxonomy) -> None:
    assert taxonomy.categorize({"amenity": "cafe;restaurant"}) == ["cafe", "restaurant"]


def test_it_combines_keys_of_one_object(taxonomy: Taxonomy) -> None:
    assert taxonomy.categorize({"amenity": "pub", "tourism": "hostel"}) == ["pub", "hostel"]


def test_it_finds_nothing_for_non_business_tags(taxonomy: Taxonomy) -> None:
    assert taxonomy.categorize({"amenity": "bench"}) == []
    assert taxonomy.categorize({"highway": "bus_stop", "name": "Rautatieasema"}) == []

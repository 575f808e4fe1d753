"""Which objects are business candidates at all."""

import pytest

from mapleads.taxonomy import Taxonomy


@pytest.mark.parametrize(
    "tags",
    [
        {"amenity": "bench"},
        {"amenity": "parking"},
        {"amenity": "waste_basket"},
        {"amenity": "atm"},
        {"leisure": "park"},
        {"leisure": "playground"},
        {"tourism": "viewpoint"},
        {"shop": "vacant"},
        {"office": "no"},
        {"highway": "bus_stop"},
        {"amenity": "parking", "leisure": "park"},
    ],
)
def test_it_rejects_excluded_and_non_business_tags(taxonomy: Taxonomy, tags: dict[str, str]) -> None:
    assert not taxonomy.is_business({"name": "Something", **tags})


@pytest.mark.parametrize(
    "tags",
    [
        {"amenity": "dentist"},
        {"shop": "bakery"},
        {"shop": "yes"},
        {"office": "company"},
        {"craft": "plumber"},
        {"tourism": "hotel"},
        {"healthcare": "physiotherapist"},
        {"leisure": "fitness_centre"},
        {"club": "sport"},
        {"amenity": "parking", "shop": "car_repair"},
    ],
)
def test_it_accepts_businesses(taxonomy: Taxonomy, tags: dict[str, str]) -> None:
    assert taxonomy.is_business({"name": "Something", **tags})

"""The shipped exclusions.toml: the one table of values that are not businesses."""

from mapleads.taxonomy import BUSINESS_KEYS, Taxonomy


def test_it_only_names_business_keys(taxonomy: Taxonomy) -> None:
    assert set(taxonomy.exclusions) <= set(BUSINESS_KEYS)


def test_no_excluded_value_is_also_a_category(taxonomy: Taxonomy) -> None:
    mapped = {alt[0] for c in taxonomy.categories.values() for alt in c.osm}
    both = [(k, v) for k, values in taxonomy.exclusions.items() for v in values if (k, v) in mapped]
    assert both == []


def test_it_covers_the_common_non_business_leisure_and_amenity_values(taxonomy: Taxonomy) -> None:
    for value in ("park", "playground", "pitch", "nature_reserve", "garden", "dog_park", "swimming_area"):
        assert value in taxonomy.exclusions["leisure"], value
    for value in ("bench", "parking", "toilets", "waste_basket", "atm", "vending_machine", "bicycle_parking"):
        assert value in taxonomy.exclusions["amenity"], value

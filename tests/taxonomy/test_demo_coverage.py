"""On the real Helsinki extract, almost every named business falls into a specific category."""

from collections import Counter
from pathlib import Path

import osmium
import pytest

from mapleads.taxonomy import BUSINESS_KEYS, Taxonomy

DEMO_PBF = Path(__file__).resolve().parents[2] / "data" / "demo" / "helsinki.osm.pbf"
MIN_SHARE = 0.85


def _named_businesses(taxonomy: Taxonomy) -> list[dict[str, str]]:
    processor = osmium.FileProcessor(str(DEMO_PBF)).with_filter(osmium.filter.KeyFilter(*BUSINESS_KEYS))
    objects = (dict(obj.tags) for obj in processor)
    return [tags for tags in objects if tags.get("name") and taxonomy.is_business(tags)]


@pytest.fixture(scope="module")
def businesses(taxonomy: Taxonomy) -> list[dict[str, str]]:
    assert DEMO_PBF.exists(), f"missing demo data {DEMO_PBF}"
    found = _named_businesses(taxonomy)
    assert len(found) > 500, "the demo extract should hold hundreds of named businesses"
    return found


def test_most_named_businesses_get_a_specific_category(taxonomy: Taxonomy, businesses: list[dict[str, str]]) -> None:
    # catch-all categories ("shop=*", "club=*") do not count: they say nothing about the kind of business
    catch_all = {c.key for c in taxonomy.categories.values() if all(v == "*" for alt in c.osm for _, v in alt)}
    missed = [tags for tags in businesses if not set(taxonomy.categorize(tags)) - catch_all]
    share = 1 - len(missed) / len(businesses)
    frequent = Counter(f"{k}={tags[k]}" for tags in missed for k in BUSINESS_KEYS if k in tags)
    found = len(businesses) - len(missed)
    print(f"specific category for {found}/{len(businesses)} named businesses = {share:.1%}")
    print("most frequent uncategorised:", frequent.most_common(10))
    assert share >= MIN_SHARE


def test_every_named_business_gets_some_category(taxonomy: Taxonomy, businesses: list[dict[str, str]]) -> None:
    uncategorised = [tags for tags in businesses if not taxonomy.categorize(tags)]
    share = 1 - len(uncategorised) / len(businesses)
    print(f"any category: {share:.1%}")
    assert share >= 0.95

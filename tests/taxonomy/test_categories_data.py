"""The shipped categories.toml: size, languages, unambiguous words and well-formed OSM matchers."""

import re
from collections import defaultdict

from mapleads.taxonomy import BUSINESS_KEYS, Taxonomy
from mapleads.taxonomy.model import LANGUAGES, fold

#: Words claimed by two categories on purpose (the first category in the file wins); keep this list short.
DELIBERATELY_SHARED: set[str] = set()

OSM_KEY = re.compile(r"^[a-z_:]+$")
OSM_VALUE = re.compile(r"^([a-z0-9_\-]+|\*)$")


def test_it_has_at_least_150_categories(taxonomy: Taxonomy) -> None:
    assert len(taxonomy.categories) >= 150


def test_every_category_has_a_synonym_in_every_language(taxonomy: Taxonomy) -> None:
    missing = [(c.key, lang) for c in taxonomy.categories.values() for lang in LANGUAGES if not c.synonyms[lang]]
    assert missing == []


def test_every_category_has_a_group_and_a_label(taxonomy: Taxonomy) -> None:
    assert all(c.group and c.group != "other" and c.label for c in taxonomy.categories.values())


def test_no_word_belongs_to_two_categories_unless_deliberate(taxonomy: Taxonomy) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for category in taxonomy.categories.values():
        for word in category.words():
            owners[fold(word)].add(category.key)
    shared = {word: keys for word, keys in owners.items() if len(keys) > 1 and word not in DELIBERATELY_SHARED}
    assert shared == {}


def test_every_synonym_resolves_to_its_own_category(taxonomy: Taxonomy) -> None:
    wrong = [
        (word, category.key, taxonomy.lookup(word))
        for category in taxonomy.categories.values()
        for word in category.words()
        if taxonomy.lookup(word) != category.key
    ]
    assert wrong == []


def test_every_matcher_starts_with_a_business_key_and_uses_osm_spelling(taxonomy: Taxonomy) -> None:
    bad = []
    for category in taxonomy.categories.values():
        assert category.osm, category.key
        for alternative in category.osm:
            if alternative[0][0] not in BUSINESS_KEYS:
                bad.append((category.key, alternative))
            bad += [
                (category.key, alternative) for k, v in alternative if not (OSM_KEY.match(k) and OSM_VALUE.match(v))
            ]
    assert bad == []


def test_the_same_tag_is_not_claimed_twice_by_accident(taxonomy: Taxonomy) -> None:
    claimed: dict[tuple[tuple[str, str], ...], list[str]] = defaultdict(list)
    for category in taxonomy.categories.values():
        for alternative in category.osm:
            claimed[alternative].append(category.key)
    assert {alt: keys for alt, keys in claimed.items() if len(keys) > 1} == {}

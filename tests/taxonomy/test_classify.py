"""`Taxonomy.classify`: the scan's question (is this object a business, and of which categories?), remembered by
the values of the tags its rules read."""

from __future__ import annotations

import pytest

from mapleads.taxonomy import Taxonomy, model

OBJECTS = [
    {"amenity": "dentist", "name": "Hammaslääkäri Oy"},
    {"shop": "bakery", "name": "Leipomo", "opening_hours": "Mo-Fr 07:00-17:00"},
    {"shop": "beauty", "beauty": "nails", "name": "Nails"},
    {"shop": "beauty", "name": "Kauneus"},
    {"leisure": "fitness_centre", "sport": "yoga", "name": "Yoga Studio"},
    {"leisure": "fitness_centre", "name": "Gym"},
    {"shop": "chemist", "dispensing": "yes", "name": "Apteekki"},
    {"shop": "chemist", "name": "Kemikalio"},
    {"amenity": "cafe;restaurant", "name": "Both"},
    {"amenity": "pub", "tourism": "hostel", "name": "Pub and beds"},
]


@pytest.mark.parametrize("tags", OBJECTS)
def test_it_answers_as_categorize_every_time(taxonomy: Taxonomy, tags: dict[str, str]) -> None:
    expected = taxonomy.categorize(tags)
    assert expected
    assert taxonomy.classify(tags) == tuple(expected)
    assert taxonomy.classify(dict(tags)) == tuple(expected)  # the remembered answer


@pytest.mark.parametrize(
    "tags",
    [
        {"name": "Esplanadi"},
        {"amenity": "bench", "name": "A bench"},
        {"shop": "no", "name": "Closed"},
        {"amenity": "", "name": "Blank"},
        {"highway": "bus_stop", "name": "Stop", "sport": "yoga"},
    ],
)
def test_it_answers_none_for_what_is_no_business(taxonomy: Taxonomy, tags: dict[str, str]) -> None:
    assert taxonomy.classify(tags) is None
    assert taxonomy.classify(tags) is None


def test_a_tag_only_a_condition_reads_tells_objects_apart(taxonomy: Taxonomy) -> None:
    assert taxonomy.classify({"leisure": "fitness_centre", "sport": "yoga"}) == ("yoga", "gym")
    assert taxonomy.classify({"leisure": "fitness_centre", "sport": "soccer"}) == ("gym",)
    assert taxonomy.classify({"leisure": "fitness_centre", "sport": "yoga"}) == ("yoga", "gym")


def test_objects_alike_share_one_answer_no_caller_can_change(taxonomy: Taxonomy) -> None:
    """A file's candidates hold the remembered tuple itself: one object per combination, not a list each."""
    first = taxonomy.classify({"shop": "bakery", "name": "Leipomo"})
    assert first == ("bakery", "shop")
    assert taxonomy.classify({"shop": "bakery", "name": "Toinen leipomo"}) is first


def test_it_stays_right_once_its_memory_is_full(taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "CLASSIFY_MEMORY", 2)
    for _ in range(3):
        for tags in OBJECTS:
            assert taxonomy.classify(tags) == tuple(taxonomy.categorize(tags))

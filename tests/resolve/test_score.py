"""Lead score: components shown, weights configurable, points add up."""

from __future__ import annotations

from datetime import date

import pytest

from mapleads.lead import Address, Lead
from mapleads.resolve import resolve_leads, score_lead
from mapleads.settings import get_settings


def _lead(**fields: object) -> Lead:
    base: dict[str, object] = {"id": "t:1", "name": "Test", "source": "osm", "source_id": "node/1"}
    base.update(fields)
    return Lead(**base)  # type: ignore[arg-type]


FULL = {
    "emails": ["info@maya.fi"],
    "website": "https://www.maya.fi",
    "phones": ["+358401234567"],
    "opening_hours": "Mo-Su 10:00-20:00",
    "category": "restaurant",
    "lat": 60.17,
    "lon": 24.94,
    "socials": {"facebook": "https://facebook.com/maya"},
    "address": Address(street="Mikonkatu", housenumber="18", postcode="00100", city="Helsinki"),
    "snapshot_date": "2026-11-01",
}


def test_a_complete_fresh_lead_scores_100_and_an_empty_one_0() -> None:
    today = date(2026, 11, 25)
    assert score_lead(_lead(**FULL), today=today).extra["score"] == 100
    assert score_lead(_lead(), today=today).extra["score"] == 0


def test_components_are_shown_and_their_points_add_up_to_the_score() -> None:
    lead = score_lead(_lead(phones=["+358401234567"], website="https://www.facebook.com/maya"))
    components = lead.extra["score_components"]
    assert components["phone"] == {"value": 1.0, "weight": 20.0, "points": 25.0}  # 20 of 80 applicable
    assert components["website"]["value"] == 0.5  # a page on a platform, not an own domain
    assert "rating" not in components and "freshness" not in components  # the source has none
    assert lead.extra["score"] == round(sum(c["points"] for c in components.values()))


def test_an_email_on_the_own_domain_counts_more_than_a_freemail_one() -> None:
    own = score_lead(_lead(emails=["info@maya.fi"], website="https://maya.fi"))
    free = score_lead(_lead(emails=["maya.grill@gmail.com"], website="https://maya.fi"))
    assert own.extra["score_components"]["email"]["value"] == 1.0
    assert free.extra["score_components"]["email"]["value"] == 0.4
    assert own.extra["score"] > free.extra["score"]


def test_rating_reviews_and_freshness_count_where_the_source_has_them() -> None:
    lead = score_lead(
        _lead(extra={"rating": 4.0, "review_count": 999}, snapshot_date="2023-11-25"),
        today=date(2026, 11, 25),
    )
    components = lead.extra["score_components"]
    assert components["rating"]["value"] == 0.8
    assert components["reviews"]["value"] == 1.0
    assert components["freshness"]["value"] == 0.0  # three years old


def test_weights_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPLEADS_SCORE_WEIGHTS", '{"phone": 100, "email": 0}')
    get_settings.cache_clear()
    [lead] = resolve_leads([_lead(phones_raw=["+358 40 123 4567"])], suppression=False)
    assert lead.extra["score_components"]["phone"]["weight"] == 100
    assert "email" not in lead.extra["score_components"]
    assert lead.extra["score"] == round(100 * 100 / 135)  # phone, website, hours, completeness

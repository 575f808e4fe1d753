"""Lead score 0-100: how reachable and how trustworthy a lead is, with every component shown.

Each component is a value between 0 and 1; the score is the weighted mean × 100 over the components that
apply (rating and review count only where the source has them, freshness only where a date is known), so a
source without ratings does not cost its leads points. ``extra["score_components"]`` shows per component its
value, weight and the points it contributed (the points add up to the score).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from mapleads.lead import Lead
from mapleads.resolve.contacts import FREEMAIL_DOMAINS, email_domain
from mapleads.resolve.urls import PATH_PLATFORMS, SUBDOMAIN_PLATFORMS, WebKeys

DEFAULT_WEIGHTS: dict[str, float] = {
    "email": 25.0,
    "phone": 20.0,
    "website": 15.0,
    "opening_hours": 5.0,
    "completeness": 15.0,
    "rating": 5.0,
    "reviews": 5.0,
    "freshness": 10.0,
}
FRESH_DAYS = 180
STALE_DAYS = 3 * 365
_DATE_TAGS = ("check_date", "survey:date", "check_date:opening_hours", "source:date")


def _email(lead: Lead, own: str | None) -> float | None:
    """`own`: the registered domain of the lead's website."""
    if not lead.emails:
        return 0.0
    domains = {email_domain(e) for e in lead.emails}
    if own and own in domains:
        return 1.0
    return 0.5 if domains - FREEMAIL_DOMAINS else 0.4


def _website(key: str | None, domain: str | None) -> float | None:
    """`key` and `domain`: the website's domain key and registered domain."""
    if not key:
        return 0.0
    return 0.5 if "/" in key or domain in PATH_PLATFORMS or domain in SUBDOMAIN_PLATFORMS else 1.0


def _completeness(lead: Lead) -> float | None:
    checks = (
        lead.address.is_full,
        bool(lead.address.postcode and lead.address.city),
        bool(lead.category or lead.categories),
        lead.lat is not None and lead.lon is not None,
        bool(lead.socials),
    )
    return sum(checks) / len(checks)


def _rating(lead: Lead) -> float | None:
    rating = _number(lead.extra.get("rating"))
    return None if rating is None else max(0.0, min(rating / 5.0, 1.0))


def _reviews(lead: Lead) -> float | None:
    count = _number(lead.extra.get("review_count", lead.extra.get("user_rating_count")))
    return None if count is None else min(math.log10(1 + max(count, 0)) / 3.0, 1.0)


def _freshness(lead: Lead, today: date) -> float | None:
    tags = lead.tags
    dated = [lead.snapshot_date, *(tags[t] for t in _DATE_TAGS if t in tags)]
    dates = [d for d in map(_date, dated) if d]
    if not dates:
        return None
    age = (today - max(dates)).days
    if age <= FRESH_DAYS:
        return 1.0
    return max(0.0, 1.0 - (age - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS))


def _number(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=4096)
def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


class Scorer:
    """Scores many leads with one set of weights. Leads whose components have the same values share one
    components dict (a million leads have a few thousand distinct ones): treat it as read-only."""

    def __init__(
        self, weights: Mapping[str, float] | None = None, today: date | None = None, web: WebKeys | None = None
    ) -> None:
        self.web = web or WebKeys()
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        self.today = today or datetime.now(UTC).date()
        self._seen: dict[tuple[float | None, ...], tuple[int, dict[str, dict[str, float]]]] = {}
        self._components: dict[tuple[str, float, float, float], dict[str, float]] = {}

    def __call__(self, lead: Lead) -> Lead:
        """Set ``extra["score"]`` (0-100) and ``extra["score_components"]`` on `lead` and return it."""
        key, _, domain = self.web(lead.website)
        values = (
            _email(lead, domain),
            1.0 if lead.phones else 0.0,
            _website(key, domain),
            1.0 if lead.opening_hours else 0.0,
            _completeness(lead),
            _rating(lead),
            _reviews(lead),
            _freshness(lead, self.today),
        )
        known = self._seen.get(values)
        if known is None:
            known = self._seen[values] = self._points(values)
        lead.extra["score"], lead.extra["score_components"] = known
        return lead

    def _component(self, name: str, value: float, weight: float, points: float) -> dict[str, float]:
        key = (name, value, weight, points)
        found = self._components.get(key)
        if found is None:
            found = self._components[key] = {"value": value, "weight": weight, "points": points}
        return found

    def _points(self, values: tuple[float | None, ...]) -> tuple[int, dict[str, dict[str, float]]]:
        w = self.weights
        applicable = {k: v for k, v in zip(COMPONENTS, values, strict=True) if v is not None and w.get(k, 0) > 0}
        total = sum(w[k] for k in applicable)
        components = {
            k: self._component(k, round(v, 3), w[k], round(100 * w[k] * v / total, 1) if total else 0.0)
            for k, v in applicable.items()
        }
        score = round(sum(100 * w[k] * v for k, v in applicable.items()) / total) if total else 0
        return score, components


COMPONENTS = tuple(DEFAULT_WEIGHTS)


def score_lead(lead: Lead, weights: Mapping[str, float] | None = None, today: date | None = None) -> Lead:
    """Set ``extra["score"]`` (0-100) and ``extra["score_components"]`` on `lead` and return it."""
    return Scorer(weights, today)(lead)

"""Turning engine `Lead`s into stored rows and back, with the score the table filters on."""

from __future__ import annotations

from typing import Any

from mapleads.lead import Lead

#: fields that make a lead contactable or placeable, with their weight in the completeness score
_SCORE_WEIGHTS = {"phone": 25, "email": 25, "website": 20, "address": 20, "opening_hours": 10}
UPDATE_FIELDS = [
    "position",
    "name",
    "category",
    "categories",
    "lat",
    "lon",
    "phone",
    "email",
    "website",
    "address",
    "has_phone",
    "has_email",
    "score",
    "data",
]


def lead_score(lead: Lead) -> int:
    """0-100: the engine's own score when a stage set one (extra["score"]), else contact completeness."""
    given = lead.extra.get("score")
    if isinstance(given, int | float) and not isinstance(given, bool):
        value = given * 100 if 0 <= given <= 1 else given
        return max(0, min(100, round(value)))
    present = {
        "phone": bool(lead.phone),
        "email": bool(lead.email),
        "website": bool(lead.website),
        "address": lead.address.is_full,
        "opening_hours": bool(lead.opening_hours),
    }
    return sum(w for key, w in _SCORE_WEIGHTS.items() if present[key])


def row_values(lead: Lead, position: int) -> dict[str, Any]:
    return {
        "lead_id": lead.id,
        "position": position,
        "name": lead.name[:500],
        "category": lead.category or "",
        "categories": ";".join(lead.categories)[:500],
        "lat": lead.lat,
        "lon": lead.lon,
        "phone": (lead.phone or "")[:64],
        "email": (lead.email or "")[:254],
        "website": (lead.website or "")[:500],
        "address": lead.address.formatted()[:500],
        "has_phone": bool(lead.phone),
        "has_email": bool(lead.email),
        "score": lead_score(lead),
        "data": lead.to_dict(),
    }


def to_lead(data: dict[str, Any]) -> Lead:
    return Lead.from_dict(data)

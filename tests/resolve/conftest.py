"""Fixtures: real Helsinki leads read from the bundled OpenStreetMap extract, and isolated state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import mapleads
from mapleads.lead import Address, Lead
from mapleads.settings import get_settings

DEMO_PBF = Path(__file__).resolve().parents[2] / "data" / "demo" / "helsinki.osm.pbf"


def helsinki_leads() -> list[Lead]:
    """Every business in the demo extract, as the .pbf source and the normalize stage give them."""
    return list(mapleads.extract("all", path=DEMO_PBF))


_HELSINKI: list[Lead] = []


@pytest.fixture
def helsinki() -> list[Lead]:
    """Fresh copies of the real Helsinki leads (read once per session)."""
    if not _HELSINKI:
        _HELSINKI.extend(helsinki_leads())
    return [Lead.from_dict(lead.to_dict()) for lead in _HELSINKI]


@pytest.fixture
def osm(helsinki: list[Lead]) -> dict[str, Lead]:
    """The real Helsinki leads by id."""
    return {lead.id: lead for lead in helsinki}


def google_rendering(lead: Lead, place_id: str, **changes: Any) -> Lead:
    """The same business as the Google Places API (New) renders it: national phone format, a formatted
    address in one line, the website with tracking parameters, a rating, a point a few metres off."""
    data: dict[str, Any] = {
        "id": f"google:{place_id}",
        "name": lead.name,
        "source": "google",
        "source_id": place_id,
        "lat": (lead.lat or 0) + 0.00012,
        "lon": (lead.lon or 0) - 0.00010,
        "categories": list(lead.categories),
        "category": lead.category,
        "phones_raw": [_national(p) for p in lead.phones_raw],
        "website": f"{lead.website}{'&' if lead.website and '?' in lead.website else '?'}utm_source=google"
        if lead.website
        else None,
        "address": Address(
            street=lead.address.street,
            housenumber=lead.address.housenumber,
            postcode=lead.address.postcode,
            city=lead.address.city,
            country_code="FI",
        ),
        "snapshot_date": "2026-11-01",
        "extra": {"rating": 4.4, "review_count": 812},
    }
    data.update(changes)
    google = Lead(**data)
    google.note("name", "google", "displayName", "api")
    if google.phones_raw:
        google.note("phones", "google", "nationalPhoneNumber", "api")
    return google


def overture_rendering(lead: Lead, gers_id: str, **changes: Any) -> Lead:
    """The same business as an Overture Maps place: upper-case www host, trailing slash, E.164 phones, a
    freeform street line, a point moved tens of metres, names with the legal form."""
    data: dict[str, Any] = {
        "id": f"overture:{gers_id}",
        "name": lead.name,
        "source": "overture",
        "source_id": gers_id,
        "lat": (lead.lat or 0) - 0.00025,
        "lon": (lead.lon or 0) + 0.00030,
        "categories": list(lead.categories),
        "category": lead.category,
        "phones": [],
        "phones_raw": [p.replace(" ", "").replace("-", "") for p in lead.phones_raw],
        "website": lead.website.replace("https://www.", "https://WWW.").rstrip("/") + "/" if lead.website else None,
        "address": Address(
            street=f"{lead.address.street} {lead.address.housenumber}" if lead.address.street else None,
            postcode=lead.address.postcode,
            city=lead.address.city,
            country_code="FI",
        ),
        "snapshot_date": "2026-10-15",
        "extra": {"confidence": 0.93},
    }
    data.update(changes)
    return Lead(**data)


def _national(phone: str) -> str:
    """ "+358 9 39351" -> "09 39351" (how Google shows Finnish numbers)."""
    digits = phone.replace("-", " ")
    return "0" + digits.removeprefix("+358").strip() if digits.startswith("+358") else digits


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own MAPLEADS_DATA_DIR (suppression list, history) and default settings."""
    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(tmp_path / "data"))
    for var in ("MAPLEADS_SUPPRESSION_KEY", "MAPLEADS_DEFAULT_COUNTRY", "MAPLEADS_SCORE_WEIGHTS"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()

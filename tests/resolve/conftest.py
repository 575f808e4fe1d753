"""Fixtures: real Helsinki leads read from the bundled OpenStreetMap extract, and isolated state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import osmium
import pytest

from mapleads.lead import Address, Lead
from mapleads.settings import get_settings
from mapleads.taxonomy import get_taxonomy

DEMO_PBF = Path(__file__).resolve().parents[2] / "data" / "demo" / "helsinki.osm.pbf"
_OSM_TYPES = {"n": "node", "w": "way", "r": "relation"}
_KINDS = ("amenity", "shop", "office", "craft", "tourism", "leisure", "healthcare")


def _lead(obj: osmium.osm.OSMObject, lat: float, lon: float) -> Lead:
    t = dict(obj.tags)
    kind_of_object = obj.type_str()
    osm_id = obj.orig_id() if kind_of_object == "a" else obj.id
    letter = ("w" if obj.from_way() else "r") if kind_of_object == "a" else kind_of_object
    phones = [t[k] for k in ("phone", "contact:phone") if k in t]
    lead = Lead(
        id=f"osm:{letter}{osm_id}",
        name=t["name"],
        source="osm",
        source_id=f"{_OSM_TYPES[letter]}/{osm_id}",
        lat=lat,
        lon=lon,
        categories=get_taxonomy().categorize(t),
        tags=t,
        address=Address(
            street=t.get("addr:street"),
            housenumber=t.get("addr:housenumber"),
            postcode=t.get("addr:postcode"),
            city=t.get("addr:city"),
            country_code=t.get("addr:country"),
        ),
        phones_raw=phones,
        website=t.get("website") or t.get("contact:website"),
        emails=[t[k] for k in ("email", "contact:email") if k in t],
        opening_hours=t.get("opening_hours"),
        brand=t.get("brand"),
        brand_wikidata=t.get("brand:wikidata"),
    )
    for field, keys in (
        ("name", ("name",)),
        ("phones", ("phone", "contact:phone")),
        ("website", ("website",)),
    ):
        for key in keys:
            if key in t:
                lead.note(field, "osm", key)
                break
    lead.category = lead.categories[0] if lead.categories else None
    return lead


def helsinki_leads() -> list[Lead]:
    """Every named business (node or area) in the demo extract, as the OSM source renders it."""
    leads: list[Lead] = []
    processor = osmium.FileProcessor(str(DEMO_PBF)).with_locations().with_areas()
    for obj in processor:
        if "name" not in obj.tags or not any(k in obj.tags for k in _KINDS) or obj.type_str() in ("w", "r"):
            continue
        if obj.type_str() == "n":
            lat, lon = obj.location.lat, obj.location.lon
        else:
            try:
                ring = next(iter(obj.outer_rings()))
            except StopIteration:
                continue
            points = [(n.lat, n.lon) for n in ring]
            lat, lon = sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
        leads.append(_lead(obj, lat, lon))
    return leads


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
        "website": lead.website.replace("https://www.", "https://WWW.").rstrip("/") + "/"
        if lead.website
        else None,
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

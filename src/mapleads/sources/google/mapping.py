"""Places API (New) place -> `Lead`, with provenance and Google's attribution on every lead."""

from __future__ import annotations

from typing import Any

from mapleads.lead import Address, Lead
from mapleads.sources.google.catalog import CATEGORY_OF_TYPE

ATTRIBUTION = "Google Maps"
COMPONENTS = {
    "street_number": "housenumber",
    "route": "street",
    "subpremise": "unit",
    "postal_code": "postcode",
    "locality": "city",
    "postal_town": "city",
    "administrative_area_level_1": "state",
    "country": "country_code",
}


def lead_from_place(place: dict[str, Any], fetched: str) -> Lead:
    place_id = str(place.get("id") or str(place.get("name", "")).removeprefix("places/"))
    ref = f"places/{place_id}"
    location = place.get("location") or {}
    lead = Lead(
        id=f"google:{place_id}",
        name=str((place.get("displayName") or {}).get("text") or ""),
        source="google",
        source_id=ref,
        lat=location.get("latitude"),
        lon=location.get("longitude"),
        snapshot_date=fetched,
    )
    types = [str(t) for t in place.get("types") or []]
    primary = place.get("primaryType")
    for google_type in ([primary] if primary else []) + types:
        for key in CATEGORY_OF_TYPE.get(google_type, ()):
            if key not in lead.categories:
                lead.categories.append(key)
    lead.category = lead.categories[0] if lead.categories else None
    lead.address = _address(place.get("addressComponents") or [], lead, ref)
    phone = place.get("internationalPhoneNumber") or place.get("nationalPhoneNumber")
    if phone:
        lead.phones_raw = [str(phone)]
        lead.note("phones", "google", ref, "api")
    if place.get("websiteUri"):
        lead.website = str(place["websiteUri"])
        lead.note("website", "google", ref, "api")
    for field_name in ("name", "lat", "lon", "categories"):
        lead.note(field_name, "google", ref, "api")
    extra = {
        "google_place_id": place_id,
        "google_types": types,
        "rating": place.get("rating"),
        "user_rating_count": place.get("userRatingCount"),
        "business_status": place.get("businessStatus"),
        "price_level": place.get("priceLevel"),
        "google_maps_uri": place.get("googleMapsUri"),
        "formatted_address": place.get("formattedAddress"),
        "opening_hours_text": "; ".join((place.get("regularOpeningHours") or {}).get("weekdayDescriptions") or [])
        or None,
        "attribution": ATTRIBUTION,
    }
    lead.extra = {k: v for k, v in extra.items() if v not in (None, [], "")}
    return lead


def _address(components: list[dict[str, Any]], lead: Lead, ref: str) -> Address:
    address = Address()
    for component in components:
        for google_type in component.get("types") or []:
            part = COMPONENTS.get(google_type)
            if part is None or getattr(address, part):
                continue
            text = component.get("shortText" if part == "country_code" else "longText")
            if text:
                setattr(address, part, str(text).upper() if part == "country_code" else str(text))
                lead.note(f"address.{part}", "google", ref, "api")
    return address

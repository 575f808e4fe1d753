"""OSM tags -> `Lead`: the one mapping every OSM-based source (pbf, index, overpass) shares.

A dentist read from a .pbf file and the same dentist fetched from Overpass must be the same Lead, field for
field, so that exports, diffs and de-duplication agree whichever way the data arrived.
"""

from __future__ import annotations

from collections.abc import Mapping

from mapleads.lead import Address, Lead, Provenance
from mapleads.taxonomy import get_taxonomy

KIND_LETTER = {"node": "n", "way": "w", "relation": "r"}
PHONE_KEYS = ("phone", "contact:phone", "mobile", "contact:mobile")
WEBSITE_KEYS = ("website", "contact:website", "url")
EMAIL_KEYS = ("email", "contact:email")
ADDRESS_KEYS = {
    "street": ("addr:street", "addr:place"),
    "housenumber": ("addr:housenumber",),
    "unit": ("addr:unit", "addr:flats"),
    "postcode": ("addr:postcode",),
    "city": ("addr:city",),
    "state": ("addr:state", "addr:province"),
    "country_code": ("addr:country",),
}
SOCIAL_KEYS = {
    net: (f"contact:{net}", net)
    for net in ("facebook", "instagram", "linkedin", "twitter", "youtube", "tiktok")
}


def lead_name(tags: Mapping[str, str]) -> str | None:
    return tags.get("name") or None


def lead_from_osm_tags(
    kind: str, osm_id: int, tags: Mapping[str, str], lat: float | None, lon: float | None
) -> Lead:
    """A Lead for one OSM object ("node" | "way" | "relation"); `lat`/`lon`: its point (centre of areas)."""
    ref = f"{kind}/{osm_id}"
    lead = Lead(
        id=f"osm:{KIND_LETTER[kind]}{osm_id}",
        name=lead_name(tags) or "",
        source="osm",
        source_id=ref,
        lat=lat,
        lon=lon,
        tags=dict(tags),
    )
    lead.categories = get_taxonomy().categorize(tags)
    lead.category = lead.categories[0] if lead.categories else None

    def first(keys: tuple[str, ...], field_name: str) -> str | None:
        for key in keys:
            value = (tags.get(key) or "").strip()
            if value:
                lead.note(field_name, "osm", f"{ref}#{key}")
                return value
        return None

    lead.address = Address(**{part: first(keys, f"address.{part}") for part, keys in ADDRESS_KEYS.items()})
    if lead.address.country_code:
        lead.address.country_code = lead.address.country_code.upper()
    for key in PHONE_KEYS:
        for raw in _split(tags.get(key)):
            if raw not in lead.phones_raw:
                lead.phones_raw.append(raw)
                lead.provenance.setdefault("phones", _prov(ref, key))
    lead.website = first(WEBSITE_KEYS, "website")
    for key in EMAIL_KEYS:
        for raw in _split(tags.get(key)):
            if raw.lower() not in lead.emails:
                lead.emails.append(raw.lower())
                lead.provenance.setdefault("emails", _prov(ref, key))
    for net, keys in SOCIAL_KEYS.items():
        if value := first(keys, f"socials.{net}"):
            lead.socials[net] = value
    lead.opening_hours = first(("opening_hours",), "opening_hours")
    lead.brand = first(("brand",), "brand")
    lead.brand_wikidata = first(("brand:wikidata",), "brand_wikidata")
    lead.wikidata = first(("wikidata",), "wikidata")
    return lead


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _prov(ref: str, key: str) -> Provenance:
    return Provenance("osm", f"{ref}#{key}")

"""OpenStreetMap tags → `Lead`: the one mapping every OSM-based source (.pbf, index, Overpass) shares.

Each field notes the tag it came from in the lead's provenance, so a user can check any value on the map.
"""

from __future__ import annotations

from collections.abc import Mapping

from mapleads.lead import Address, Lead, Provenance
from mapleads.taxonomy import get_taxonomy

SOURCE = "osm"
KIND_LETTER = {"node": "n", "way": "w", "relation": "r"}

PHONE_TAGS = ("phone", "contact:phone", "mobile", "contact:mobile", "phone:mobile")
WEBSITE_TAGS = ("website", "contact:website", "url", "contact:url")
EMAIL_TAGS = ("email", "contact:email")
SOCIAL_TAGS = {
    "facebook": ("contact:facebook", "facebook"),
    "instagram": ("contact:instagram", "instagram"),
    "linkedin": ("contact:linkedin", "linkedin"),
    "twitter": ("contact:twitter", "twitter", "contact:x"),
    "youtube": ("contact:youtube", "youtube"),
    "tiktok": ("contact:tiktok", "tiktok"),
}
SOCIAL_BASE = {
    "facebook": "https://www.facebook.com/",
    "instagram": "https://www.instagram.com/",
    "linkedin": "https://www.linkedin.com/company/",
    "twitter": "https://x.com/",
    "youtube": "https://www.youtube.com/@",
    "tiktok": "https://www.tiktok.com/@",
}
ADDRESS_TAGS = {
    "street": ("addr:street", "addr:place"),
    "housenumber": ("addr:housenumber",),
    "unit": ("addr:unit", "addr:flats", "addr:door"),
    "postcode": ("addr:postcode",),
    "city": ("addr:city",),
    "state": ("addr:state", "addr:province"),
    "country_code": ("addr:country",),
}


def osm_lead_id(kind: str, osm_id: int) -> str:
    return f"osm:{KIND_LETTER[kind]}{osm_id}"


def address_from_tags(tags: Mapping[str, str]) -> tuple[Address, dict[str, str]]:
    """The structured address and, per part, the tag it came from."""
    address = Address()
    refs: dict[str, str] = {}
    for part, keys in ADDRESS_TAGS.items():
        for key in keys:
            value = tags.get(key)
            if value:
                setattr(address, part, value.strip().upper() if part == "country_code" else value.strip())
                refs[part] = key
                break
    return address, refs


def _first(tags: Mapping[str, str], keys: tuple[str, ...]) -> tuple[str | None, str | None]:
    for key in keys:
        value = tags.get(key)
        if value:
            return value.strip(), key
    return None, None


def _social_url(network: str, value: str) -> str:
    value = value.strip()
    if value.startswith(("http://", "https://")):
        return value
    if "." in value.split("/")[0]:  # "facebook.com/foo"
        return "https://" + value
    return SOCIAL_BASE[network] + value.lstrip("@")


def lead_from_tags(
    kind: str,
    osm_id: int,
    tags: Mapping[str, str],
    lat: float | None,
    lon: float | None,
    *,
    categories: list[str] | None = None,
    snapshot_date: str | None = None,
    source: str = SOURCE,
) -> Lead:
    """A `Lead` for one OSM object; ``tags`` may be any mapping (a dict or pyosmium's TagList)."""
    tag_dict = dict(tags)
    ref = f"{kind}/{osm_id}"
    prov: dict[str, Provenance] = {}

    def note(field: str, tag: str) -> None:
        prov[field] = Provenance(source, f"{ref}#{tag}")

    name = tag_dict.get("name", "").strip()
    note("name", "name")
    address, addr_refs = address_from_tags(tag_dict)
    for part, tag in addr_refs.items():
        note(f"address.{part}", tag)
    phones_raw: list[str] = []
    for key in PHONE_TAGS:
        value = tag_dict.get(key)
        if value:
            from mapleads.normalize import split_phones

            phones_raw.extend(p for p in split_phones(value) if p not in phones_raw)
            prov.setdefault("phones", Provenance(source, f"{ref}#{key}"))
    website, website_tag = _first(tag_dict, WEBSITE_TAGS)
    if website_tag:
        note("website", website_tag)
    emails: list[str] = []
    for key in EMAIL_TAGS:
        value = tag_dict.get(key)
        if value:
            emails.extend(e.strip() for e in value.split(";") if e.strip() and e.strip() not in emails)
            prov.setdefault("emails", Provenance(source, f"{ref}#{key}"))
    socials: dict[str, str] = {}
    for network, keys in SOCIAL_TAGS.items():
        value, tag = _first(tag_dict, keys)
        if value and tag:
            socials[network] = _social_url(network, value)
            note(f"socials.{network}", tag)
    opening_hours = tag_dict.get("opening_hours")
    if opening_hours:
        note("opening_hours", "opening_hours")
    if categories is None:
        categories = get_taxonomy().categorize(tag_dict)
    if categories:
        prov["categories"] = Provenance(source, ref, "taxonomy")
    return Lead(
        id=osm_lead_id(kind, osm_id),
        name=name,
        source=source,
        source_id=ref,
        lat=lat,
        lon=lon,
        category=categories[0] if categories else None,
        categories=list(categories),
        tags=tag_dict,
        address=address,
        phones_raw=phones_raw,
        website=website,
        emails=emails,
        socials=socials,
        opening_hours=opening_hours,
        brand=tag_dict.get("brand"),
        brand_wikidata=tag_dict.get("brand:wikidata"),
        wikidata=tag_dict.get("wikidata"),
        snapshot_date=snapshot_date,
        provenance=prov,
    )

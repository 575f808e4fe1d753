"""OpenStreetMap tags → `Lead`: the one mapping every OSM-based source (.pbf, index, Overpass) shares.

Each field notes the tag it came from in the lead's provenance, so a user can check any value on the map.
"""

from __future__ import annotations

from collections.abc import Mapping

from mapleads.lead import Address, Lead, Provenance
from mapleads.normalize import split_phones
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
    if _ADDRESS_KEYS.isdisjoint(tags):  # most objects: no address tag at all
        return address, refs
    for part, keys in ADDRESS_TAGS.items():
        for key in keys:
            value = tags.get(key)
            if value:
                setattr(address, part, value.strip().upper() if part == "country_code" else value.strip())
                refs[part] = key
                break
    return address, refs


_ADDRESS_KEYS = frozenset(key for keys in ADDRESS_TAGS.values() for key in keys)
#: "address.street", "socials.facebook", ...: a lead's provenance keys for its address parts and profiles
_ADDRESS_FIELDS = {part: f"address.{part}" for part in ADDRESS_TAGS}
_SOCIAL_FIELDS = {network: f"socials.{network}" for network in SOCIAL_TAGS}


def _social_url(network: str, value: str) -> str:
    value = value.strip()
    if value.startswith(("http://", "https://")):
        return value
    if "." in value.split("/")[0]:  # "facebook.com/foo"
        return "https://" + value
    return SOCIAL_BASE[network] + value.lstrip("@")


#: every tag key the mapping reads, so one set intersection tells which of them an object has
_CONTACT_KEYS = frozenset(
    (*PHONE_TAGS, *WEBSITE_TAGS, *EMAIL_TAGS, *(k for keys in SOCIAL_TAGS.values() for k in keys))
)


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
    """A `Lead` for one OSM object; ``tags`` may be any mapping (a dict or pyosmium's TagList).

    Runs once per business on files with millions of them, hence the set intersection instead of probing
    every contact key.
    """
    tag_dict = tags if isinstance(tags, dict) else dict(tags)
    ref = f"{kind}/{osm_id}"
    prov: dict[str, Provenance] = {"name": Provenance(source, f"{ref}#name")}
    address, addr_refs = address_from_tags(tag_dict)
    for part, tag in addr_refs.items():
        prov[_ADDRESS_FIELDS[part]] = Provenance(source, f"{ref}#{tag}")
    phones_raw: list[str] = []
    emails: list[str] = []
    socials: dict[str, str] = {}
    website = None
    present = _CONTACT_KEYS.intersection(tag_dict)
    if present:
        for key in PHONE_TAGS:
            if key in present:
                phones_raw.extend(p for p in split_phones(tag_dict[key]) if p not in phones_raw)
                prov.setdefault("phones", Provenance(source, f"{ref}#{key}"))
        for key in WEBSITE_TAGS:
            if key in present and tag_dict[key].strip():
                website = tag_dict[key].strip()
                prov["website"] = Provenance(source, f"{ref}#{key}")
                break
        for key in EMAIL_TAGS:
            if key in present:
                emails.extend(e.strip() for e in tag_dict[key].split(";") if e.strip() and e.strip() not in emails)
                prov.setdefault("emails", Provenance(source, f"{ref}#{key}"))
        for network, keys in SOCIAL_TAGS.items():
            for key in keys:
                if key in present and tag_dict[key].strip():
                    socials[network] = _social_url(network, tag_dict[key])
                    prov[_SOCIAL_FIELDS[network]] = Provenance(source, f"{ref}#{key}")
                    break
    opening_hours = tag_dict.get("opening_hours")
    if opening_hours:
        prov["opening_hours"] = Provenance(source, f"{ref}#opening_hours")
    if categories is None:
        categories = get_taxonomy().categorize(tag_dict)
    if categories:
        prov["categories"] = Provenance(source, ref, "taxonomy")
    return Lead(
        id=f"osm:{KIND_LETTER[kind]}{osm_id}",
        name=tag_dict.get("name", "").strip(),
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

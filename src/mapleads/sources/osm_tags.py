"""OpenStreetMap tags → `Lead`: the one mapping every OSM-based source (.pbf, index, Overpass) shares.

Each field notes the tag it came from in the lead's provenance, so a user can check any value on the map.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import NamedTuple

from mapleads.lead import ADDRESS_PARTS, Address, Lead, Provenance
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


#: "address.street", "socials.facebook", ...: a lead's provenance keys for its address parts and profiles
_ADDRESS_FIELDS = {part: f"address.{part}" for part in ADDRESS_TAGS}
_SOCIAL_FIELDS = {network: f"socials.{network}" for network in SOCIAL_TAGS}
_COUNTRY = ADDRESS_PARTS.index("country_code")


def _social_url(network: str, value: str) -> str:
    value = value.strip()
    if value.startswith(("http://", "https://")):
        return value
    if "." in value.split("/")[0]:  # "facebook.com/foo"
        return "https://" + value
    return SOCIAL_BASE[network] + value.lstrip("@")


class TagPlan(NamedTuple):
    """Which of an object's tags can fill which field, in order of precedence: the tags an object has decide it,
    so it is worked out once per key set (a file's businesses share a few thousand) instead of probing every
    contact and address key for every lead."""

    #: (address part's position in `Address`, its provenance field, the keys present for it)
    address: tuple[tuple[int, str, tuple[str, ...]], ...]
    phones: tuple[str, ...]
    websites: tuple[str, ...]
    emails: tuple[str, ...]
    #: (network, its provenance field, the keys present for it)
    socials: tuple[tuple[str, str, tuple[str, ...]], ...]


def _present(keys: tuple[str, ...], tags: Collection[str]) -> tuple[str, ...]:
    return tuple(key for key in keys if key in tags)


def _plan_of(keys: tuple[str, ...]) -> TagPlan:
    has = frozenset(keys)
    address = tuple(
        (ADDRESS_PARTS.index(part), _ADDRESS_FIELDS[part], found)
        for part, tags in ADDRESS_TAGS.items()
        if (found := _present(tags, has))
    )
    socials = tuple(
        (network, _SOCIAL_FIELDS[network], found)
        for network, tags in SOCIAL_TAGS.items()
        if (found := _present(tags, has))
    )
    return TagPlan(address, _present(PHONE_TAGS, has), _present(WEBSITE_TAGS, has), _present(EMAIL_TAGS, has), socials)


#: plans remembered, by the object's keys in their order; forgotten all at once past this many
PLAN_MEMORY = 65536
_plans: dict[tuple[str, ...], TagPlan] = {}


def tag_plan(keys: tuple[str, ...]) -> TagPlan:
    plan = _plans.get(keys)
    if plan is None:
        if len(_plans) >= PLAN_MEMORY:
            _plans.clear()
        plan = _plans[keys] = _plan_of(keys)
    return plan


def lead_from_tags(
    kind: str,
    osm_id: int,
    tags: Mapping[str, str],
    lat: float | None,
    lon: float | None,
    *,
    categories: Sequence[str] | None = None,
    snapshot_date: str | None = None,
    source: str = SOURCE,
) -> Lead:
    """A `Lead` for one OSM object; ``tags`` may be any mapping (a dict or pyosmium's TagList).

    Runs once per business on files with millions of them, hence the plan per key set (`tag_plan`) instead of
    probing every contact and address key.
    """
    tag_dict = tags if isinstance(tags, dict) else dict(tags)
    plan = tag_plan(tuple(tag_dict))
    ref = f"{kind}/{osm_id}"
    prov: dict[str, Provenance] = {"name": Provenance(source, f"{ref}#name")}
    parts: list[str | None] = [None] * len(ADDRESS_PARTS)
    for index, field, keys in plan.address:
        for key in keys:
            value = tag_dict[key]
            if value:
                parts[index] = value.strip().upper() if index == _COUNTRY else value.strip()
                prov[field] = Provenance(source, f"{ref}#{key}")
                break
    phones_raw: list[str] = []
    for key in plan.phones:
        phones_raw.extend(p for p in split_phones(tag_dict[key]) if p not in phones_raw)
        prov.setdefault("phones", Provenance(source, f"{ref}#{key}"))
    website = None
    for key in plan.websites:
        if value := tag_dict[key].strip():
            website = value
            prov["website"] = Provenance(source, f"{ref}#{key}")
            break
    emails: list[str] = []
    for key in plan.emails:
        emails.extend(e.strip() for e in tag_dict[key].split(";") if e.strip() and e.strip() not in emails)
        prov.setdefault("emails", Provenance(source, f"{ref}#{key}"))
    socials: dict[str, str] = {}
    for network, field, keys in plan.socials:
        for key in keys:
            if tag_dict[key].strip():
                socials[network] = _social_url(network, tag_dict[key])
                prov[field] = Provenance(source, f"{ref}#{key}")
                break
    opening_hours = tag_dict.get("opening_hours")
    if opening_hours:
        prov["opening_hours"] = Provenance(source, f"{ref}#opening_hours")
    if categories is None:
        categories = get_taxonomy().categorize(tag_dict)
    if categories:
        prov["categories"] = Provenance(source, ref, "taxonomy")
    # positional, in the order of Lead's fields (tests/test_osm_tags.py checks each): by keyword, making the Struct
    # cost more than a microsecond a lead, a fifth of building it
    return Lead(
        f"osm:{KIND_LETTER[kind]}{osm_id}",  # id
        tag_dict.get("name", "").strip(),  # name
        source,
        ref,  # source_id
        lat,
        lon,
        categories[0] if categories else None,  # category
        list(categories),
        tag_dict,  # tags
        Address(*parts),
        [],  # phones: E.164 forms, filled in by the normalize stage
        phones_raw,
        website,
        emails,
        socials,
        opening_hours,
        tag_dict.get("brand"),
        tag_dict.get("brand:wikidata"),
        tag_dict.get("wikidata"),
        snapshot_date,
        prov,  # provenance
    )

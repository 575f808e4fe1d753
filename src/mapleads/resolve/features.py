"""What the matcher knows about one lead: keys computed once, compared many times."""

from __future__ import annotations

from dataclasses import dataclass

from mapleads.lead import Lead
from mapleads.resolve.addresses import address_key
from mapleads.resolve.contacts import FREEMAIL_DOMAINS, email_domain
from mapleads.resolve.names import core_name_key, generic_bits, name_key
from mapleads.resolve.urls import domain_key, url_key
from mapleads.taxonomy import BUSINESS_KEYS, get_taxonomy


@dataclass(slots=True)
class MatchFeatures:
    name: str
    #: the name without generic words ("ravintola maya" -> "maya")
    core: str
    #: the generic words of the name, as a bit set
    generic: int
    #: what kind of place (taxonomy groups): different kinds are different businesses
    kinds: list[str]
    #: the exact categories (compared between records of one source, which share one taxonomy)
    categories: list[str]
    lat: float | None
    lon: float | None
    phones: list[str]
    #: the business's own web identity: website domain (or platform page) and own-domain email domains
    domains: list[str]
    #: the exact website page without scheme and www.: what chain branches do not share
    page: str | None
    address: str | None
    #: a brand's branch: shared names and domains are weaker evidence
    chain: bool
    #: the source's records this lead stands for (its own id, or the members of an earlier merge)
    records: list[str]
    source: str


def categories_of(lead: Lead) -> list[str]:
    """The lead's categories; with none, its first business tag ("amenity=bank")."""
    found = list(dict.fromkeys([*lead.categories, *([lead.category] if lead.category else [])]))
    if not found:
        tag = next((k for k in BUSINESS_KEYS if k in lead.tags), None)
        if tag:
            found.append(f"{tag}={lead.tags[tag]}")
    return found


def kinds_of(categories: list[str]) -> list[str]:
    """Taxonomy groups of the categories the taxonomy knows ("cafe" and "restaurant" are both "food"): the
    vocabulary every source shares. Other categories are compared only between records of one source."""
    known = get_taxonomy().categories
    return list(dict.fromkeys(known[c].group for c in categories if c in known))


def features_of(lead: Lead) -> MatchFeatures:
    """Features of a lead already normalised by `normalize_for_resolution`."""
    domains: list[str] = []
    website_domain = domain_key(lead.website)
    if website_domain:
        domains.append(website_domain)
    for email in lead.emails:
        domain = email_domain(email)
        if domain not in FREEMAIL_DOMAINS and domain not in domains:
            domains.append(domain)
    has_point = lead.lat is not None and lead.lon is not None
    key = name_key(lead.name)
    categories = categories_of(lead)
    return MatchFeatures(
        name=key,
        core=core_name_key(key),
        generic=generic_bits(key),
        kinds=kinds_of(categories),
        categories=categories,
        lat=lead.lat if has_point else None,
        lon=lead.lon if has_point else None,
        phones=lead.phones,
        domains=domains,
        page=url_key(lead.website),
        address=address_key(lead.address),
        chain=bool(lead.brand or lead.brand_wikidata or lead.tags.get("brand:wikidata")),
        records=list(lead.extra.get("members") or ([lead.id] if lead.id else [])),
        source=lead.source,
    )

"""Everything one page says about the business: emails, phones, social profiles, schema.org data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mapleads.enrich import emails, phones, socials, structured
from mapleads.enrich.page import Page


@dataclass(slots=True)
class PageFindings:
    emails: list[tuple[str, str]] = field(default_factory=list)  # (address, rule)
    phones: list[tuple[str, str, bool]] = field(default_factory=list)  # (e164, rule, confirmed)
    socials: list[tuple[str, str, str]] = field(default_factory=list)  # (network, url, rule)
    businesses: list[dict[str, Any]] = field(default_factory=list)
    bad_jsonld_blocks: int = 0


def analyse(page: Page, region: str | None) -> PageFindings:
    found = PageFindings()
    raw_emails: list[tuple[str, str]] = []
    for href in page.mailtos:
        raw_emails += [(a, "mailto") for a in emails.from_mailto(href)]
    for hex_text in page.cf_hex:
        decoded = emails.decode_cfemail(hex_text)
        if decoded:
            raw_emails.append((decoded, "cfemail"))

    for href in page.tels:
        e164 = phones.parse_marked_up(href, region)
        if e164:
            found.phones.append((e164, "tel", True))

    for link in page.links:
        profile = socials.profile_url(link.url)
        if profile:
            found.socials.append((*profile, "link"))

    found.businesses, found.bad_jsonld_blocks = structured.businesses_from_jsonld(page.jsonld)
    if page.has_microdata:
        found.businesses += [
            dict(b, source="microdata") for b in structured.businesses_from_microdata(page.html, page.url)
        ]
    for record in found.businesses:
        rule = record.get("source", "jsonld")
        raw_emails += [(e.removeprefix("mailto:"), rule) for e in record.get("email", [])]
        for raw in record.get("telephone", []):
            e164 = phones.parse_marked_up(raw, region)
            if e164:
                found.phones.append((e164, rule, True))
        for url in record.get("sameAs", []):
            profile = socials.profile_url(url)
            if profile:
                found.socials.append((*profile, "sameAs"))

    raw_emails += emails.candidates_in_text(page.text)  # last: marked-up addresses name the stronger rule
    seen: set[str] = set()
    for raw, rule in raw_emails:
        address = emails.clean(raw)
        if address and address not in seen:
            seen.add(address)
            found.emails.append((address, rule))

    confirmed = {p for p, _, _ in found.phones}
    found.phones += [(p, "text", False) for p in phones.in_text(page.text, region) if p not in confirmed]
    return found

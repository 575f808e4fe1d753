"""The resolve stage's normalisation of one lead: every field in the form matching compares and users read.

Extends `mapleads.normalize` (phones E.164, absolute websites) with canonical URLs, tidy emails and the
country's address form. Raw phone strings stay in `phones_raw`, so nothing a source said is lost.
"""

from __future__ import annotations

from mapleads.lead import Lead
from mapleads.resolve.addresses import normalize_address
from mapleads.resolve.contacts import normalize_email, phones_e164
from mapleads.resolve.urls import canonical_url


def lead_region(lead: Lead, default_region: str | None) -> str | None:
    return (lead.address.country_code or default_region or "").upper() or None


def normalize_for_resolution(lead: Lead, default_region: str | None = None) -> Lead:
    """Normalise `lead` in place and return it."""
    region = lead_region(lead, default_region)
    lead.phones = phones_e164([*lead.phones, *lead.phones_raw], region)
    lead.website = canonical_url(lead.website) or lead.website
    emails: list[str] = []
    for value in lead.emails:
        email = normalize_email(value)
        if email and email not in emails:
            emails.append(email)
    lead.emails = emails
    lead.name = " ".join(lead.name.split())
    lead.address = normalize_address(lead.address, default_region)
    return lead

"""The resolve stage's normalisation of one lead: every field in the form matching compares and users read.

Extends `mapleads.normalize` (phones E.164, absolute websites) with canonical URLs, tidy emails and the
country's address form. Raw phone strings stay in `phones_raw`, so nothing a source said is lost.
"""

from __future__ import annotations

from mapleads.lead import ADDRESS_PARTS, Address, Lead
from mapleads.resolve.addresses import normalize_address
from mapleads.resolve.contacts import normalize_email, phones_e164
from mapleads.resolve.urls import canonical_url

_AddressParts = tuple[str | None, ...]


def lead_region(lead: Lead, default_region: str | None) -> str | None:
    return (lead.address.country_code or default_region or "").upper() or None


class Normalizer:
    """`normalize_for_resolution` for the leads of one run: each distinct address is normalised once (a city's
    leads share streets), and a lead whose address is already normalised keeps its `Address` object."""

    def __init__(self, default_region: str | None = None) -> None:
        self.default_region = default_region
        self._addresses: dict[_AddressParts, _AddressParts] = {}

    def __call__(self, lead: Lead) -> Lead:
        """Normalise `lead` in place and return it."""
        region = lead_region(lead, self.default_region)
        lead.phones = phones_e164([*lead.phones, *lead.phones_raw], region)
        lead.website = canonical_url(lead.website) or lead.website
        emails: list[str] = []
        for value in lead.emails:
            email = normalize_email(value)
            if email and email not in emails:
                emails.append(email)
        lead.emails = emails
        name = " ".join(lead.name.split())
        if name != lead.name:
            lead.name = name
        lead.address = self._address(lead.address)
        return lead

    def _address(self, address: Address) -> Address:
        parts = tuple(getattr(address, p) for p in ADDRESS_PARTS)
        normal = self._addresses.get(parts)
        if normal is None:
            done = normalize_address(address, self.default_region)
            normal = self._addresses[parts] = tuple(getattr(done, p) for p in ADDRESS_PARTS)
        return address if normal == parts else Address(*normal)


def normalize_for_resolution(lead: Lead, default_region: str | None = None) -> Lead:
    """Normalise `lead` in place and return it."""
    return Normalizer(default_region)(lead)

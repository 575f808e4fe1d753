"""The normalize stage: phone numbers to E.164, websites to absolute URLs, names and addresses trimmed.

Raw values are kept (`phones_raw`), so nothing a source said is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from mapleads.lead import Lead
from mapleads.settings import get_settings

PHONE_SEPARATORS = (";", ",", " / ")


@lru_cache(maxsize=65536)
def to_e164(raw: str, region: str | None) -> str | None:
    """E.164 form of one phone number, or None when it cannot be parsed as a possible number."""
    import phonenumbers  # at the first number, not at every command's start: in each writer, side by side

    try:
        number = phonenumbers.parse(raw, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_PHONE_SPLIT = re.compile("|".join(map(re.escape, PHONE_SEPARATORS)))


def split_phones(value: str) -> list[str]:
    """The numbers of one tag value ("+358 9 1; +358 40 2"), trimmed, empty ones dropped."""
    return [p for p in map(str.strip, _PHONE_SPLIT.split(value)) if p]


def normalize_website(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip().split(";")[0].strip()
    if not url:
        return None
    if "://" not in url:
        url = "https://" + url.lstrip("/")
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


def normalize_lead(lead: Lead, default_region: str | None = None) -> Lead:
    region = lead.address.country_code or default_region
    if lead.phones_raw and not lead.phones:
        seen: list[str] = []
        for raw in lead.phones_raw:
            e164 = to_e164(raw, region)
            if e164 and e164 not in seen:
                seen.append(e164)
        lead.phones = seen
    lead.website = normalize_website(lead.website)
    lead.name = " ".join(lead.name.split())
    return lead


def normalize_stage(default_region: str | None = None) -> Callable[[Iterable[Lead]], Iterator[Lead]]:
    region = default_region or get_settings().default_country

    def stage(leads: Iterable[Lead]) -> Iterator[Lead]:
        for lead in leads:
            yield normalize_lead(lead, region)

    return stage

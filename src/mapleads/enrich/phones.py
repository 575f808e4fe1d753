"""Phone numbers, parsed with the lead's country as the default region.

A number the site marks up (``tel:`` link, JSON-LD ``telephone``) is confirmed; one only matched in
running text is unconfirmed: text also holds fax numbers, other firms' numbers and phone-like digit runs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

MAX_TEXT_MATCHES = 20
# Runs of digits and separators long enough to be a phone number; only these go to the (slower) matcher.
_CANDIDATE = re.compile(r"[+(]?\d[\d \t\u00a0().\-/]{4,24}\d")
_CONTEXT = 3


@lru_cache(maxsize=65536)
def parse_marked_up(raw: str, region: str | None) -> str | None:
    """E.164 of a number from a tel: link or structured data, which only needs to be a possible number."""
    raw = unquote(raw).split(";", 1)[0].split("?", 1)[0].strip()
    if not raw or sum(c.isdigit() for c in raw) < 5:
        return None
    try:
        number = phonenumbers.parse(raw, region or "ZZ")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def in_text(text: str, region: str | None) -> list[str]:
    """E.164 numbers in running text; VALID leniency rejects dates, prices and most reference codes."""
    found: list[str] = []
    for run in _CANDIDATE.finditer(text):
        if sum(c.isdigit() for c in run.group()) < 6:
            continue
        window = text[max(0, run.start() - _CONTEXT) : run.end() + _CONTEXT]
        for match in PhoneNumberMatcher(window, region or "ZZ", leniency=Leniency.VALID, max_tries=10):
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            if e164 not in found:
                found.append(e164)
        if len(found) >= MAX_TEXT_MATCHES:
            break
    return found

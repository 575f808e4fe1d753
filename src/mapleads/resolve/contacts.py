"""Phone numbers and email addresses in the one form matching and suppression compare."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mapleads.normalize import split_phones, to_e164

#: Mail providers anyone can use: an address there says nothing about the business's own domain.
FREEMAIL_DOMAINS = frozenset(
    {"gmail.com", "googlemail.com", "hotmail.com", "hotmail.fi", "outlook.com", "live.com", "msn.com",
     "yahoo.com", "ymail.com", "icloud.com", "me.com", "aol.com", "gmx.de", "gmx.net", "gmx.com", "web.de",
     "t-online.de", "mail.ru", "yandex.ru", "protonmail.com", "proton.me", "luukku.com", "suomi24.fi",
     "kolumbus.fi", "elisanet.fi", "welho.com", "saunalahti.fi", "orange.fr", "free.fr", "laposte.net",
     "libero.it", "wp.pl", "o2.pl", "seznam.cz", "telia.com", "online.no"}
)  # fmt: skip


_SEPARATORS = str.maketrans("", "", " -().\u00a0/")
_E164 = re.compile(r"\+[1-9]\d{6,14}")


def phones_e164(values: Iterable[str], region: str | None) -> list[str]:
    """Each distinct number in E.164, in order; values that are no phone number are left out.

    A number already written internationally ("+358 9 39351") is only compacted: parsing it again would
    give the same digits, and most numbers in map data are written so."""
    out: list[str] = []
    for value in values:
        for raw in split_phones(value):
            compact = raw.translate(_SEPARATORS)
            e164 = compact if _E164.fullmatch(compact) else to_e164(raw, region)
            if e164 and e164 not in out:
                out.append(e164)
    return out


def normalize_email(value: str | None) -> str | None:
    """Lower-case address without "mailto:" and surrounding noise; None without local part or domain."""
    if not value:
        return None
    email = value.strip().removeprefix("mailto:").split("?")[0].strip(" <>.,;").lower()
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain:
        return None
    return email


def email_domain(email: str) -> str:
    return email.rpartition("@")[2]

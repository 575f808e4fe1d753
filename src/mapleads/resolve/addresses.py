"""Addresses in one structured form per country: street abbreviations spelled out, postcodes formatted.

The form written to exports keeps the street's own capitalisation; `address_key` is the folded form two
renderings of the same address share ("Mannerheimint. 5 a" and "Mannerheimintie 5A").
"""

from __future__ import annotations

import re
from functools import lru_cache

from msgspec.structs import replace

from mapleads.lead import Address
from mapleads.resolve.names import fold

#: Abbreviation (folded, without its dot) -> full word, per language of the country.
#: Suffix abbreviations ("Mannerheimint.") attach to the end of a compound street name.
_WORDS: dict[str, dict[str, str]] = {
    "EN": {"st": "Street", "str": "Street", "ave": "Avenue", "av": "Avenue", "rd": "Road",
           "blvd": "Boulevard", "dr": "Drive", "ln": "Lane", "pl": "Place", "sq": "Square", "ct": "Court",
           "hwy": "Highway", "pkwy": "Parkway", "ter": "Terrace", "cres": "Crescent"},
    "FR": {"bd": "Boulevard", "boul": "Boulevard", "av": "Avenue", "r": "Rue", "pl": "Place", "rte": "Route",
           "ch": "Chemin", "imp": "Impasse", "all": "Allée", "fg": "Faubourg", "sq": "Square"},
    "ES": {"c": "Calle", "cl": "Calle", "avda": "Avenida", "av": "Avenida", "pza": "Plaza", "pl": "Plaza",
           "pº": "Paseo", "po": "Paseo", "ctra": "Carretera"},
    "IT": {"v": "Via", "p.za": "Piazza", "pza": "Piazza", "c.so": "Corso", "cso": "Corso", "v.le": "Viale",
           "vle": "Viale"},
    "NL": {"str": "straat", "ln": "laan", "pln": "plein"},
    "DE": {"str": "Straße", "pl": "Platz"},
}  # fmt: skip
_SUFFIXES: dict[str, dict[str, str]] = {
    "FI": {"k": "katu", "t": "tie", "kj": "kuja", "p": "polku"},
    "SE": {"g": "gatan", "v": "vägen", "pl": "platsen"},
    "DE": {"str": "straße", "strasse": "straße", "pl": "platz"},
    "AT": {"str": "straße", "strasse": "straße", "pl": "platz", "g": "gasse"},
    "CH": {"str": "strasse", "pl": "platz"},
    "NL": {"str": "straat"},
    "DK": {"g": "gade", "v": "vej"},
    "NO": {"g": "gate", "gt": "gate", "v": "vei", "vn": "veien"},
}
_LANGUAGE = {"GB": "EN", "US": "EN", "IE": "EN", "CA": "EN", "AU": "EN", "NZ": "EN", "FR": "FR", "BE": "FR",
             "LU": "FR", "ES": "ES", "IT": "IT", "NL": "NL", "DE": "DE", "AT": "DE"}  # fmt: skip
_POSTCODE_FORMATS: dict[str, tuple[str, str]] = {
    # country: (pattern over the postcode with spaces and dashes removed, format using its groups)
    "SE": (r"(\d{3})(\d{2})", r"\1 \2"),
    "GR": (r"(\d{3})(\d{2})", r"\1 \2"),
    "CZ": (r"(\d{3})(\d{2})", r"\1 \2"),
    "SK": (r"(\d{3})(\d{2})", r"\1 \2"),
    "NL": (r"(\d{4})([A-Z]{2})", r"\1 \2"),
    "PL": (r"(\d{2})(\d{3})", r"\1-\2"),
    "PT": (r"(\d{4})(\d{3})", r"\1-\2"),
    "GB": (r"([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})", r"\1 \2"),
    "IE": (r"([A-Z]\d[\dW])([A-Z\d]{4})", r"\1 \2"),
    "CA": (r"([A-Z]\d[A-Z])(\d[A-Z]\d)", r"\1 \2"),
    "US": (r"(\d{5})(\d{4})?", r"\1-\2"),
    "JP": (r"(\d{3})(\d{4})", r"\1-\2"),
    "BR": (r"(\d{5})(\d{3})", r"\1-\2"),
}
_COUNTRY_PREFIX = re.compile(r"^(?:[A-Z]{1,2}-)(?=\d)")  # "FI-00100", "D-10115"
_HOUSE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+")
_STREET_NUMBER = re.compile(
    r"^(?P<street>.*?[^\d\s,])[\s,]+(?P<number>\d+\s?[A-Za-z]?(?:[-–]\d+[A-Za-z]?)?)(?:\s+(?P<unit>.+))?$"
)
_ABBREV = re.compile(r"^(?P<stem>.*?)(?P<abbr>[^\W\d_]+)\.$")


def format_postcode(postcode: str | None, country: str | None) -> str | None:
    """The postcode as the country's post office writes it ("00100", "114 55", "1012 AB", "SW1A 1AA")."""
    if not postcode:
        return None
    compact = re.sub(r"[\s-]", "", _COUNTRY_PREFIX.sub("", postcode.strip().upper()))
    country = (country or "").upper()
    if country in _POSTCODE_FORMATS:
        pattern, template = _POSTCODE_FORMATS[country]
        m = re.fullmatch(pattern, compact)
        if m:
            if country == "US" and m.group(2) is None:
                return m.group(1)
            return m.expand(template)
    if compact.isdigit():
        return compact
    return " ".join(postcode.upper().split())


@lru_cache(maxsize=262_144)
def expand_street(street: str | None, country: str | None) -> str | None:
    """The street with the country's abbreviations spelled out ("Mannerheimint." -> "Mannerheimintie")."""
    if not street:
        return None
    country = (country or "").upper()
    words = _WORDS.get(_LANGUAGE.get(country, ""), {})
    suffixes = _SUFFIXES.get(country, {})
    out: list[str] = []
    tokens = street.split()
    for i, token in enumerate(tokens):
        bare = fold(token.rstrip("."))
        # "St" at the start is "Saint" in English ("St Mary's Road"): only expand after the name
        saint = _LANGUAGE.get(country) == "EN" and bare == "st" and i == 0
        if bare in words and (token.endswith(".") or len(tokens) > 1) and not saint:
            out.append(words[bare])
            continue
        m = _ABBREV.match(token)
        if m and suffixes:
            abbr = fold(m.group("abbr"))
            for n in range(len(abbr), 0, -1):
                tail = abbr[-n:]
                if tail in suffixes and len(m.group("stem")) + len(abbr) - n >= 2:
                    head = m.group("stem") + m.group("abbr")[: len(abbr) - n]
                    out.append(head + suffixes[tail])
                    break
            else:
                out.append(token)
            continue
        out.append(token)
    return " ".join(out)


def normalize_housenumber(number: str | None) -> str | None:
    """The compact upper-case form: "5 a" and "5a" -> "5A" ("5 a 3" -> "5A 3" keeps its flat number)."""
    if not number:
        return None
    text = _HOUSE.sub(" ", number.strip())
    return re.sub(r"(\d)\s+([A-Za-z])\b", r"\1\2", text).upper() if text else None


def split_street(address: Address) -> Address:
    """ "Mikonkatu 18 B 3" in the street part with no house number -> street, house number and unit."""
    if not address.street or address.housenumber:
        return address
    m = _STREET_NUMBER.match(address.street.strip())
    if not m:
        return address
    return replace(address, street=m.group("street").strip(), housenumber=m.group("number"), unit=m.group("unit"))


def parse_address(text: str, country: str | None = None) -> Address:
    """ "Mikonkatu 18, 00100 Helsinki" -> street, house number, postcode, city (what a user types)."""
    first, _, rest = text.partition(",")
    address = split_street(Address(street=first.strip() or None, country_code=country))
    post = rest.strip().split(maxsplit=1)
    if post and any(c.isdigit() for c in post[0]):
        address.postcode = post[0]
        address.city = post[1] if len(post) > 1 else None
    elif rest.strip():
        address.city = rest.strip()
    return normalize_address(address, country)


def normalize_address(address: Address, default_country: str | None = None) -> Address:
    """A copy in the country's structured form; parts that are empty stay None."""
    country = (address.country_code or default_country or "").upper() or None
    address = split_street(address)
    return replace(
        address,
        street=expand_street(" ".join(address.street.split()), country) if address.street else None,
        housenumber=normalize_housenumber(address.housenumber),
        postcode=format_postcode(address.postcode, country),
        city=" ".join(address.city.split()) if address.city else None,
        country_code=address.country_code.upper() if address.country_code else None,
    )


def address_key(address: Address) -> str | None:
    """Street and house number, folded: None unless both are known (a street alone is many businesses)."""
    if not (address.street and address.housenumber):
        return None
    return _street_key(address.street, address.housenumber)


@lru_cache(maxsize=262_144)
def _street_key(street: str, housenumber: str) -> str:
    folded = " ".join(_NON_WORD.sub(" ", fold(street)).split())
    return f"{folded} {housenumber.casefold().replace(' ', '')}"

"""Reading leads from any file a user brings: our own exports, or a lead list with the usual column names.

Our exports round-trip through `mapleads.export.read_leads`. Other files ("Company", "Telephone", "Web",
"Zip", "Latitude"...) are mapped by header aliases; their rows become leads of source "file" with ids made
from the file name and row number, and their phone numbers stay raw until normalisation.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mapleads.errors import InputError
from mapleads.export import read_leads, read_rows
from mapleads.lead import ADDRESS_PARTS, Address, Lead
from mapleads.normalize import split_phones
from mapleads.resolve.addresses import parse_address

#: our column -> header names users' files use for it (compared folded, spaces/underscores/dashes removed)
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "company", "companyname", "business", "businessname", "title", "organisation",
             "organization", "firma", "yritys", "nimi"),
    "phone": ("phone", "phones", "telephone", "tel", "phonenumber", "mobile", "puhelin", "telefon"),
    "website": ("website", "web", "url", "site", "homepage", "www", "domain", "verkkosivut"),
    "email": ("email", "emails", "mail", "emailaddress", "sahkoposti"),
    "street": ("street", "streetaddress", "address1", "katuosoite", "strasse"),
    "housenumber": ("housenumber", "number", "streetnumber", "hausnummer"),
    "postcode": ("postcode", "zip", "zipcode", "postalcode", "postinumero", "plz"),
    "city": ("city", "town", "locality", "kaupunki", "ort"),
    "country_code": ("countrycode", "country", "maa", "land"),
    "address": ("address", "fulladdress", "osoite", "adresse"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "category": ("category", "type", "industry", "kategoria"),
}  # fmt: skip
_OWN_COLUMNS = {"id", "source", "source_id"}


def _fold(header: str) -> str:
    return "".join(c for c in header.casefold() if c.isalnum())


def read_any_leads(path: str | os.PathLike[str]) -> Iterator[Lead]:
    """Leads from one of our exports, or from a user's lead list (mapped by `ALIASES`)."""
    header, rows = read_rows(path)
    if not any(h.strip() for h in header):
        raise InputError(f"{path} is empty: expected a header row (Name, Phone, Website, ...) and a row per lead")
    if set(header) >= _OWN_COLUMNS:
        yield from read_leads(path)
        return
    folded = {_fold(h): h for h in header}
    columns = {ours: next((folded[a] for a in aliases if a in folded), None) for ours, aliases in ALIASES.items()}
    if columns["name"] is None:
        raise InputError(f"{path}: no name column (looked for: Name, Company, Business, ...)")
    stem = Path(path).name
    for number, row in enumerate(rows, start=2):
        lead = _user_lead(row, columns, stem, number)
        if lead is not None:
            yield lead


def _user_lead(row: dict[str, Any], columns: dict[str, str | None], stem: str, number: int) -> Lead | None:
    def get(ours: str) -> str | None:
        header = columns[ours]
        value = row.get(header) if header else None
        text = str(value).strip() if value is not None else ""
        return text or None

    name = get("name")
    if not name:
        return None
    country = get("country_code")
    country = country.upper() if country and len(country) == 2 else None
    address = Address(
        street=get("street"),
        housenumber=get("housenumber"),
        postcode=get("postcode"),
        city=get("city"),
        country_code=country,
    )
    text = get("address") if not address.street else None
    if address.street and not address.housenumber:
        text = address.street  # "Mikonkatu 18" in a street column
        address.street = None
    if text:
        parsed = parse_address(text, country)
        address = Address(**{p: getattr(address, p) or getattr(parsed, p) for p in ADDRESS_PARTS})
    lead = Lead(
        id=f"file:{stem}:{number}",
        name=name,
        source="file",
        source_id=f"{stem}#{number}",
        lat=_coordinate(get("lat"), stem, number, limit=90.0),
        lon=_coordinate(get("lon"), stem, number),
        category=get("category"),
        address=address,
        phones_raw=split_phones(get("phone") or ""),
        website=get("website"),
        emails=[e.strip() for e in (get("email") or "").replace(",", ";").split(";") if e.strip()],
    )
    for field, ours in (("name", "name"), ("phones", "phone"), ("website", "website"), ("emails", "email")):
        if columns[ours] and getattr(lead, "phones_raw" if field == "phones" else field):
            lead.note(field, "file", f"{stem}:{columns[ours]}", "column")
    return lead


#: what spreadsheets put in an empty coordinate cell
_MISSING = {"", "-", "na", "n/a", "none", "null", "nan"}
#: "60.17", "'60.17" (Excel's text marker), "60,17", "60.17° N", "24.94 E", "-24.94"
_COORDINATE = re.compile(r"'?\s*([+-]?\d+(?:[.,]\d+)?(?:e[+-]?\d+)?)\s*°?\s*([NSEW])?", re.IGNORECASE)


def _coordinate(value: str | None, stem: str, number: int, limit: float = 180.0) -> float | None:
    if value is None or value.strip().casefold() in _MISSING:
        return None
    m = _COORDINATE.fullmatch(value.strip())
    if not m:
        raise InputError(f"{stem} row {number}: not a coordinate: {value!r}")
    degrees = float(m.group(1).replace(",", "."))
    if m.group(2) and m.group(2).upper() in "SW":
        degrees = -abs(degrees)
    if not -limit <= degrees <= limit:
        raise InputError(f"{stem} row {number}: coordinate {value!r} is out of range (-{limit:g}..{limit:g})")
    return degrees

"""Overture place rows -> `Lead`: names, categories (through categories.toml), contacts, addresses,
confidence."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlparse

from mapleads.lead import SOCIAL_HOSTS, Address, Lead
from mapleads.taxonomy import get_taxonomy

_NUMBER = re.compile(r"^\d+[a-zA-Z]?(?:[-/]\d+[a-zA-Z]?)?$")


class CategoryTable:
    """Overture category names -> our keys; exact names first, then `*_suffix` patterns."""

    def __init__(self, table: dict[str, list[str]], known: Iterable[str]) -> None:
        keys = set(known)
        self.exact: dict[str, list[str]] = {}
        self.suffixes: list[tuple[str, str]] = []
        for key, names in table.items():
            if key not in keys:
                continue
            for name in names:
                if name.startswith("*"):
                    self.suffixes.append((name[1:], key))
                else:
                    self.exact.setdefault(name, []).append(key)
        self.suffixes.sort(key=lambda item: -len(item[0]))

    def keys_for(self, name: str) -> list[str]:
        if name in self.exact:
            return self.exact[name]
        return [key for suffix, key in self.suffixes if name.endswith(suffix)][:1]

    def overture_names(self, keys: Iterable[str]) -> tuple[set[str], list[str]]:
        """Exact Overture names and suffixes that select our keys (for filtering before mapping)."""
        wanted = set(keys)
        names = {name for name, ks in self.exact.items() if wanted & set(ks)}
        return names, [suffix for suffix, key in self.suffixes if key in wanted]


@lru_cache(maxsize=1)
def category_table() -> CategoryTable:
    raw = tomllib.loads(resources.files("mapleads.sources.overture").joinpath("categories.toml").read_text("utf-8"))
    return CategoryTable(raw, get_taxonomy().categories)


def overture_categories(row: dict[str, Any]) -> list[str]:
    """Primary first, then alternates, from `categories` or the newer `taxonomy` column."""
    names: list[str] = []
    cats = row.get("categories") or {}
    tax = row.get("taxonomy") or {}
    for name in [
        cats.get("primary"),
        *(cats.get("alternate") or []),
        tax.get("primary"),
        *(tax.get("alternates") or []),
    ]:
        if name and name not in names:
            names.append(str(name))
    return names


def lead_from_row(row: dict[str, Any], lon: float, lat: float) -> Lead:
    ref = str(row["id"])
    names = row.get("names") or {}
    lead = Lead(
        id=f"overture:{ref}",
        name=str(names.get("primary") or ""),
        source="overture",
        source_id=ref,
        lat=lat,
        lon=lon,
    )
    table = category_table()
    raw_categories = overture_categories(row)
    for name in raw_categories:
        for key in table.keys_for(name):
            if key not in lead.categories:
                lead.categories.append(key)
    lead.category = lead.categories[0] if lead.categories else None

    def note(field_name: str, column: str) -> None:
        lead.note(field_name, "overture", f"{ref}#{column}", "overture")

    websites = [w for w in row.get("websites") or [] if w]
    if websites:
        lead.website = str(websites[0])
        note("website", "websites")
    lead.phones_raw = [str(p) for p in row.get("phones") or [] if p]
    if lead.phones_raw:
        note("phones", "phones")
    lead.emails = [str(e).strip().lower() for e in row.get("emails") or [] if e]
    if lead.emails:
        note("emails", "emails")
    for url in row.get("socials") or []:
        network = _network(str(url))
        if network and network not in lead.socials:
            lead.socials[network] = str(url)
            note(f"socials.{network}", "socials")
    addresses = row.get("addresses") or []
    if addresses:
        lead.address = _address(addresses[0])
        note("address", "addresses")
    brand = row.get("brand") or {}
    lead.brand = ((brand.get("names") or {}).get("primary")) or None
    lead.brand_wikidata = brand.get("wikidata") or None
    lead.extra = {
        k: v
        for k, v in {
            "confidence": row.get("confidence"),
            "overture_categories": raw_categories,
            "operating_status": row.get("operating_status"),
            "datasets": sorted({s.get("dataset") for s in row.get("sources") or [] if s and s.get("dataset")}),
        }.items()
        if v not in (None, [])
    }
    return lead


def _network(url: str) -> str | None:
    host = urlparse(url if "://" in url else f"https://{url}").hostname or ""
    host = host.removeprefix("www.").removeprefix("m.")
    for domain, network in SOCIAL_HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return network
    return None


def _address(raw: dict[str, Any]) -> Address:
    """Overture keeps street and number in one `freeform` line; split off a leading or trailing number."""
    street, number = raw.get("freeform") or None, None
    if street:
        parts = street.split()
        if len(parts) > 1 and _NUMBER.match(parts[-1]):
            street, number = " ".join(parts[:-1]), parts[-1]
        elif len(parts) > 1 and _NUMBER.match(parts[0]):
            street, number = " ".join(parts[1:]), parts[0]
    country = raw.get("country")
    return Address(
        street=street,
        housenumber=number,
        postcode=raw.get("postcode") or None,
        city=raw.get("locality") or None,
        state=raw.get("region") or None,
        country_code=str(country).upper() if country else None,
    )

"""What the matcher knows about the leads of a run: keys computed once per distinct value, kept as columns.

A million leads as a million feature objects cost more memory than the leads; as columns (lists of shared
strings, numpy arrays, multi-valued features in long form) they cost a fraction, and the matcher compares them
in bulk anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from mapleads.lead import Lead
from mapleads.resolve.addresses import address_key
from mapleads.resolve.contacts import FREEMAIL_DOMAINS, email_domain
from mapleads.resolve.names import core_name_key, generic_bits, name_key
from mapleads.resolve.urls import WebKeys
from mapleads.taxonomy import BUSINESS_KEYS, get_taxonomy


def factorize(values: Sequence[str | None] | np.ndarray) -> np.ndarray:
    """Small integer ids, equal for equal values (None gets -1); values that are ids already come back as they
    are."""
    if isinstance(values, np.ndarray):
        return values.astype(np.int64, copy=False)
    if not len(values):
        return np.empty(0, dtype=np.int64)
    codes = pa.array(values, pa.string()).dictionary_encode().indices
    ids = np.asarray(codes.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    del codes
    pa.default_memory_pool().release_unused()  # the copies of a million strings: back to the system at once
    return ids


@dataclass(slots=True)
class Multi:
    """A multi-valued feature in long form: `values[k]` belongs to lead `rows[k]`, each lead's values in order."""

    rows: np.ndarray
    #: the values, or their ids (`factorize`) where only equality matters (addresses)
    values: list[str] | np.ndarray

    def where(self, keep: np.ndarray) -> Multi:
        if isinstance(self.values, np.ndarray):
            return Multi(self.rows[keep], self.values[keep])
        return Multi(self.rows[keep], [v for v, k in zip(self.values, keep.tolist(), strict=True) if k])

    def ids(self, n: int, width: int) -> np.ndarray:
        """Each lead's first `width` values as ids (equal values, equal ids), padded with -1: agreement is then
        a vectorised comparison."""
        out = np.full((n, width), -1, dtype=np.int32)
        if not len(self.rows):
            return out
        pos = np.arange(len(self.rows)) - np.searchsorted(self.rows, self.rows, side="left")
        first = pos < width
        out[self.rows[first], pos[first]] = factorize(self.values)[first]
        return out


class MultiBuilder:
    """Builds a `Multi` lead by lead, without keeping a list per lead alive."""

    def __init__(self) -> None:
        self.lengths: list[int] = []
        self.values: list[str] = []

    def add(self, values: Sequence[str]) -> None:
        self.lengths.append(len(values))
        self.values.extend(values)

    def done(self) -> Multi:
        rows = np.repeat(np.arange(len(self.lengths), dtype=np.int32), np.asarray(self.lengths, dtype=np.int64))
        return Multi(rows, self.values)


@dataclass(slots=True)
class FeatureTable:
    """Match features of n leads, one entry per lead (row k is lead k)."""

    #: name keys, and the name keys without generic words ("ravintola maya" -> "maya")
    name: list[str]
    core: list[str]
    #: the generic words of the name, as a bit set
    generic: np.ndarray
    #: what kind of place (taxonomy groups): different kinds are different businesses
    kinds: Multi
    #: the exact categories (compared between records of one source, which share one taxonomy)
    categories: Multi
    #: NaN without a point
    lat: np.ndarray
    lon: np.ndarray
    phones: Multi
    #: the business's own web identity: website domain (or platform page) and own-domain email domains
    domains: Multi
    #: the exact website page without scheme and www.: what chain branches do not share
    page: list[str | None]
    #: the address key's id (`factorize`; -1 without one): equal ids, equal addresses
    address: np.ndarray
    #: a brand's branch: shared names and domains are weaker evidence
    chain: np.ndarray
    #: the source's records each lead stands for (its own id, or the members of an earlier merge)
    records: Multi
    source: list[str]

    def __len__(self) -> int:
        return len(self.name)


def categories_of(lead: Lead) -> list[str]:
    """The lead's categories; with none, its first business tag ("amenity=bank")."""
    found = list(dict.fromkeys([*lead.categories, *([lead.category] if lead.category else [])]))
    if not found:
        tag = next((k for k in BUSINESS_KEYS if k in lead.tags), None)
        if tag:
            found.append(f"{tag}={lead.tags[tag]}")
    return found


def kinds_of(categories: Sequence[str]) -> list[str]:
    """Taxonomy groups of the categories the taxonomy knows ("cafe" and "restaurant" are both "food"): the
    vocabulary every source shares. Other categories are compared only between records of one source."""
    known = get_taxonomy().categories
    return list(dict.fromkeys(known[c].group for c in categories if c in known))


def feature_table(leads: Sequence[Lead], web: WebKeys | None = None) -> FeatureTable:
    """Features of leads already normalised by `normalize_for_resolution`; each distinct website, name and
    category set is keyed once."""
    web = web or WebKeys()
    kinds: dict[tuple[str, ...], list[str]] = {}
    names: dict[str, tuple[str, str, int]] = {}
    n = len(leads)
    name_col: list[str] = []
    core_col: list[str] = []
    generic = np.zeros(n, dtype=np.int64)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    chain = np.zeros(n, dtype=bool)
    page: list[str | None] = []
    address_keys: list[str | None] = []
    kind_lists, category_lists, domain_lists, record_lists, phone_lists = (MultiBuilder() for _ in range(5))
    for row, lead in enumerate(leads):
        keys = names.get(lead.name)
        if keys is None:
            key = name_key(lead.name)
            keys = names[lead.name] = (key, core_name_key(key), generic_bits(key))
        name_col.append(keys[0])
        core_col.append(keys[1])
        generic[row] = keys[2]
        site = web(lead.website)
        domains = [site[0]] if site[0] else []
        for email in lead.emails:
            domain = email_domain(email)
            if domain not in FREEMAIL_DOMAINS and domain not in domains:
                domains.append(domain)
        domain_lists.add(domains)
        page.append(site[1])
        categories = categories_of(lead)
        category_lists.add(categories)
        group = kinds.get(tuple(categories))
        if group is None:
            group = kinds[tuple(categories)] = kinds_of(categories)
        kind_lists.add(group)
        if lead.lat is not None and lead.lon is not None:
            lat[row], lon[row] = lead.lat, lead.lon
        address_keys.append(address_key(lead.address))
        chain[row] = bool(lead.brand or lead.brand_wikidata or lead.tags.get("brand:wikidata"))
        record_lists.add(lead.extra.get("members") or ((lead.id,) if lead.id else ()))
        phone_lists.add(lead.phones)
    address = factorize(address_keys).astype(np.int32)
    del address_keys  # the strings: only whether two leads share one matters from here on
    return FeatureTable(
        name=name_col,
        core=core_col,
        generic=generic,
        kinds=kind_lists.done(),
        categories=category_lists.done(),
        lat=lat,
        lon=lon,
        phones=phone_lists.done(),
        domains=domain_lists.done(),
        page=page,
        address=address,
        chain=chain,
        records=record_lists.done(),
        source=[lead.source for lead in leads],
    )

"""The decision rule: which candidate pairs are the same business.

Evidence for a pair: name similarity (rapidfuzz token-sort ratio, 0-100, of the name keys or of the names
without generic words, whichever is higher: "Ravintola Maya" / "Maya"), a looser name similarity for rules
backed by contacts (token-set ratio: one name contains the other, "M/S Maria" / "Ravintolalaiva M/S Maria"),
distance in metres, and for each of
phone, web domain and street address whether both leads have one and they *agree* (share a value) or
*conflict* (both have one, none shared). Leads of different kinds (taxonomy groups, e.g. food vs
accommodation) are never the same business. Otherwise a pair is the same business when any rule holds:

0. same record: both stand for the same source record (one file's lead appears again in another file);
1. same spot: names ≥ 95 and ≤ 25 m apart, and no domain or address conflict (a changed phone number does
   not split a business);
2. near: names ≥ 85, ≤ 150 m apart (≤ 35 m for a brand's branches) and no conflict;
3. contact: loose names ≥ 70, ≤ 300 m apart, at least one agreement and no conflict;
4. two contacts: loose names ≥ 50, ≤ 500 m apart, at least two agreements (phone and domain, say), no
   conflict;
5. no point: one lead has no coordinates, names ≥ 85, an agreement and no conflict.

Two records of the *same* source are held to more: a source rarely lists one business twice, but often
lists neighbours with one name (two ATMs, two shops of a chain in one mall). For them rule 1 needs no
conflict, rule 2 the same-spot distance, rules 3 and 4 at most 100 m, and their categories (not only their
groups) must overlap.

A phone number, domain or street address that records of two or more different names use in one source
within a few kilometres belongs to an organisation or a building (a chain's central number, a city-bike
operator's page, a department store's address), not to one business: it does not agree (two different
street addresses still conflict: they are two places).
For a brand's branch (brand tags) a shared domain agrees only when the exact page agrees.
The thresholds are those the benchmark (bench/bench_resolve.py) justifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from mapleads.resolve.blocking import candidate_pairs
from mapleads.resolve.features import FeatureTable, Multi, factorize


@dataclass(frozen=True, slots=True)
class MatchRule:
    same_spot_name: float = 95.0
    same_spot_m: float = 25.0
    near_name: float = 85.0
    near_m: float = 150.0
    near_chain_m: float = 35.0
    contact_name: float = 70.0
    contact_m: float = 300.0
    two_contacts_name: float = 50.0
    max_m: float = 500.0
    no_point_name: float = 85.0
    same_source_m: float = 100.0
    #: this many records of one source sharing a phone or domain in one area make it an organisation's
    shared_by: int = 2


@dataclass(slots=True)
class Evidence:
    """Arrays over candidate pairs (i < j)."""

    i: np.ndarray
    j: np.ndarray
    dist: np.ndarray
    name: np.ndarray
    loose_name: np.ndarray
    agree: np.ndarray
    conflict: np.ndarray
    chain: np.ndarray
    kind_conflict: np.ndarray
    same_record: np.ndarray
    same_source: np.ndarray
    #: the domains or the street addresses differ: two places, whatever the names say
    place_conflict: np.ndarray


def _agree_conflict(ids: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(some value shared, both have values and none is shared) per pair; one column at a time, so millions of
    pairs need no (pairs x width) copies."""
    width = ids.shape[1]
    a = [ids[i, x] for x in range(width)]
    agree = np.zeros(len(i), dtype=bool)
    for y in range(width):
        b = ids[j, y]
        for x in range(width):
            agree |= (a[x] >= 0) & (a[x] == b)
    both = (a[0] >= 0) & (ids[j, 0] >= 0)
    return agree, both & ~agree


_AREA_DEG = 0.05  # about 5 x 3 km in Europe: "nearby" for shared contacts


def _single(values: list[str | None]) -> Multi:
    rows = [k for k, v in enumerate(values) if v]
    return Multi(np.asarray(rows, dtype=np.int64), [values[k] for k in rows])  # type: ignore[misc]


def areas(feats: FeatureTable) -> np.ndarray:
    """Each lead's source and area (a few km across; leads without a point share one) as one integer."""
    located = ~(np.isnan(feats.lat) | np.isnan(feats.lon))
    y = np.where(located, np.floor_divide(np.where(located, feats.lat, 0.0), _AREA_DEG), 0).astype(np.int64)
    x = np.where(located, np.floor_divide(np.where(located, feats.lon, 0.0), _AREA_DEG), 0).astype(np.int64)
    sources = factorize(feats.source)
    span = int(360 / _AREA_DEG) + 3
    return ((y + span) * 2 * span + (x + span)) * (int(sources.max(initial=0)) + 1) + sources


def identifying(values: Multi, area: np.ndarray, names: np.ndarray, shared_by: int) -> Multi:
    """The leads' phones, domains or addresses without those that businesses of `shared_by` or more
    different names (`names`: name-key ids) use in one source and area (see the module docstring)."""
    if not len(values.rows):
        return values
    rows = values.rows
    _, group = np.unique(factorize(values.values) * (int(area.max()) + 1) + area[rows], return_inverse=True)
    group = group.reshape(-1).astype(np.int64)
    width = int(names.max()) + 1
    distinct = np.unique(group * width + names[rows])
    per_group = np.bincount(distinct // width, minlength=int(group.max()) + 1)
    return values.where(per_group[group] < shared_by)


#: pairs compared per rapidfuzz call: its inputs are converted up front, so millions at once cost gigabytes
SIMILARITY_CHUNK = 262_144


def _similarity(strings: np.ndarray, i: np.ndarray, j: np.ndarray, scorer: Any) -> np.ndarray:
    """scorer(strings[i[k]], strings[j[k]]) for every pair k, as float32, in bounded chunks."""
    out = np.empty(len(i), dtype=np.float32)
    for start in range(0, len(i), SIMILARITY_CHUNK):
        a, b = i[start : start + SIMILARITY_CHUNK], j[start : start + SIMILARITY_CHUNK]
        out[start : start + len(a)] = cpdist(strings[a], strings[b], scorer=scorer, workers=-1)
    return out


@dataclass(slots=True)
class LeadKeys:
    """What the evidence reads of each lead, computed once: the pairs are then compared in chunks."""

    full: np.ndarray  # name keys (objects, for rapidfuzz)
    core: np.ndarray
    generic: np.ndarray
    chain: np.ndarray
    phones: np.ndarray  # (n, width) value ids, -1 padded: identifying phones only
    domains: np.ndarray
    page: np.ndarray
    own_address: np.ndarray  # identifying addresses only
    address: np.ndarray  # every address (two different ones conflict whoever uses them)
    records: np.ndarray
    sources: np.ndarray
    kinds: np.ndarray
    categories: np.ndarray


def lead_keys(feats: FeatureTable, rule: MatchRule) -> LeadKeys:
    n = len(feats)
    has_address = np.flatnonzero(feats.address >= 0)
    address = Multi(has_address, feats.address[has_address])
    area, names = areas(feats), factorize(feats.name)

    def own(values: Multi, width: int) -> np.ndarray:
        return identifying(values, area, names, rule.shared_by).ids(n, width)

    return LeadKeys(
        full=np.array(feats.name, dtype=object),
        core=np.array(feats.core, dtype=object),
        generic=feats.generic,
        chain=feats.chain,
        phones=own(feats.phones, 3),
        domains=own(feats.domains, 2),
        page=_single(feats.page).ids(n, 1),
        own_address=own(address, 1),
        address=address.ids(n, 1),
        records=feats.records.ids(n, 4),
        sources=factorize(feats.source),
        kinds=feats.kinds.ids(n, 3),
        categories=feats.categories.ids(n, 3),
    )


def evidence_for(
    feats: FeatureTable,
    i: np.ndarray,
    j: np.ndarray,
    dist: np.ndarray,
    rule: MatchRule,
    keys: LeadKeys | None = None,
) -> Evidence:
    keys = keys or lead_keys(feats, rule)
    name = np.zeros(len(i), dtype=np.float32)
    loose = np.zeros(len(i), dtype=np.float32)
    if len(i):
        name = _similarity(keys.full, i, j, fuzz.token_sort_ratio)
        core_similarity = _similarity(keys.core, i, j, fuzz.token_sort_ratio)
        # "Ravintola Maya" / "Maya" compare as "maya", but "Bar Haven" / "Hotel Haven" do not: their generic
        # words differ, and say they are different places
        gi, gj = keys.generic[i], keys.generic[j]
        compatible = ((gi & ~gj) == 0) | ((gj & ~gi) == 0)
        name = np.where(compatible, np.maximum(name, core_similarity), name)
        del core_similarity, gi, gj, compatible
        loose = np.maximum(_similarity(keys.full, i, j, fuzz.token_set_ratio), name)
    pair_chain = keys.chain[i] | keys.chain[j]
    phone_agree, phone_conflict = _agree_conflict(keys.phones, i, j)
    domain_agree, domain_conflict = _agree_conflict(keys.domains, i, j)
    page_agree, _ = _agree_conflict(keys.page, i, j)
    domain_agree &= ~pair_chain | page_agree
    addr_agree, _ = _agree_conflict(keys.own_address, i, j)
    _, addr_conflict = _agree_conflict(keys.address, i, j)
    agree = phone_agree.astype(np.int8) + domain_agree + addr_agree
    conflict = phone_conflict.astype(np.int8) + domain_conflict + addr_conflict
    same_record, _ = _agree_conflict(keys.records, i, j)
    same_source = keys.sources[i] == keys.sources[j]
    _, group_conflict = _agree_conflict(keys.kinds, i, j)
    _, category_conflict = _agree_conflict(keys.categories, i, j)
    kind_conflict = group_conflict | (same_source & category_conflict)
    return Evidence(
        i,
        j,
        dist,
        name,
        loose,
        agree,
        conflict,
        pair_chain,
        kind_conflict,
        same_record,
        same_source,
        domain_conflict | addr_conflict,
    )


def decide(ev: Evidence, rule: MatchRule) -> np.ndarray:
    """Boolean mask over the pairs of `ev`: True where the rule says "same business"."""
    d = ev.dist
    located = ~np.isnan(d)
    d = np.where(located, d, np.inf)
    clean = ev.conflict == 0
    near_m = np.where(ev.chain, rule.near_chain_m, rule.near_m)
    near_m = np.where(ev.same_source, np.minimum(near_m, rule.same_spot_m), near_m)
    spot_clean = clean | (~ev.same_source & ~ev.place_conflict)
    same_spot = (ev.name >= rule.same_spot_name) & (d <= rule.same_spot_m) & spot_clean
    near = (ev.name >= rule.near_name) & (d <= near_m) & clean
    contact_m = np.where(ev.same_source, min(rule.contact_m, rule.same_source_m), rule.contact_m)
    two_m = np.where(ev.same_source, min(rule.max_m, rule.same_source_m), rule.max_m)
    contact = (ev.loose_name >= rule.contact_name) & (d <= contact_m) & (ev.agree >= 1) & clean
    two = (ev.loose_name >= rule.two_contacts_name) & (d <= two_m) & (ev.agree >= 2) & clean
    no_point = ~located & (ev.name >= rule.no_point_name) & (ev.agree >= 1) & clean
    return ev.same_record | ((same_spot | near | contact | two | no_point) & ~ev.kind_conflict)


def strength(ev: Evidence) -> np.ndarray:
    """How sure a match is, to join the surest first: same record, then agreements, names, closeness."""
    closeness = np.where(np.isnan(ev.dist), 0.0, -ev.dist / 10.0)
    return ev.same_record * 1000.0 + ev.agree * 20.0 + ev.name + closeness


#: candidate pairs whose evidence is weighed at a time
EVIDENCE_CHUNK = 1_000_000


def matched_pairs(feats: FeatureTable, rule: MatchRule | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, strength) of every pair the rule calls the same business."""
    rule = rule or MatchRule()
    i, j, dist = candidate_pairs(feats, max_m=rule.max_m)
    keys = lead_keys(feats, rule)
    found = [(i[:0], j[:0], np.empty(0))]
    # in chunks: a dozen evidence arrays over millions of pairs at once were the run's peak memory
    for start in range(0, len(i), EVIDENCE_CHUNK):
        part = slice(start, start + EVIDENCE_CHUNK)
        ev = evidence_for(feats, i[part], j[part], dist[part], rule, keys)
        mask = decide(ev, rule)
        found.append((ev.i[mask], ev.j[mask], strength(ev)[mask]))
    mi, mj, sureness = (np.concatenate(column) for column in zip(*found, strict=True))
    return mi, mj, sureness

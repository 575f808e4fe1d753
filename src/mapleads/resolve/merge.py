"""One record from the leads of one business, with per-field provenance.

Conflict policy: members are ranked by source trust (``MergePolicy.trust``, most trusted first) and, within
a source, by freshness (``snapshot_date``); ``prefer="fresh"`` ranks by freshness first. Each field takes the
value of the best-ranked member that has one; a different value from another member is kept in
``extra["alternates"][field]`` with its source, and list fields (phones, emails, categories) are unioned in
rank order. ``provenance[field]`` names the member that won (``ref`` = its source id, then its own tag or
field).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mapleads.lead import ADDRESS_PARTS, Address, Lead, Provenance
from mapleads.resolve.addresses import address_key
from mapleads.resolve.names import name_key
from mapleads.resolve.urls import page_of, url_key

DEFAULT_TRUST = ("osm", "google", "overture", "file")
SCALAR_FIELDS: dict[str, Callable[[Any], Any]] = {
    # field -> how two values are compared (equal keys = same value, no alternate kept)
    "name": name_key,
    "category": lambda v: v,
    "website": lambda v: _page_key(v) or v,
    "opening_hours": lambda v: "".join(v.split()).casefold(),
    "brand": name_key,
    "brand_wikidata": lambda v: v,
    "wikidata": lambda v: v,
}
LIST_FIELDS = ("phones", "phones_raw", "emails", "categories")
_LEAD_FIELDS = Lead.__struct_fields__


def _page_key(url: str) -> str | None:
    """`url_key` of a website the resolver has made canonical already (parsing it again finds nothing new)."""
    return page_of(url) if url.startswith(("https://", "http://")) else url_key(url)


@dataclass(frozen=True, slots=True)
class MergePolicy:
    trust: tuple[str, ...] = DEFAULT_TRUST
    prefer: Literal["trust", "fresh"] = "trust"

    def rank(self, leads: Sequence[Lead]) -> list[Lead]:
        """Members best first: most trusted source (then freshest), or freshest (then most trusted)."""

        def trust(lead: Lead) -> int:
            source = lead.source.split("+")[0]
            return self.trust.index(source) if source in self.trust else len(self.trust)

        by_id = sorted(leads, key=lambda lead: lead.id)
        by_fresh = sorted(by_id, key=lambda lead: lead.snapshot_date or "", reverse=True)
        if self.prefer == "fresh":
            return sorted(by_fresh, key=lambda lead: lead.snapshot_date or "", reverse=True)
        return sorted(by_fresh, key=trust)


def member_id(lead: Lead) -> str:
    return lead.id or f"{lead.source}:{lead.source_id}"


def member_ids(leads: Sequence[Lead]) -> list[str]:
    """The source records behind `leads`: their ids, or the members of leads merged in an earlier run."""
    return sorted({m for lead in leads for m in (lead.extra.get("members") or [member_id(lead)])})


def merge_leads(leads: Sequence[Lead], policy: MergePolicy | None = None) -> Lead:
    """The merged record of `leads` (already normalised); a single lead comes back unchanged."""
    if len(leads) == 1:
        return leads[0]
    policy = policy or MergePolicy()
    ranked = policy.rank(leads)
    best = ranked[0]
    rule = f"merge:{policy.prefer}"
    fields = {name: getattr(best, name) for name in _LEAD_FIELDS}  # `dataclasses.replace`, without its checks
    fields.update(categories=[], phones=[], phones_raw=[], emails=[], socials={}, provenance={}, extra={})
    fields["tags"] = dict(best.tags)
    merged = Lead(**fields)
    alternates: dict[str, list[dict[str, str]]] = {}
    # fields won by one member without a provenance of their own share one record (a merged lead has a dozen)
    plain: dict[int, Provenance] = {}

    def credit(field: str, member: Lead) -> None:
        own = member.provenance.get(field)
        if own is None:
            found = plain.get(id(member))
            if found is None:
                found = plain[id(member)] = Provenance(member.source, member.source_id, rule)
            merged.provenance[field] = found
            return
        ref = own.ref if own.ref.startswith(f"{member.source_id}#") else f"{member.source_id}#{own.ref}"
        merged.provenance[field] = Provenance(member.source, ref, rule)

    for field, key in SCALAR_FIELDS.items():
        winner: Lead | None = None
        for member in ranked:
            value = getattr(member, field)
            if not value:
                continue
            if winner is None:
                winner = member
                setattr(merged, field, value)
                credit(field, member)
            elif key(value) != key(getattr(winner, field)) and not any(
                key(a["value"]) == key(value) for a in alternates.get(field, [])
            ):
                alternates.setdefault(field, []).append(_alternate(value, member))
    for field in LIST_FIELDS:
        values: list[str] = []
        for member in ranked:
            new = [v for v in getattr(member, field) if v not in values]
            if new and not values:
                credit(field, member)
            values.extend(new)
        setattr(merged, field, values)
    _merge_location(merged, ranked, credit)
    _merge_address(merged, ranked, credit, alternates)
    for member in ranked:
        for network, url in member.socials.items():
            if network not in merged.socials:
                merged.socials[network] = url
                credit(f"socials.{network}", member)
    merged.snapshot_date = max((m.snapshot_date for m in ranked if m.snapshot_date), default=None)
    for member in reversed(ranked):
        merged.extra.update({k: v for k, v in member.extra.items() if k not in _RESOLVE_KEYS})
    _carry_alternates(merged, ranked, alternates)
    merged.source = "+".join(dict.fromkeys(s for m in ranked for s in m.source.split("+")))
    members = member_ids(ranked)
    if len(members) > 1:
        merged.extra["members"] = members
    if alternates:
        merged.extra["alternates"] = alternates
    return merged


_RESOLVE_KEYS = frozenset({"members", "alternates", "score", "score_components", "first_seen", "change"})


def _carry_alternates(merged: Lead, ranked: list[Lead], alternates: dict[str, list[dict[str, Any]]]) -> None:
    """Alternates of leads merged in an earlier run stay (first, they are older), unless now chosen."""
    for member in ranked:
        for field, values in (member.extra.get("alternates") or {}).items():
            key = SCALAR_FIELDS.get(field, lambda v: v)
            current = merged.address.formatted() if field == "address" else getattr(merged, field, None)
            kept: list[dict[str, Any]] = []
            for alt in [*values, *alternates.get(field, [])]:
                chosen = bool(current) and key(alt["value"]) == key(current)
                if not chosen and all(key(a["value"]) != key(alt["value"]) for a in kept):
                    kept.append(alt)
            if kept:
                alternates[field] = kept


def _alternate(value: Any, member: Lead) -> dict[str, Any]:
    return {"value": value, "source": member.source, "ref": member_id(member)}


def _merge_location(merged: Lead, ranked: list[Lead], credit: Callable[[str, Lead], None]) -> None:
    for member in ranked:
        if member.lat is not None and member.lon is not None:
            merged.lat, merged.lon = member.lat, member.lon
            credit("location", member)
            return


def _merge_address(
    merged: Lead,
    ranked: list[Lead],
    credit: Callable[[str, Lead], None],
    alternates: dict[str, list[dict[str, Any]]],
) -> None:
    """The best-ranked full address (else the best-ranked partial one), its gaps filled from members that
    give the same street address; a different street address is kept as an alternate."""
    with_parts = [m for m in ranked if _has_parts(m.address)]
    if not with_parts:
        return
    winner = next((m for m in with_parts if m.address.is_full), with_parts[0])
    parts = [getattr(winner.address, p) for p in ADDRESS_PARTS]
    credit("address", winner)
    key = address_key(winner.address)
    seen = {key}
    for member in with_parts:
        if member is winner:
            continue
        other = address_key(member.address)
        if other is None or other == key:
            for k, value in enumerate(getattr(member.address, p) for p in ADDRESS_PARTS):
                if parts[k] is None and value is not None:
                    parts[k] = value
        elif other not in seen:
            seen.add(other)
            alternates.setdefault("address", []).append(_alternate(member.address.formatted(), member))
    merged.address = Address(*parts)


def _has_parts(address: Address) -> bool:
    return bool(
        address.street
        or address.housenumber
        or address.unit
        or address.postcode
        or address.city
        or address.state
        or address.country_code
    )

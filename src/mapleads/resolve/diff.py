"""What changed between two runs: new, changed and gone leads, matched by stable id, then by resolution.

A lead of the new file is the same as a lead of the old file when their ids are equal or when they share a
member record (a lead that has since been merged with another source keeps its place). Leads left over on both
sides (files from another tool or source, runs without a history) are matched by the resolver's own decision
rule, so a business rendered differently in the two files is a change, not one new and one gone lead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mapleads.lead import Lead
from mapleads.resolve.pairing import resolved_pairs

#: Fields compared, as a user reads them in an export.
COMPARED = ("name", "category", "phone", "website", "email", "address", "opening_hours")


@dataclass(slots=True)
class Change:
    old: Lead
    new: Lead
    fields: list[str]


@dataclass(slots=True)
class Diff:
    new: list[Lead] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    gone: list[Lead] = field(default_factory=list)
    unchanged: int = 0
    #: pairs matched by resolution rather than by id or member record
    resolved: int = 0


def _records(lead: Lead) -> list[str]:
    return [lead.id, *(lead.extra.get("members") or [])]


def _view(lead: Lead) -> dict[str, object]:
    row = lead.to_row()
    view: dict[str, object] = {f: row.get(f) for f in COMPARED}
    view["phone"] = sorted(lead.phones) or row.get("phone")
    view["email"] = sorted(e.casefold() for e in lead.emails)
    view["location"] = (
        (round(lead.lat, 4), round(lead.lon, 4)) if lead.lat is not None and lead.lon is not None else None
    )
    return view


def diff_leads(old: Iterable[Lead], new: Iterable[Lead], resolve: bool = True) -> Diff:
    """Compare two runs' leads; moves under ~10 m (4 decimals) are not changes. `resolve=False` matches by
    id and member record only."""
    by_record: dict[str, int] = {}
    old_leads = list(old)
    new_leads = list(new)
    for k, lead in enumerate(old_leads):
        for record in _records(lead):
            by_record.setdefault(record, k)
    pairs: dict[int, int] = {}  # new index -> old index
    taken: set[int] = set()
    for n, lead in enumerate(new_leads):
        previous = next((by_record[r] for r in _records(lead) if r in by_record), None)
        if previous is not None and previous not in taken:
            pairs[n] = previous
            taken.add(previous)
    result = Diff()
    if resolve:
        old_left = [k for k in range(len(old_leads)) if k not in taken]
        new_left = [n for n in range(len(new_leads)) if n not in pairs]
        for n, k in resolved_pairs([old_leads[k] for k in old_left], [new_leads[n] for n in new_left]):
            pairs[new_left[n]] = old_left[k]
            taken.add(old_left[k])
            result.resolved += 1
    for n, lead in enumerate(new_leads):
        if n not in pairs:
            result.new.append(lead)
            continue
        earlier = old_leads[pairs[n]]
        before, after = _view(earlier), _view(lead)
        changed = [f for f in after if before[f] != after[f]]
        if changed:
            result.changed.append(Change(earlier, lead, changed))
        else:
            result.unchanged += 1
    result.gone = [lead for k, lead in enumerate(old_leads) if k not in taken]
    return result

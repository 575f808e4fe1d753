"""What changed between two runs: new, changed and gone leads, matched by stable id.

A lead of the new file is the same as a lead of the old file when their ids are equal or when they share a
member record (a lead that has since been merged with another source keeps its place).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mapleads.lead import Lead

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


def diff_leads(old: Iterable[Lead], new: Iterable[Lead]) -> Diff:
    """Compare two runs' leads; moves under ~10 m (4 decimals) are not changes."""
    by_record: dict[str, Lead] = {}
    old_leads = list(old)
    for lead in old_leads:
        for record in _records(lead):
            by_record.setdefault(record, lead)
    matched: set[int] = set()
    result = Diff()
    for lead in new:
        previous = next((by_record[r] for r in _records(lead) if r in by_record), None)
        if previous is None or id(previous) in matched:
            result.new.append(lead)
            continue
        matched.add(id(previous))
        before, after = _view(previous), _view(lead)
        changed = [f for f in after if before[f] != after[f]]
        if changed:
            result.changed.append(Change(previous, lead, changed))
        else:
            result.unchanged += 1
    result.gone = [lead for lead in old_leads if id(lead) not in matched]
    return result

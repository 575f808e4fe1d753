"""Which leads of one set are the same businesses as leads of another, by the resolver's own decision rule.

Used where ids cannot tell: `mapleads diff` between files of different tools or sources, and the history when a
business comes back from a source it was never seen from.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from mapleads.lead import Lead


def resolved_pairs(old: Sequence[Lead], new: Sequence[Lead]) -> list[tuple[int, int]]:
    """(new index, old index) of leads the resolver puts in one cluster, at most one old lead per new lead.

    The leads themselves are left as they are (the resolver works on copies).
    """
    if not old or not new:
        return []
    from mapleads.resolve.resolver import resolve_leads

    copies = [_tagged(lead, f"old:{k}") for k, lead in enumerate(old)]
    copies += [_tagged(lead, f"new:{n}") for n, lead in enumerate(new)]
    pairs = []
    for lead in resolve_leads(copies, suppression=False, history=None, score=False):
        members = lead.extra.get("members") or []
        olds = sorted(int(m[4:]) for m in members if m.startswith("old:"))
        news = sorted(int(m[4:]) for m in members if m.startswith("new:"))
        pairs += list(zip(news, olds, strict=False))  # duplicates inside one set pair up in order
    return pairs


def _tagged(lead: Lead, tag: str) -> Lead:
    """A copy the resolver may normalise, whose id says which set and row it is."""
    twin = copy.deepcopy(lead)
    twin.id = tag
    twin.extra.pop("members", None)
    return twin

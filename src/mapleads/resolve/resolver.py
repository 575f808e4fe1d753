"""`resolve_leads`: one clean record per real business, from any mix of runs and sources.

normalise → match (blocking + decision rule) → cluster → merge with provenance → stable ids (history) →
suppression → score. Resolution needs every lead of the run at once, so the stage collects its input.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mapleads.lead import Lead
from mapleads.memory import paused_gc, return_freed_memory
from mapleads.resolve.clustering import cluster_labels, groups_of
from mapleads.resolve.features import feature_table
from mapleads.resolve.history import History
from mapleads.resolve.matching import MatchRule, matched_pairs
from mapleads.resolve.merge import MergePolicy, member_ids, merge_leads
from mapleads.resolve.normalize import Normalizer
from mapleads.resolve.score import Scorer
from mapleads.resolve.suppression import SuppressionList
from mapleads.resolve.urls import WebKeys
from mapleads.settings import get_settings


@dataclass(slots=True)
class ResolveStats:
    """What one resolution did, for the CLI's summary line and the web service's job report."""

    read: int = 0
    merged: int = 0
    suppressed: int = 0
    written: int = 0


def majority_country(leads: Iterable[Lead]) -> str | None:
    """The country most leads of the run name: the region for phone numbers written without one."""
    counts = Counter(lead.address.country_code.upper() for lead in leads if lead.address.country_code)
    return counts.most_common(1)[0][0] if counts else None


def resolve_leads(
    leads: Iterable[Lead],
    *,
    suppression: SuppressionList | bool | str | os.PathLike[str] | None = True,
    history: History | bool | str | os.PathLike[str] | None = None,
    score: bool | Mapping[str, float] = True,
    policy: MergePolicy | None = None,
    rule: MatchRule | None = None,
    default_region: str | None = None,
    stats: ResolveStats | None = None,
) -> list[Lead]:
    """Normalised, deduplicated, merged and scored leads, suppressed ones left out.

    suppression: a `SuppressionList`, a path to one, True for the default list (used only if it exists), or
    False/None. history: a `History`, a path, True for the default one, or None for ids without state (a
    merged lead takes its best member's id). score: True, False, or weights overriding the settings' weights.
    stats, when given, is filled in. The input leads are normalised in place (a lead that merges with none
    comes back as the same object), so pass copies to keep the originals.
    """
    return_freed_memory()  # what the caller freed before (a DuckDB query, say) need not add to our peak
    # millions of small acyclic objects: with the cyclic collector on, every few thousand allocations it rescans
    # all of them (quadratic in the batch; half the CPU time at 200 k leads)
    with paused_gc():
        return _resolve(leads, suppression, history, score, policy, rule, default_region, stats)


def _resolve(
    leads: Iterable[Lead],
    suppression: SuppressionList | bool | str | os.PathLike[str] | None,
    history: History | bool | str | os.PathLike[str] | None,
    score: bool | Mapping[str, float],
    policy: MergePolicy | None,
    rule: MatchRule | None,
    default_region: str | None,
    stats: ResolveStats | None,
) -> list[Lead]:
    stats = stats if stats is not None else ResolveStats()
    settings = get_settings()
    batch = list(leads)
    del leads  # a caller that hands its leads over (a generator) lets merged-away ones be freed while merging
    stats.read = len(batch)
    region = default_region or settings.default_country or majority_country(batch)
    normalize = Normalizer(region)
    for lead in batch:
        normalize(lead)
    del normalize
    web = WebKeys()
    i, j, sureness = matched_pairs(feature_table(batch, web), rule)
    return_freed_memory()
    policy = policy or MergePolicy(trust=tuple(settings.resolve_trust), prefer=settings.resolve_prefer)
    resolved: list[Lead] = []
    members: list[list[str]] = []
    keep_members = history is not None and history is not False
    labels = cluster_labels(len(batch), i, j, strength=sureness, sources=[lead.source for lead in batch])
    del i, j, sureness
    for group in groups_of(labels):
        group_leads = [batch[k] for k in group]
        # most leads merge with none: they come back as they are
        resolved.append(merge_leads(group_leads, policy) if len(group) > 1 else group_leads[0])
        if keep_members:
            members.append(member_ids(group_leads))
        for k in group:
            batch[k] = None  # type: ignore[call-overload]  # merged away: freed now unless the caller holds it
    del batch, labels
    stats.merged = stats.read - len(resolved)
    _with_history(history, resolved, members)
    before = len(resolved)
    resolved = _suppressed_left_out(suppression, resolved)
    stats.suppressed = before - len(resolved)
    stats.written = len(resolved)
    if score is not False:
        weights = {**settings.score_weights, **(score if isinstance(score, Mapping) else {})}
        scorer = Scorer(weights, web=web)
        for lead in resolved:
            scorer(lead)
    return resolved


def _with_history(history: Any, resolved: list[Lead], members: list[list[str]]) -> None:
    if history is None or history is False:
        return
    store = history if isinstance(history, History) else History(None if history is True else history)
    try:
        store.assign(resolved, members)
    finally:
        if store is not history:
            store.close()


def _suppressed_left_out(suppression: Any, resolved: list[Lead]) -> list[Lead]:
    if suppression is None or suppression is False:
        return resolved
    if isinstance(suppression, SuppressionList):
        return list(suppression.filter(resolved))
    if suppression is True:
        default = SuppressionList.default_path()
        if not default.is_file():
            return resolved
        suppression = default
    store = SuppressionList(suppression)
    try:
        return list(store.filter(resolved))
    finally:
        store.close()


def resolve_stage(**options: Any) -> Callable[[Iterable[Lead]], Iterator[Lead]]:
    """The pipeline's "resolve" stage; options are those of `resolve_leads`."""

    def stage(leads: Iterable[Lead]) -> Iterator[Lead]:
        yield from resolve_leads(leads, **options)

    return stage

"""From matched pairs to businesses: connected components with a one-record-per-source constraint.

A source rarely lists one business twice, so two records of one source end up in one business only when the
rule matched *them* (a node and its building, say), never through a third record that resembles both (a
Google place between two same-named OSM shops). Pairs are joined strongest first, so such a third record
joins the business it resembles most.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np


def clusters(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    *,
    strength: np.ndarray | None = None,
    sources: Sequence[str] | None = None,
) -> list[list[int]]:
    """Groups of the n leads, each in input order. Without `sources` every matched pair is joined."""
    return list(groups_of(cluster_labels(n, i, j, strength=strength, sources=sources)))


def groups_of(labels: np.ndarray) -> Iterator[list[int]]:
    """The groups of `cluster_labels`, ordered by their first lead; only groups of two or more are held in
    memory at once (most leads are alone)."""
    n = len(labels)
    sizes = np.bincount(labels, minlength=n)
    shared = np.flatnonzero(sizes[labels] > 1)
    members: dict[int, list[int]] = {}
    for k, label in zip(shared.tolist(), labels[shared].tolist(), strict=True):
        members.setdefault(label, []).append(k)
    del shared
    for k in np.flatnonzero(labels == np.arange(n)).tolist():
        yield members.pop(k) if k in members else [k]


def cluster_labels(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    *,
    strength: np.ndarray | None = None,
    sources: Sequence[str] | None = None,
) -> np.ndarray:
    """Each lead's group as the index of the group's first lead (see `clusters`)."""
    order = np.argsort(-strength, kind="stable") if strength is not None else np.arange(len(i))
    parent = np.arange(n, dtype=np.int64)
    members: dict[int, list[int]] = {}
    # matched pairs as sorted i * n + j: a million leads' pairs as a set of tuples would cost ~100 MB
    direct = np.sort(np.asarray(i, dtype=np.int64) * n + j) if sources is not None else np.empty(0, np.int64)

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    def group(r: int) -> list[int]:
        return members.get(r) or [r]

    for a, b in zip(i[order].tolist(), j[order].tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        ga, gb = group(ra), group(rb)
        if sources is not None and not _compatible(ga, gb, sources, direct, n):
            continue
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        parent[gone] = keep
        members[keep] = ga + gb
        members.pop(gone, None)
    labels = np.arange(n, dtype=np.int64)
    for keep, group_members in members.items():
        labels[group_members] = keep
    return labels


def _compatible(ga: list[int], gb: list[int], sources: Sequence[str], direct: np.ndarray, n: int) -> bool:
    """Two groups may join unless each holds a record of one source and those records were not matched."""
    by_source: dict[str, list[int]] = {}
    for x in ga:
        by_source.setdefault(sources[x], []).append(x)
    for y in gb:
        for x in by_source.get(sources[y], ()):
            key = min(x, y) * n + max(x, y)
            at = int(np.searchsorted(direct, key))
            if at == len(direct) or direct[at] != key:
                return False
    return True

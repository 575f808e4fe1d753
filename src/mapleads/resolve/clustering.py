"""From matched pairs to businesses: connected components with a one-record-per-source constraint.

A source rarely lists one business twice, so two records of one source end up in one business only when the
rule matched *them* (a node and its building, say), never through a third record that resembles both (a
Google place between two same-named OSM shops). Pairs are joined strongest first, so such a third record
joins the business it resembles most.
"""

from __future__ import annotations

from collections.abc import Sequence

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
    order = np.argsort(-strength, kind="stable") if strength is not None else np.arange(len(i))
    parent = list(range(n))
    members: dict[int, list[int]] = {}
    direct: set[tuple[int, int]] = set()
    if sources is not None:
        direct = {(a, b) for a, b in zip(i.tolist(), j.tolist(), strict=True)}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def group(r: int) -> list[int]:
        return members.get(r) or [r]

    for a, b in zip(i[order].tolist(), j[order].tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        ga, gb = group(ra), group(rb)
        if sources is not None and not _compatible(ga, gb, sources, direct):
            continue
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        parent[gone] = keep
        members[keep] = ga + gb
        members.pop(gone, None)
    groups: dict[int, list[int]] = {}
    for x in range(n):
        groups.setdefault(root(x), []).append(x)
    return list(groups.values())


def _compatible(ga: list[int], gb: list[int], sources: Sequence[str], direct: set[tuple[int, int]]) -> bool:
    """Two groups may join unless each holds a record of one source and those records were not matched."""
    by_source: dict[str, list[int]] = {}
    for x in ga:
        by_source.setdefault(sources[x], []).append(x)
    for y in gb:
        for x in by_source.get(sources[y], ()):
            if (min(x, y), max(x, y)) not in direct:
                return False
    return True

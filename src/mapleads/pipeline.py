"""Named stages over one item type, in the order every run takes: sources → normalize → enrich → resolve → export.

A stage is a function from an iterator of `Lead`s to an iterator of `Lead`s, so stages stream and compose.
Optional stages (enrich, resolve) are looked up by name and imported only when a run asks for them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from mapleads.lead import Lead

Stage = Callable[[Iterable[Lead]], Iterator[Lead]]

ORDER = ("normalize", "enrich", "resolve")
_STAGES: dict[str, str] = {
    "normalize": "mapleads.normalize:normalize_stage",
    "enrich": "mapleads.enrich:enrich_stage",
    "resolve": "mapleads.resolve:resolve_stage",
}


def register_stage(name: str, target: str) -> None:
    """Register a stage factory as "module:attribute"; the factory takes keyword options, returns a Stage."""
    _STAGES[name] = target


def build_stage(name: str, **options: Any) -> Stage:
    module, _, attr = _STAGES[name].partition(":")
    factory = getattr(importlib.import_module(module), attr)
    stage: Stage = factory(**options)
    return stage


def run(leads: Iterable[Lead], stages: dict[str, dict[str, Any]], limit: int | None = None) -> Iterator[Lead]:
    """Apply the named stages (name -> options) in pipeline order, then the limit."""
    stream: Iterable[Lead] = leads
    for name in ORDER:
        if name in stages:
            stream = build_stage(name, **stages[name])(stream)
    if limit is not None:
        stream = islice(stream, limit)
    yield from stream

"""The interface every source implements, and the registry the API picks sources from."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from mapleads.errors import MapleadsError
from mapleads.lead import Lead

if TYPE_CHECKING:
    from mapleads.areas import Area

#: progress(done, total) — units are the source's own (bytes of a file, requests, ...); total may be 0.
Progress = Callable[[int, int], None]


@dataclass(slots=True)
class Query:
    #: our taxonomy keys; None = every business
    categories: list[str] | None = None
    area: Area | None = None
    limit: int | None = None
    options: dict[str, Any] = field(default_factory=dict)


class Source(Protocol):
    name: str

    def resolve_place(self, name: str) -> Area:
        """A named place as this source knows it (file boundaries, an index, Nominatim...)."""
        ...

    def leads(self, query: Query, progress: Progress | None = None) -> Iterator[Lead]: ...


@dataclass(slots=True)
class LeadParts:
    """A query's leads as independent streams (built on iteration, in whichever process iterates), and how many
    there are in all: known before any is built."""

    streams: list[Iterator[Lead]]
    count: int


@runtime_checkable
class PartedSource(Source, Protocol):
    """A source that reads its input once and then builds the leads in parts, so a plain extraction can build
    and write them on every core (the .pbf source)."""

    def lead_parts(self, query: Query, progress: Progress | None = None, parts: int = 2) -> LeadParts: ...


SourceFactory = Callable[..., Source]
_REGISTRY: dict[str, str] = {
    "pbf": "mapleads.sources.pbf:PbfSource",
    "index": "mapleads.index.source:IndexSource",
    "overpass": "mapleads.sources.overpass:OverpassSource",
    "overture": "mapleads.sources.overture:OvertureSource",
    "google": "mapleads.sources.google:GooglePlacesSource",
}


def available_sources() -> list[str]:
    """Names of every registered source, for forms and help texts."""
    return sorted(_REGISTRY)


def register_source(name: str, target: str) -> None:
    """Register a source as "module:attribute" so it is imported only when used."""
    _REGISTRY[name] = target


def get_source(name: str, **options: Any) -> Source:
    target = _REGISTRY.get(name)
    if target is None:
        raise MapleadsError(f"unknown source '{name}'; available: {', '.join(sorted(_REGISTRY))}")
    module, _, attr = target.partition(":")
    factory: SourceFactory = getattr(importlib.import_module(module), attr)
    accepted = inspect.signature(factory).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
        unknown = sorted(set(options) - set(accepted))
        if unknown:
            raise MapleadsError(f"the {name} source does not take {', '.join(unknown)}")
    return factory(**options)

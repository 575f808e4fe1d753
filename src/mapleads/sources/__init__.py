"""Sources turn a `Query` into `Lead`s. Each lives in its own module and registers itself by name."""

from mapleads.sources.base import (
    LeadParts,
    PartedSource,
    Progress,
    Query,
    Source,
    available_sources,
    get_source,
    register_source,
)

__all__ = [
    "LeadParts",
    "PartedSource",
    "Progress",
    "Query",
    "Source",
    "available_sources",
    "get_source",
    "register_source",
]

"""Region index: a region's leads and named areas in Hilbert-sorted Parquet; queries in milliseconds."""

from typing import TYPE_CHECKING, Any

from mapleads.index.pick import auto_source, index_for, open_index, pick_index

if TYPE_CHECKING:
    from mapleads.index.reader import RegionIndex


def __getattr__(name: str) -> Any:
    """`RegionIndex` on first use: a .pbf extraction asks `auto_source` and never loads pyarrow for it."""
    if name == "RegionIndex":
        from mapleads.index.reader import RegionIndex

        return RegionIndex
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["RegionIndex", "auto_source", "index_for", "open_index", "pick_index"]

"""Region index: a region's leads and named areas in Hilbert-sorted Parquet; queries in milliseconds."""

from mapleads.index.pick import auto_source, index_for, open_index, pick_index
from mapleads.index.reader import RegionIndex

__all__ = ["RegionIndex", "auto_source", "index_for", "open_index", "pick_index"]

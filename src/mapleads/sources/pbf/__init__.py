"""The OpenStreetMap .pbf source: offline, streaming, with address completion and exact clipping."""

from mapleads.sources.pbf.source import PbfSource

__all__ = ["PbfSource"]

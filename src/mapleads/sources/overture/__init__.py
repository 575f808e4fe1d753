"""Overture Maps Places: local GeoParquet files or bbox downloads from a release, mapped to our taxonomy."""

from mapleads.sources.overture.source import OvertureSource

__all__ = ["OvertureSource"]

"""Live OpenStreetMap data through the Overpass API (named places resolved through Nominatim)."""

from mapleads.sources.overpass.source import OverpassSource

__all__ = ["OverpassSource"]

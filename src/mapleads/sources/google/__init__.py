"""Google Places API (New): tiled Text/Nearby Search under a hard budget cap, attributed to Google."""

from mapleads.sources.google.source import GooglePlacesSource

__all__ = ["GooglePlacesSource"]

"""Licence credits that every export must carry, by the source a lead came from."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

OSM = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
CREDITS: dict[str, str] = {
    "osm": OSM,
    "pbf": OSM,
    "index": OSM,
    "overpass": OSM,
    "overture": "© Overture Maps Foundation and its contributors (CDLA-Permissive-2.0 / ODbL 1.0, see "
    "https://docs.overturemaps.org/attribution/)",
    "google": "Google Maps (data from the Google Places API; see https://cloud.google.com/maps-platform/terms)",
}


@lru_cache(maxsize=64)
def credit_for(source: str) -> str:
    """Credit line for one lead's source; merged leads carry sources joined with '+'."""
    return "; ".join(dict.fromkeys(CREDITS.get(s, s) for s in source.split("+") if s))


def credits_for(sources: Iterable[str]) -> str:
    seen: dict[str, None] = {}
    for src in sources:
        for part in credit_for(src).split("; "):
            seen[part] = None
    return "; ".join(seen)

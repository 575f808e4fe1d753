"""Our category taxonomy: words people search for, mapped to OpenStreetMap tags.

Users type words ("dentist", "Zahnarzt", "hammaslääkäri"), never tags. `categories.toml` holds every
category with its OSM tag matchers and synonyms in English, German, French, Spanish and Finnish;
`exclusions.toml` is the one documented table of tag values that are not businesses (benches, parking, ...).
"""

from mapleads.taxonomy.model import (
    BUSINESS_KEYS,
    Category,
    Taxonomy,
    get_taxonomy,
)

__all__ = ["BUSINESS_KEYS", "Category", "Taxonomy", "get_taxonomy"]

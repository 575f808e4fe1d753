"""MapLeadExtractor: clean, enriched, deduplicated business leads from map data.

>>> import mapleads
>>> leads = list(mapleads.extract("dentist", path="data/demo/helsinki.osm.pbf", place="Kluuvi"))
"""

from mapleads.api import extract, resolve_area
from mapleads.errors import MapleadsError
from mapleads.lead import Address, Lead, Provenance

__all__ = ["Address", "Lead", "MapleadsError", "Provenance", "extract", "resolve_area"]
__version__ = "0.1.0"

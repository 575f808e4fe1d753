"""OSM extracts on the local disk: Geofabrik's catalogue, resumable verified downloads, the data directory."""

from mapleads.regions.catalog import Catalog, Region, load_catalog
from mapleads.regions.download import download_region
from mapleads.regions.store import LocalRegion, list_local, local_region, region_dir

__all__ = [
    "Catalog",
    "LocalRegion",
    "Region",
    "download_region",
    "list_local",
    "load_catalog",
    "local_region",
    "region_dir",
]

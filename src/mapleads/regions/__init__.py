"""OSM extracts on the local disk: Geofabrik's catalogue, resumable verified downloads, the data directory."""

from typing import Any

from mapleads.regions.catalog import Catalog, Region, load_catalog
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


def __getattr__(name: str) -> Any:
    """`download_region` is imported on first use: it brings httpx, which most commands never need."""
    if name == "download_region":
        from mapleads.regions.download import download_region

        return download_region
    raise AttributeError(name)

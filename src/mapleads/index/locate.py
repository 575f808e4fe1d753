"""Which local region a user means: a .pbf path, or a region name matched forgivingly among local regions."""

from __future__ import annotations

from pathlib import Path

from mapleads.errors import InputError
from mapleads.regions.catalog import Catalog, Region, RegionError
from mapleads.regions.store import (
    LocalRegion,
    list_local,
    local_path_for_file,
    local_region,
    pbf_snapshot_date,
)


def looks_like_file(target: str) -> bool:
    return target.lower().endswith(".pbf") or ("/" in target and Path(target).expanduser().exists())


def region_for(target: str | Path) -> LocalRegion:
    """The local region for a file path or a name; a file not seen before gets a new (unsaved) record."""
    text = str(target)
    path = Path(text).expanduser()
    if path.is_file():
        return region_for_file(path)
    if looks_like_file(text):
        raise InputError(f"file not found: {path}")
    return region_by_name(text)


def region_for_file(path: Path) -> LocalRegion:
    absolute = path.resolve()
    for region in list_local():
        if region.pbf.resolve() == absolute:
            if Path(region.file).is_absolute():  # the user's own file may have been replaced since
                region.snapshot_date = pbf_snapshot_date(absolute)
                region.size = absolute.stat().st_size
            return region
    record_path = local_path_for_file(absolute)
    known = local_region(record_path)
    stat = absolute.stat()
    snapshot = pbf_snapshot_date(absolute)  # None: the build takes the date the source puts on the leads
    region = LocalRegion(
        path=record_path,
        name=known.name if known else record_path.rsplit("/", 1)[-1],
        file=str(absolute),
        snapshot_date=snapshot,
        size=stat.st_size,
    )
    return region


def region_by_name(name: str) -> LocalRegion:
    regions = list_local()
    as_catalog = (
        Catalog([Region(id=r.path, name=r.name, parent=None, path=r.path, pbf_url=r.url or r.file) for r in regions])
        if regions
        else None
    )
    fetch = (  # local/ regions come from the user's own files, not from the download site
        "run 'mapleads index build FILE.osm.pbf' for your own file"
        if name.startswith("local/")
        else f"run 'mapleads data download {name}' first"
    )
    if as_catalog is None:
        raise RegionError(f"region '{name}' is not on this machine; {fetch}")
    try:
        found = as_catalog.find(name)
    except RegionError as exc:
        if "ambiguous" in str(exc):
            raise
        local = ", ".join(r.path for r in regions)
        raise RegionError(f"region '{name}' is not on this machine (local: {local}); {fetch}") from None
    return next(r for r in regions if r.path == found.path)

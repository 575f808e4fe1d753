"""`index build`: one streaming pass of the .pbf source over an extract, written as an index folder.

The leads come from the .pbf source itself (no second OSM parser), so an index answers exactly what a direct
extraction answers. The named areas are read by the source's place reader in a second process, overlapping
with the lead pass on a 2-core machine.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from mapleads.errors import InputError
from mapleads.index.locate import region_for
from mapleads.index.store import source_fingerprint, staging_folder
from mapleads.index.writer import LeadColumns, write_index
from mapleads.lead import Lead
from mapleads.regions.store import BOUNDARY_FILE, LocalRegion
from mapleads.sources.base import Progress, Query, get_source
from mapleads.sources.pbf.places import Place, read_places


@dataclass(slots=True)
class BuildResult:
    region: LocalRegion
    manifest: dict[str, Any]
    seconds: float
    #: where the index was written (fixed at build time, whatever MAPLEADS_DATA_DIR says later)
    index_dir: Path


def build_index(target: str | Path | LocalRegion, progress: Progress | None = None) -> BuildResult:
    """Build (or rebuild) the index of a region or .pbf file; the old one stays until the new one is whole."""
    start = time.perf_counter()
    region = target if isinstance(target, LocalRegion) else region_for(target)
    pbf = region.pbf
    if not pbf.exists():
        raise InputError(f"the extract of {region.path} ({pbf}) is missing; download it again")
    # spawn, not fork: forking a process that runs threads (progress bar, osmium readers) can deadlock
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        places: Future[tuple[list[Place], Any]] = pool.submit(read_places, pbf)
        source = get_source("pbf", path=pbf)
        # the source's byte progress is not used: reading through its progress pipe stalls (see report)
        columns = LeadColumns().extend(_counted(source.leads(Query()), progress))
        named_areas, data_box = places.result()
    if region.snapshot_date is None:
        region.snapshot_date = columns.snapshot_date or _file_date(pbf)
    meta = {
        "region": region.path,
        "name": region.name,
        "source_file": str(pbf),
        **source_fingerprint(pbf),
        "snapshot_date": region.snapshot_date,
    }
    with staging_folder(region.index_dir) as tmp:
        manifest = write_index(tmp, columns, named_areas, data_box, _coverage(region), meta)
    region.save()
    return BuildResult(region, manifest, time.perf_counter() - start, region.index_dir)


def _counted(leads: Iterator[Lead], progress: Progress | None) -> Iterator[Lead]:
    """Pass leads through, reporting how many so far (total unknown: 0)."""
    n = 0
    for n, lead in enumerate(leads, 1):
        if progress is not None and n % 2000 == 0:
            progress(n, 0)
        yield lead
    if progress is not None:
        progress(n, n)


def _file_date(pbf: Path) -> str:
    return dt.date.fromtimestamp(pbf.stat().st_mtime).isoformat()


def _coverage(region: LocalRegion) -> BaseGeometry | None:
    """The region's published boundary when we have it, else the bbox in the extract's header."""
    boundary = region.folder / BOUNDARY_FILE
    if boundary.exists():
        return shapely.from_wkb(boundary.read_bytes())
    import osmium

    reader = osmium.io.Reader(osmium.io.File(str(region.pbf), "pbf"), osmium.osm.osm_entity_bits.NOTHING)
    try:
        box = reader.header().box()
    finally:
        reader.close()
    if not box.valid():
        return None
    bl, tr = box.bottom_left, box.top_right
    return shapely.box(bl.lon, bl.lat, tr.lon, tr.lat)

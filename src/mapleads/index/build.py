"""`index build`: one streaming pass of the .pbf source over an extract, written as an index folder.

The leads come from the .pbf source itself (no second OSM parser), so an index answers exactly what a direct
extraction answers; the named areas come from the same scan (its place objects, built by the place reader's
rules), so the file is read once.
"""

from __future__ import annotations

import datetime as dt
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import shapely
from shapely.geometry.base import BaseGeometry

from mapleads.errors import InputError
from mapleads.forked import Forked, spool_file
from mapleads.index.locate import region_for
from mapleads.index.store import source_fingerprint, staging_folder
from mapleads.index.writer import ColumnParts, LeadColumns, write_index
from mapleads.memory import paused_gc
from mapleads.regions.store import BOUNDARY_FILE, LocalRegion
from mapleads.sources.base import Progress
from mapleads.sources.pbf import PbfSource
from mapleads.sources.pbf.source import WholeScan


@dataclass(slots=True)
class BuildResult:
    region: LocalRegion
    manifest: dict[str, Any]
    seconds: float
    #: where the index was written (fixed at build time, whatever MAPLEADS_DATA_DIR says later)
    index_dir: Path


#: the leads this process encodes beyond an equal half (as `Placement.first_less`, negative): the child also
#: writes its columns out (0.4 s for half a million leads) and encodes more slowly (copy-on-write faults)
FIRST_PART_MORE = -0.06


def build_index(target: str | Path | LocalRegion, progress: Progress | None = None) -> BuildResult:
    """Build (or rebuild) the index of a region or .pbf file; the old one stays until the new one is whole."""
    start = time.perf_counter()
    region = target if isinstance(target, LocalRegion) else region_for(target)
    pbf = region.pbf
    if not pbf.exists():
        raise InputError(f"the extract of {region.path} ({pbf}) is missing; download it again")
    with paused_gc():  # a million leads' columns: nothing cyclic, and every collection would walk them all
        whole = PbfSource(pbf).scan_whole(progress)
        whole.placement.first_less = FIRST_PART_MORE
        # the second half of the leads is built and encoded in a child process, on the other core, which leaves
        # its columns in a file in memory (through the result pipe it would wait for this process to read them)
        with spool_file() as spool:
            second = Forked(_encoded, whole, 1, 2, spool)
            columns = LeadColumns().extend(whole.leads(0, 2))
            handed = second.result()
            if handed is None:
                spool.seek(0)
                handed = pickle.load(spool)
            columns.absorb(handed)
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
            # the lead files are written while the places are still being built
            manifest = write_index(tmp, columns, whole.places.result, whole.data_box, _coverage(region), meta)
    region.save()
    return BuildResult(region, manifest, time.perf_counter() - start, region.index_dir)


def _encoded(whole: WholeScan, part: int, parts: int, spool: BinaryIO) -> ColumnParts | None:
    """Part `part` of the leads encoded, its columns left in `spool` (None comes back); where that file cannot
    take them (a size limit on files), they come back through the result pipe instead."""
    columns = LeadColumns().extend(whole.leads(part, parts)).parts()
    try:
        pickle.dump(columns, spool, protocol=pickle.HIGHEST_PROTOCOL)
        spool.flush()
    except OSError:
        return columns
    return None


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

"""Writing an index folder from a stream of leads and a list of named areas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from shapely.geometry.base import BaseGeometry

from mapleads.index.curve import ORDER, hilbert_keys
from mapleads.index.places import write_places
from mapleads.index.records import encode_record
from mapleads.index.store import (
    AREAS,
    COVERAGE,
    FORMAT_VERSION,
    LEADS,
    MANIFEST,
    RECORDS,
    taxonomy_fingerprint,
)
from mapleads.lead import Lead
from mapleads.regions.store import write_atomic
from mapleads.sources.pbf.places import Place

#: rows per row group of the filter columns: each group is a compact patch of the map
ROW_GROUP = 4096
#: rows per row group of the full records: only groups holding answers are decompressed
RECORD_GROUP = 256
FILTERS_SCHEMA = pa.schema(
    [
        ("seq", pa.uint32()),
        ("id", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("categories", pa.list_(pa.string())),
    ]
)
RECORDS_SCHEMA = pa.schema([("lead", pa.string())])
LEADS_SCHEMA = pa.schema([*FILTERS_SCHEMA, *RECORDS_SCHEMA])
#: records gathered and written at a time (a whole number of record row groups)
RECORD_WRITE_ROWS = 64 * RECORD_GROUP


#: `LeadColumns.parts()`: ids, lats, lons, the distinct category lists and each lead's one, encoded records,
#: snapshot date
ColumnParts = tuple[list[str], np.ndarray, np.ndarray, list[list[str]], np.ndarray, list[bytes], str | None]


class LeadColumns:
    """Leads collected column-wise while the source streams them; each record is encoded as it arrives (the
    leads are not kept: their category lists are taken as they are)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.lats: list[float] = []
        self.lons: list[float] = []
        self.categories: list[list[str]] = []
        self.blobs: list[bytes] = []
        #: the snapshot date the source stamped on the leads (the file's, or its newest object's)
        self.snapshot_date: str | None = None

    def add(self, lead: Lead) -> None:
        self.snapshot_date = self.snapshot_date or lead.snapshot_date
        self.ids.append(lead.id)
        self.lats.append(np.nan if lead.lat is None else lead.lat)
        self.lons.append(np.nan if lead.lon is None else lead.lon)
        self.categories.append(lead.categories)
        self.blobs.append(encode_record(lead))

    def extend(self, leads: Iterable[Lead]) -> LeadColumns:
        for lead in leads:
            self.add(lead)
        return self

    def parts(self) -> ColumnParts:
        """The columns as a process that encoded some of the leads hands them back: coordinates as arrays, and
        each category list once (leads share a few thousand; half a million small lists took 0.4 s to pickle and
        load, on the way to the index's end)."""
        distinct: dict[tuple[str, ...], int] = {}
        which = np.fromiter(
            (distinct.setdefault(tuple(c), len(distinct)) for c in self.categories),
            dtype=np.uint32,
            count=len(self.categories),
        )
        lists = [list(c) for c in distinct]
        lats, lons = np.asarray(self.lats, dtype=float), np.asarray(self.lons, dtype=float)
        return self.ids, lats, lons, lists, which, self.blobs, self.snapshot_date

    def absorb(self, parts: ColumnParts) -> None:
        """Append the columns another `LeadColumns` handed over with `parts()` (its leads come after ours)."""
        ids, lats, lons, lists, which, blobs, snapshot_date = parts
        self.ids += ids
        self.lats += lats.tolist()
        self.lons += lons.tolist()
        self.categories += [lists[i] for i in which.tolist()]
        self.blobs += blobs
        self.snapshot_date = self.snapshot_date or snapshot_date

    def bounds(self) -> tuple[float, float, float, float] | None:
        lons, lats = np.asarray(self.lons), np.asarray(self.lats)
        ok = ~(np.isnan(lons) | np.isnan(lats))
        if not ok.any():
            return None
        return (float(lons[ok].min()), float(lats[ok].min()), float(lons[ok].max()), float(lats[ok].max()))

    def table(self) -> pa.Table:
        """Rows in Hilbert order (points without coordinates last), `seq` keeping the source's order."""
        filters, order = self.sorted_filters()
        return filters.append_column("lead", _string_column([self.blobs[i] for i in order.tolist()]))

    def sorted_filters(self) -> tuple[pa.Table, np.ndarray]:
        """The table's columns but the records, and its order: the source positions of its rows."""
        lons, lats = np.asarray(self.lons, dtype=float), np.asarray(self.lats, dtype=float)
        bounds = self.bounds() or (0.0, 0.0, 1.0, 1.0)
        keys = hilbert_keys(lons, lats, bounds)
        keys[np.isnan(lons) | np.isnan(lats)] = np.iinfo(np.uint64).max
        order = np.argsort(keys, kind="stable")
        take = pa.array(order)
        filters = pa.table(
            {
                "seq": pa.array(order.astype(np.uint32)),
                "id": pa.array(self.ids, pa.string()).take(take),
                "lat": pa.array(lats[order], pa.float64(), from_pandas=True),
                "lon": pa.array(lons[order], pa.float64(), from_pandas=True),
                "categories": pa.array(self.categories, pa.list_(pa.string())).take(take),
            },
            schema=FILTERS_SCHEMA,
        )
        return filters, order

    def record_tables(self, order: np.ndarray) -> Iterator[pa.Table]:
        """The records in `order`, a few MB of them at a time: gathered into one buffer of 600 MB (a million
        leads), they were fresh memory for the whole run, as slow to fault in as to fill (1.7–3.4 s)."""
        for start in range(0, len(order), RECORD_WRITE_ROWS):
            picked = [self.blobs[i] for i in order[start : start + RECORD_WRITE_ROWS].tolist()]
            yield pa.table({"lead": _string_column(picked)}, schema=RECORDS_SCHEMA)


#: records per Arrow chunk of the record column: far below the 2 GiB of 32-bit string offsets
RECORD_CHUNK = 65536


def _string_column(blobs: list[bytes]) -> pa.ChunkedArray:
    """UTF-8 records as an Arrow string column built from their bytes in one copy (no str objects)."""
    chunks = []
    for start in range(0, max(len(blobs), 1), RECORD_CHUNK):
        part = blobs[start : start + RECORD_CHUNK]
        offsets = np.zeros(len(part) + 1, dtype=np.int32)
        np.cumsum(np.fromiter(map(len, part), dtype=np.int64, count=len(part)), out=offsets[1:])
        data = pa.py_buffer(b"".join(part))
        chunks.append(pa.StringArray.from_buffers(len(part), pa.py_buffer(offsets), data))
    return pa.chunked_array(chunks, pa.string())


def write_index(
    folder: Path,
    leads: LeadColumns,
    places: Callable[[], list[Place]],
    data_box: tuple[float, float, float, float] | None,
    coverage: BaseGeometry | None,
    meta: dict[str, Any],
) -> dict[str, Any]:
    """Write the three data files and, last, the manifest that makes the folder an index. `places()` is asked for
    once the lead files are written (the places may still be being built meanwhile)."""
    filters, order = leads.sorted_filters()
    pq.write_table(filters, folder / LEADS, row_group_size=ROW_GROUP, compression="zstd", write_statistics=True)
    with pq.ParquetWriter(folder / RECORDS, RECORDS_SCHEMA, compression="zstd", write_statistics=False) as records:
        for part in leads.record_tables(order):
            records.write_table(part, row_group_size=RECORD_GROUP)
    areas = write_places(folder / AREAS, places())
    bounds = leads.bounds()
    if coverage is None and bounds is not None:
        coverage = shapely.box(*bounds)
    (folder / COVERAGE).write_bytes(shapely.to_wkb(coverage) if coverage is not None else b"")
    manifest = {
        "format_version": FORMAT_VERSION,
        **meta,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "leads": filters.num_rows,
        "areas": areas,
        "data_box": list(data_box) if data_box else None,
        "row_groups": pq.ParquetFile(folder / LEADS).num_row_groups,
        "bounds": list(bounds) if bounds else None,
        "curve": f"hilbert{ORDER}",
        "taxonomy": taxonomy_fingerprint(),
    }
    write_atomic(folder / MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return manifest

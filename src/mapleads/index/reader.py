"""Answering "categories in area" from an index folder, reading only the row groups that can hold answers."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import shapely
from shapely.geometry.base import BaseGeometry

from mapleads.areas import Area
from mapleads.index.places import catalog_from
from mapleads.index.records import decode_leads
from mapleads.index.store import (
    AREAS,
    COVERAGE,
    LEADS,
    RECORDS,
    IndexFormatError,
    read_manifest,
    require_file,
)
from mapleads.lead import Lead
from mapleads.memory import paused_gc
from mapleads.sources.pbf.places import PlaceCatalog


class RegionIndex:
    """An opened index. Opening reads the manifest and row-group statistics once; queries reuse them."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.manifest = read_manifest(self.folder)
        self._file = _open_parquet(self.folder / LEADS)
        self._records = _open_parquet(self.folder / RECORDS)
        self._boxes = _row_group_boxes(self._file)
        sizes = [self._file.metadata.row_group(g).num_rows for g in range(self._file.num_row_groups)]
        self._starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    @property
    def snapshot_date(self) -> str | None:
        return self.manifest.get("snapshot_date")

    @cached_property
    def coverage(self) -> BaseGeometry | None:
        data = (self.folder / COVERAGE).read_bytes() if (self.folder / COVERAGE).exists() else b""
        geometry = shapely.from_wkb(data) if data else None
        if geometry is not None:
            shapely.prepare(geometry)
        return geometry

    def row_groups_for(self, area: Area | None) -> list[int]:
        """Row groups whose lat/lon ranges overlap the area's bounds (all of them for no area)."""
        if area is None:
            return list(range(self._file.num_row_groups))
        w, s, e, n = area.bounds
        b = self._boxes
        hit = (b[:, 0] <= e) & (b[:, 2] >= w) & (b[:, 1] <= n) & (b[:, 3] >= s)
        return np.flatnonzero(hit).tolist()

    def leads(self, categories: list[str] | None, area: Area | None, limit: int | None = None) -> Iterator[Lead]:
        """Leads in the source file's order, exactly clipped to the area."""
        groups = self.row_groups_for(area)
        if not groups:
            return
        table = self._file.read_row_groups(groups, columns=["seq", "lat", "lon", "categories"])
        positions = np.concatenate([np.arange(self._starts[g], self._starts[g + 1]) for g in groups])
        keep = np.ones(table.num_rows, dtype=bool)
        if categories is not None:
            keep &= _has_any(table.column("categories"), categories)
        if area is not None:
            lats = table.column("lat").to_numpy(zero_copy_only=False)
            lons = table.column("lon").to_numpy(zero_copy_only=False)
            candidates = np.flatnonzero(keep & ~np.isnan(lats) & ~np.isnan(lons))
            keep[:] = False
            keep[candidates[area.mask(lons[candidates], lats[candidates])]] = True
        rows = np.flatnonzero(keep)
        order = rows[np.argsort(table.column("seq").to_numpy()[rows], kind="stable")][:limit]
        with paused_gc():  # a consumer that streams the leads frees each one before the collector could see it
            answers = decode_leads(self._records_at(positions[order]))
            answers.reverse()
            while answers:
                yield answers.pop()

    def _records_at(self, positions: np.ndarray) -> list[str]:
        """Lead JSON at global row positions, decompressing only the small record groups that hold them."""
        if not len(positions):
            return []
        per_group = self._records.metadata.row_group(0).num_rows
        # the groups in order, each once (np.unique would do, but its first call imports numpy.ma: 10 ms a query)
        blocks = np.sort(positions // per_group)
        groups = blocks[np.r_[True, blocks[1:] != blocks[:-1]]]
        column = self._records.read_row_groups(groups.tolist(), columns=["lead"]).column("lead")
        # a group's first row in the concatenated read: groups are full except possibly the last one
        first = np.searchsorted(groups, positions // per_group) * per_group
        blobs: list[str] = column.take(pa.array(first + positions % per_group)).to_pylist()
        return blobs

    def all_ids(self) -> dict[str, str]:
        """id -> lead JSON of every lead, for diffs between snapshots."""
        ids = self._file.read(columns=["id"]).column("id").to_pylist()
        blobs = self._records.read(columns=["lead"]).column("lead").to_pylist()
        return dict(zip(ids, blobs, strict=True))

    @cached_property
    def places(self) -> PlaceCatalog:
        """The named areas of the indexed file, resolvable by name like the .pbf source's."""
        path = self.folder / AREAS
        require_file(path, "index file")
        return catalog_from(path, self.manifest.get("data_box"))


def _open_parquet(path: Path) -> pq.ParquetFile:
    require_file(path, "index file")
    try:
        return pq.ParquetFile(path, memory_map=True)
    except (OSError, pa.ArrowInvalid) as exc:
        raise IndexFormatError(f"the index file {path} is damaged ({exc}); rebuild it") from None


def _row_group_boxes(file: pq.ParquetFile) -> np.ndarray:
    """(west, south, east, north) per row group from the Parquet column statistics."""
    meta = file.metadata
    names = [meta.schema.column(i).name for i in range(meta.num_columns)]
    lat_i, lon_i = names.index("lat"), names.index("lon")
    boxes = np.empty((meta.num_row_groups, 4))
    for g in range(meta.num_row_groups):
        rg = meta.row_group(g)
        lat, lon = rg.column(lat_i).statistics, rg.column(lon_i).statistics
        if lat is None or lon is None or not lat.has_min_max or not lon.has_min_max:
            boxes[g] = (-np.inf, -np.inf, np.inf, np.inf)  # no statistics: never skip
        else:
            boxes[g] = (lon.min, lat.min, lon.max, lat.max)
    return boxes


def _has_any(column: pa.ChunkedArray, wanted: list[str]) -> np.ndarray:
    """Rows whose category list shares at least one key with `wanted`."""
    out = np.zeros(len(column), dtype=bool)
    offset = 0
    for chunk in column.chunks:
        flat = pc.list_flatten(chunk)
        parents = pc.list_parent_indices(chunk).to_numpy()
        hits = pc.is_in(flat, value_set=pa.array(wanted, pa.string())).to_numpy(zero_copy_only=False)
        out[offset + parents[hits]] = True
        offset += len(chunk)
    return out

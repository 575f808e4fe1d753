"""Reading Overture places GeoParquet (as `overturemaps download --type=place` writes it), clipped exactly.

The `bbox` struct column lets pyarrow skip row groups and rows outside the area before any geometry is
decoded; the WKB points that remain are tested against the exact area with `Area.mask`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import shapely

from mapleads.areas import Area
from mapleads.errors import InputError

REQUIRED = ("id", "geometry", "names")
OPTIONAL = (
    "bbox", "categories", "taxonomy", "confidence", "websites", "socials", "emails", "phones", "brand",
    "addresses", "sources", "operating_status",
)  # fmt: skip


def open_places(path: str | Path) -> ds.Dataset:
    p = Path(path)
    if not p.exists():
        raise InputError(f"Overture file not found: {p}")
    try:
        dataset = ds.dataset(p, format="parquet")
        names = set(dataset.schema.names)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{p} is not a readable GeoParquet file: {exc}") from None
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(f"{p} is not an Overture places file (no {', '.join(missing)} column)")
    return dataset


def bbox_filter(bounds: tuple[float, float, float, float]) -> ds.Expression:
    w, s, e, n = bounds
    return (
        (ds.field("bbox", "xmax") >= w)
        & (ds.field("bbox", "xmin") <= e)
        & (ds.field("bbox", "ymax") >= s)
        & (ds.field("bbox", "ymin") <= n)
    )


def read_places(
    path: str | Path, area: Area | None, min_confidence: float
) -> Iterator[tuple[dict[str, Any], float, float]]:
    """(row, lon, lat) for every place at or above `min_confidence` inside `area` (everywhere for None)."""
    dataset = open_places(path)
    names = set(dataset.schema.names)
    columns = [c for c in (*REQUIRED, *OPTIONAL) if c in names]
    condition: ds.Expression | None = None
    if "confidence" in names and min_confidence > 0:
        condition = ds.field("confidence") >= min_confidence
    if area is not None and "bbox" in names:
        box_filter = bbox_filter(area.bounds)
        condition = box_filter if condition is None else condition & box_filter
    try:
        for batch in dataset.to_batches(columns=columns, filter=condition, batch_size=16_384):
            if batch.num_rows == 0:
                continue
            points = shapely.from_wkb(np.asarray(batch.column("geometry").to_pylist(), dtype=object))
            points = shapely.point_on_surface(points)
            lons, lats = shapely.get_x(points), shapely.get_y(points)
            keep = ~np.isnan(lons)
            if area is not None:
                keep &= area.mask(np.nan_to_num(lons), np.nan_to_num(lats))
            index = np.flatnonzero(keep)
            if index.size == 0:
                continue
            rows = batch.take(pa.array(index)).to_pylist()
            for row, i in zip(rows, index, strict=True):
                yield row, float(lons[i]), float(lats[i])
    except (pa.ArrowInvalid, shapely.errors.GEOSException) as exc:
        raise InputError(f"{path} has unreadable rows: {exc}") from None

"""Hilbert-curve keys: sorting leads by them puts neighbours in the same Parquet row group.

A query for a small area then touches few row groups, whose lat/lon min/max statistics let the reader skip
every other one without decompressing it.
"""

from __future__ import annotations

import numpy as np

ORDER = 16  # 65,536 cells a side: ~15 m over Helsinki, ~20 m over a 1,000 km country


def hilbert_keys(
    lons: np.ndarray, lats: np.ndarray, bounds: tuple[float, float, float, float], order: int = ORDER
) -> np.ndarray:
    """Position of each point along the Hilbert curve over `bounds` (west, south, east, north)."""
    w, s, e, n = bounds
    side = (1 << order) - 1
    x = _scale(np.asarray(lons, dtype=float), w, e, side)
    y = _scale(np.asarray(lats, dtype=float), s, n, side)
    d = np.zeros(x.shape, dtype=np.uint64)
    full = np.uint64(side)
    step = 1 << (order - 1)
    while step > 0:
        s64 = np.uint64(step)
        rx = (x & s64) > 0
        ry = (y & s64) > 0
        d += s64 * s64 * ((np.uint64(3) * rx.astype(np.uint64)) ^ ry.astype(np.uint64))
        flip = ~ry & rx
        x = np.where(flip, full - x, x)
        y = np.where(flip, full - y, y)
        swap = ~ry
        x, y = np.where(swap, y, x), np.where(swap, x, y)
        step >>= 1
    return d


def _scale(values: np.ndarray, lo: float, hi: float, side: int) -> np.ndarray:
    span = hi - lo if hi > lo else 1.0
    cells = np.floor((np.nan_to_num(values, nan=lo) - lo) / span * side)
    return np.clip(cells, 0, side).astype(np.uint64)

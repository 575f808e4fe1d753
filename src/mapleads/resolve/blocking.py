"""Candidate pairs: only leads that share a blocking key are ever compared.

Spatial keys pair leads in the same or a neighbouring H3 cell (resolution 8, about 460 m across) that share a
name word, the first or last four letters of the name (so one typo does not hide a pair). Global keys pair
leads anywhere that share a record id, a phone number, a web domain, a street address or the whole name; a
global key shared by more than `global_cap` leads (a chain's central number or domain) pairs nothing,
because such a key says nothing about which branch a record is. The self-join runs in DuckDB, so a million
leads block in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import h3.api.basic_int as h3
import numpy as np
import pyarrow as pa

from mapleads.resolve.features import MatchFeatures

H3_RESOLUTION = 8
GLOBAL_CELL = -1
_EARTH_M_PER_DEG = 111_195.0


def blocking_keys(f: MatchFeatures) -> tuple[list[int], list[int]]:
    """(spatial keys, global keys) of one lead, as hashes."""
    spatial: list[int] = []
    if f.name:
        compact = f.name.replace(" ", "")
        spatial = [hash(("t", w)) for w in f.name.split() if len(w) >= 2]
        spatial += [hash(("p", compact[:4])), hash(("s", compact[-4:]))]
    glob = [hash(("id", r)) for r in f.records]
    glob += [hash(("ph", p)) for p in f.phones]
    glob += [hash(("d", d)) for d in f.domains]
    if f.address:
        glob.append(hash(("a", f.address)))
    if f.name:
        glob.append(hash(("n", f.name)))
    return spatial, glob


def distances_m(lat: np.ndarray, lon: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres between lead i and lead j (equirectangular: exact enough below 10 km);
    NaN where either lead has no point."""
    mean_lat = np.radians((lat[i] + lat[j]) / 2.0)
    dx = np.radians(lon[j] - lon[i]) * np.cos(mean_lat)
    dy = np.radians(lat[j] - lat[i])
    return np.sqrt(dx * dx + dy * dy) * (_EARTH_M_PER_DEG * 180.0 / np.pi)


def candidate_pairs(
    feats: Sequence[MatchFeatures], *, max_m: float, global_cap: int = 64, cell_cap: int = 2000
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, distance in m) for every candidate pair, i < j; pairs farther apart than `max_m` are dropped."""
    n = len(feats)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    idx: list[int] = []
    keys: list[int] = []
    cells: list[int] = []
    for k, f in enumerate(feats):
        spatial, glob = blocking_keys(f)
        if f.lat is not None and f.lon is not None:
            lat[k], lon[k] = f.lat, f.lon
            cell = h3.latlng_to_cell(f.lat, f.lon, H3_RESOLUTION)
            idx.extend([k] * len(spatial))
            keys.extend(spatial)
            cells.extend([cell] * len(spatial))
        idx.extend([k] * len(glob))
        keys.extend(glob)
        cells.extend([GLOBAL_CELL] * len(glob))
    if n < 2 or not idx:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    table = pa.table(
        {
            "idx": pa.array(idx, pa.int32()),
            "key": pa.array(keys, pa.int64()),
            "cell": pa.array(cells, pa.int64()),
        }
    )
    del idx, keys, cells
    unique_cells = np.unique(table.column("cell").to_numpy())
    ring_from: list[int] = []
    ring_to: list[int] = []
    for cell in unique_cells.tolist():
        around = [GLOBAL_CELL] if cell == GLOBAL_CELL else h3.grid_disk(cell, 1)
        ring_from.extend([cell] * len(around))
        ring_to.extend(around)
    ring = pa.table({"cell": pa.array(ring_from, pa.int64()), "ncell": pa.array(ring_to, pa.int64())})
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        con.register("keys_raw", table)
        con.register("ring", ring)
        pairs = con.execute(
            """
            WITH sizes AS (SELECT key, cell, count(*) AS n FROM keys_raw GROUP BY ALL),
            keys AS (
                SELECT k.idx, k.key, k.cell FROM keys_raw k JOIN sizes s USING (key, cell)
                WHERE s.n <= CASE WHEN k.cell = ? THEN ? ELSE ? END
            )
            SELECT DISTINCT a.idx AS i, b.idx AS j
            FROM keys a JOIN ring r ON r.cell = a.cell
            JOIN keys b ON b.key = a.key AND b.cell = r.ncell
            WHERE a.idx < b.idx
            """,
            [GLOBAL_CELL, global_cap, cell_cap],
        ).fetchnumpy()
    finally:
        con.close()
    i = np.asarray(pairs["i"], dtype=np.int64)
    j = np.asarray(pairs["j"], dtype=np.int64)
    dist = distances_m(lat, lon, i, j)
    keep = ~(dist > max_m)  # NaN (a lead without a point) stays: contacts may still match it
    order = np.lexsort((j[keep], i[keep]))
    return i[keep][order], j[keep][order], dist[keep][order]

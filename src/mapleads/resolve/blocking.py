"""Candidate pairs: only leads that share a blocking key are ever compared.

Spatial keys pair leads in the same or a neighbouring H3 cell (resolution 8, about 460 m across) that share a
name word, the first or last four letters of the name (so one typo does not hide a pair). Global keys pair
leads anywhere that share a record id, a phone number, a web domain, a street address or the whole name; a
global key shared by more than `global_cap` leads (a chain's central number or domain) pairs nothing,
because such a key says nothing about which branch a record is. The self-join runs in DuckDB, so a million
leads block in seconds.
"""

from __future__ import annotations

import tempfile

import duckdb
import h3.api.basic_int as h3
import numpy as np
import pyarrow as pa

from mapleads.memory import return_freed_memory
from mapleads.resolve.features import FeatureTable

H3_RESOLUTION = 8
GLOBAL_CELL = -1
_EARTH_M_PER_DEG = 111_195.0


def distances_m(lat: np.ndarray, lon: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres between lead i and lead j (equirectangular: exact enough below 10 km);
    NaN where either lead has no point."""
    mean_lat = np.radians((lat[i] + lat[j]) / 2.0)
    dx = np.radians(lon[j] - lon[i]) * np.cos(mean_lat)
    dy = np.radians(lat[j] - lat[i])
    return np.sqrt(dx * dx + dy * dy) * (_EARTH_M_PER_DEG * 180.0 / np.pi)


_KEYS_SQL = """
    CREATE TEMP TABLE keys AS
    WITH leads AS (SELECT *, replace(name, ' ', '') AS compact FROM leads_raw),
    keys_raw AS (
        SELECT idx, hash('t' || w) AS key, cell FROM (
            SELECT idx, cell, unnest(string_split(name, ' ')) AS w FROM leads WHERE cell <> $global AND name <> ''
        ) WHERE length(w) >= 2
        UNION ALL SELECT idx, hash('p' || left(compact, 4)), cell FROM leads WHERE cell <> $global AND name <> ''
        UNION ALL SELECT idx, hash('s' || right(compact, 4)), cell FROM leads WHERE cell <> $global AND name <> ''
        UNION ALL SELECT idx, hash('n' || name), $global FROM leads WHERE name <> ''
        UNION ALL SELECT idx, hash('a' || CAST(address AS VARCHAR)), $global FROM leads WHERE address IS NOT NULL
        UNION ALL SELECT idx, hash(kind, value), $global FROM contacts
    ),
    sizes AS (SELECT key, cell, count(*) AS n FROM keys_raw GROUP BY ALL)
    SELECT k.idx, k.key, k.cell FROM keys_raw k JOIN sizes s USING (key, cell)
    WHERE s.n <= CASE WHEN k.cell = $global THEN $global_cap ELSE $cell_cap END
"""
#: The pairs whose first lead is in one part (idx % parts): every pair falls in exactly one part, so each
#: part's DISTINCT is exact and the join's working memory is a part's, not the whole run's.
_PAIRS_SQL = """
    -- one side spread over its cell's ring first: joined on (key, cell) at once, so the optimiser cannot join
    -- on the key alone (a common name word in every copy of a city) and filter by cell afterwards
    WITH around AS MATERIALIZED (
        SELECT k.idx, k.key, r.ncell AS cell FROM keys k JOIN ring r ON r.cell = k.cell WHERE k.idx % $parts = $part
    )
    SELECT DISTINCT a.idx AS i, b.idx AS j
    FROM around a JOIN keys b ON b.key = a.key AND b.cell = a.cell
    WHERE a.idx < b.idx
"""
PART_SIZE = 100_000
MEMORY_LIMIT = "128MB"


def candidate_pairs(
    feats: FeatureTable, *, max_m: float, global_cap: int = 64, cell_cap: int = 2000
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, distance in m) for every candidate pair, i < j; pairs farther apart than `max_m` are dropped."""
    n = len(feats)
    lat, lon = feats.lat, feats.lon
    if n < 2:
        empty = np.empty(0, dtype=np.int32)
        return empty, empty, np.empty(0, dtype=np.float32)
    cells = np.fromiter(
        (
            GLOBAL_CELL if y != y or x != x else h3.latlng_to_cell(y, x, H3_RESOLUTION)
            for y, x in zip(lat.tolist(), lon.tolist(), strict=True)
        ),
        dtype=np.int64,
        count=n,
    )  # an array, not a list of a million int objects alive through the join
    table = pa.table(
        {
            "idx": pa.array(np.arange(n, dtype=np.int32)),
            "cell": pa.array(cells, pa.int64()),
            "name": pa.array(feats.name, pa.string()),
            "address": pa.array(feats.address, pa.int32(), mask=feats.address < 0),
        }
    )
    kinds = (feats.records, feats.phones, feats.domains)  # kind 0, 1, 2
    # built column by column: a list of every contact value first would be millions of references more
    contacts = pa.table(
        {
            "idx": pa.array(np.concatenate([m.rows for m in kinds]).astype(np.int32)),
            "kind": pa.array(np.repeat(np.arange(len(kinds), dtype=np.int8), [len(m.rows) for m in kinds])),
            "value": pa.concat_arrays([pa.array(m.values, pa.string()) for m in kinds]),
        }
    )
    ring_from: list[int] = []
    ring_to: list[int] = []
    for cell in np.unique(cells).tolist():
        around = [GLOBAL_CELL] if cell == GLOBAL_CELL else h3.grid_disk(cell, 1)
        ring_from.extend([cell] * len(around))
        ring_to.extend(around)
    ring_from.append(GLOBAL_CELL)
    ring_to.append(GLOBAL_CELL)
    ring = pa.table({"cell": pa.array(ring_from, pa.int64()), "ncell": pa.array(ring_to, pa.int64())})
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    con = duckdb.connect()
    spill = tempfile.TemporaryDirectory(prefix="mapleads-blocking-")
    try:
        con.execute("SET preserve_insertion_order = false")
        # the leads are in memory already: DuckDB's hash tables get a bounded share, and spill beyond it
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute("SET temp_directory = ?", [spill.name])
        con.execute("SET allocator_flush_threshold = '32MB'")  # give each part's memory back when it is done
        con.register("leads_raw", table)
        con.register("ring", ring)
        con.register("contacts", contacts)
        con.execute(_KEYS_SQL, {"global": GLOBAL_CELL, "global_cap": global_cap, "cell_cap": cell_cap})
        con.unregister("leads_raw")
        con.unregister("contacts")
        del table, contacts
        pa.default_memory_pool().release_unused()  # the inputs are in DuckDB now: their Arrow copies go
        parts = -(-n // PART_SIZE)
        for part in range(parts):
            pairs = con.execute(_PAIRS_SQL, {"parts": parts, "part": part}).fetchnumpy()
            i = np.asarray(pairs["i"], dtype=np.int64)
            j = np.asarray(pairs["j"], dtype=np.int64)
            del pairs
            dist = distances_m(lat, lon, i, j)
            keep = ~(dist > max_m)  # NaN (a lead without a point) stays: contacts may still match it
            # 32-bit: a million leads make millions of pairs, and every later stage holds a few columns of them
            found.append((i[keep].astype(np.int32), j[keep].astype(np.int32), dist[keep].astype(np.float32)))
    finally:
        con.close()
        spill.cleanup()
        return_freed_memory()  # DuckDB's hash tables: the evidence stage that follows peaks on top of them
    i, j, dist = (np.concatenate(column) for column in zip(*found, strict=True))
    del found
    order = np.lexsort((j, i))
    return i[order], j[order], dist[order]

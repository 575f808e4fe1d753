"""Region index benchmark: build time vs plain .pbf extraction, index size, and query latency vs the .pbf.

Usage: .venv/bin/python bench/run.py index      (or: .venv/bin/python bench/bench_index.py)

Inputs are tiled from the Helsinki demo with bench/tile_pbf.py and kept in bench/.work between runs:
  big       110 copies (≈51 MB, the reference file of the .pbf benchmark)
  million   770 copies (≈360 MB, ≈1 M leads: the size of the p95 target)
  country   412 copies with POI_EVERY=10 (≈10 M nodes, 1/10 of the business density)
For each: the plain extraction of every lead (the anchor), the index build (which runs that same extraction),
the index size, then ≥ 200 random category × area queries answered from the index (p50/p95) and the first few
of them by a direct .pbf extraction, whose lead ids must be identical.
Extraction and build alternate BENCH_INDEX_REPS times (default 3; one run of either moves by ±20 % on a shared
machine), each in a process of its own as each command runs, and the medians are compared.
BENCH_INDEX_FILES=big,country limits the files; BENCH_INDEX_PBF_QUERIES sets how many queries also run on the
.pbf (default 5, 2 on the million file where each takes about a minute).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import tiled
from mapleads.forked import Forked

REPS = int(os.environ.get("BENCH_INDEX_REPS", "3"))

#: name: (copies, columns, POI_EVERY), queries also run on the .pbf by default
FILES = {
    "big": ((110, 11, 1), 5),
    "million": ((770, 28, 1), 2),
    "country": ((412, 21, 10), 5),
}
QUERIES = 200


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def random_queries(index, n: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """Category × area pairs: categories present in the data, areas of 300 m–3 km around real leads."""
    from mapleads.areas import area_from_bbox, area_from_radius

    rng = random.Random(seed)
    table = index._file.read(columns=["lat", "lon", "categories"])
    lats, lons = table.column("lat").to_pylist(), table.column("lon").to_pylist()
    cats = sorted({c for row in table.column("categories").to_pylist() for c in row})
    queries = []
    for i in range(n):
        k = rng.randrange(len(lats))
        lat, lon = lats[k], lons[k]
        chosen = None if i % 10 == 0 else rng.sample(cats, rng.choice((1, 1, 1, 2)))
        if i % 3 == 0:
            area = area_from_radius(f"{lat},{lon}", f"{rng.uniform(300, 1500):.0f}m")
        else:
            half = rng.uniform(0.0015, 0.015)  # 300 m .. 3 km across
            area = area_from_bbox(f"{lon - half * 2},{lat - half},{lon + half * 2},{lat + half}")
        queries.append((chosen, area))
    return queries


def measure_queries(index, pbf: Path | None, pbf_queries: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Latency of QUERIES random queries on the index; the first `pbf_queries` also on the .pbf (same ids?)."""
    from mapleads.sources.base import Query
    from mapleads.sources.pbf import PbfSource

    queries = random_queries(index, QUERIES)
    latencies, found = [], []
    for cats, area in queries:
        t = time.perf_counter()
        ids = [lead.id for lead in index.leads(cats, area)]
        latencies.append((time.perf_counter() - t) * 1000)
        found.append(ids)
    pbf_ms, same = [], True
    for (cats, area), ids in list(zip(queries, found, strict=True))[: pbf_queries if pbf else 0]:
        t = time.perf_counter()
        direct = [lead.id for lead in PbfSource(pbf).leads(Query(categories=cats, area=area))]
        pbf_ms.append((time.perf_counter() - t) * 1000)
        same &= direct == ids
    by_category = [ms for ms, (cats, _) in zip(latencies, queries, strict=True) if cats is not None]
    return {
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "cat_p95": percentile(by_category, 95),
        "mean_hits": statistics.mean(len(f) for f in found),
        "pbf_p50": percentile(pbf_ms, 50) if pbf_ms else float("nan"),
        "same": same if pbf_ms else "-",
        "pbf_n": len(pbf_ms),
    }


def timed_extraction(path: Path) -> float:
    """Every lead of the file from a plain extraction (the anchor), in seconds."""
    from mapleads.sources.base import Query
    from mapleads.sources.pbf import PbfSource

    t0 = time.perf_counter()
    sum(1 for _ in PbfSource(path).leads(Query()))
    return time.perf_counter() - t0


def timed_build(path: Path) -> tuple[float, int, Path]:
    """The file's index built (replacing the last one): seconds, leads, where it is."""
    from mapleads.index.build import build_index

    built = build_index(path)
    return built.seconds, int(built.manifest["leads"]), built.index_dir


def bench_file(name: str, pbf_queries: int) -> dict[str, object]:
    from mapleads.index.reader import RegionIndex
    from mapleads.regions.store import folder_size
    from mapleads.settings import get_settings

    path = tiled(*FILES[name][0])
    data = Path(tempfile.mkdtemp(prefix="bench-index-"))
    os.environ["MAPLEADS_DATA_DIR"] = str(data)
    get_settings.cache_clear()
    raws, builds = [], []
    try:
        for rep in range(REPS):  # interleaved, so both see the same machine load; each rebuild replaces the index
            # each run in a process of its own, as each command runs: after an extraction and a build in the same
            # process, the next build's lead building took 9.3 s instead of 5.2 (its heap, and the forks made from
            # it), the extraction's 5 % more
            raws.append(Forked(timed_extraction, path).result())
            seconds, leads, index_dir = Forked(timed_build, path).result()
            builds.append(seconds)
            print(f"  rep {rep + 1}: extraction {raws[-1]:.1f} s, build {builds[-1]:.1f} s", flush=True)
        raw, build = statistics.median(raws), statistics.median(builds)
        return {
            "file": f"{name} ({path.stat().st_size / 1e6:.0f} MB)",
            "leads": leads,
            "extract_s": raw,
            "build_s": build,
            "ratio": build / raw,
            "index_mb": folder_size(index_dir) / 1e6,
            **measure_queries(RegionIndex(index_dir), path, pbf_queries),
        }
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main() -> int:
    wanted = os.environ.get("BENCH_INDEX_FILES", ",".join(FILES)).split(",")
    rows = []
    for name in (n.strip() for n in wanted):
        print(f"--- {name}", flush=True)
        pbf_queries = int(os.environ.get("BENCH_INDEX_PBF_QUERIES", FILES[name][1]))
        # each file in a process of its own, as each command runs: in one process the big file's runs left the
        # million file's builds 10-20 % slower (its heap and the forks made from it)
        row = Forked(bench_file, name, pbf_queries).result()
        print(row, flush=True)
        rows.append(row)
    print(
        f"\n{'file':<22} {'leads':>9} {'extract s':>9} {'build s':>8} {'build/extract':>13} {'index MB':>8} "
        f"{'index p50 ms':>12} {'index p95 ms':>12} {'p95 w/ category':>15} {'hits':>6} {'pbf p50 ms':>10} "
        f"{'speed-up':>9} same ids"
    )
    for r in rows:
        print(
            f"{r['file']:<22} {r['leads']:>9,} {r['extract_s']:>9.1f} {r['build_s']:>8.1f} "
            f"{r['ratio']:>12.2f}x "
            f"{r['index_mb']:>8.1f} {r['p50']:>12.1f} {r['p95']:>12.1f} {r['cat_p95']:>15.1f} {r['mean_hits']:>6.0f} "
            f"{r['pbf_p50']:>10.0f} {r['pbf_p50'] / r['p50']:>8.0f}x {r['same']} ({r['pbf_n']} queries)"
        )
    print(f"\n{QUERIES} random category × area queries per file (areas 300 m – 3 km around real leads); extraction and")
    print(f"build times are medians of {REPS} alternating runs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: extracting every business from the ~51 MB tiled Helsinki file, against osmium-tool.

Anchor (same file, same POI definition): `osmium tags-filter` + `osmium export` to GeoJSON sequence.
Ours: `mapleads extract all --no-resolve` to GeoJSON, with categorisation and address completion (resolution,
which osmium-tool has no counterpart for, is benchmarked on its own in bench_resolve.py).
Prints median wall time over several repetitions (after an untimed warm-up run of each), the ratio
ours / osmium-tool and both peak RSS.
"""

from __future__ import annotations

import os
import shutil
import sys

from common import PY, WORK, median, tiled, timed

REPS = int(os.environ.get("BENCH_REPS", "3"))
#: untimed runs of each command first: a first run reads the interpreter, libraries and input from disk (ours
#: 0.3-0.9 s slower than the next few in a fresh session), which a median of three still showed
WARMUP = int(os.environ.get("BENCH_WARMUP", "1"))
KEYS = "nwr/amenity,shop,office,craft,tourism,healthcare,leisure,club"


def main() -> int:
    if shutil.which("osmium") is None:
        print("osmium-tool is missing: apt-get install osmium-tool (make bench installs it)")
        return 1
    big = tiled()
    size_mb = big.stat().st_size / 1e6
    filtered, exported, ours_out = WORK / "f.osm.pbf", WORK / "f.geojsonseq", WORK / "ours.geojson"
    anchor_cmds = (
        ["osmium", "tags-filter", str(big), "-t", KEYS, "-O", "-o", str(filtered)],
        ["osmium", "export", str(filtered), "-f", "geojsonseq", "-O", "-o", str(exported)],
    )
    ours_cmd = [PY, "-m", "mapleads", "extract", "all", "--from", str(big), "-o", str(ours_out), "-q", "--no-resolve"]
    for _ in range(WARMUP):
        timed(*anchor_cmds)
        timed(ours_cmd)
    anchor_runs, our_runs = [], []
    for rep in range(REPS):  # interleaved, so both see the same machine load
        anchor_runs.append(timed(*anchor_cmds))
        our_runs.append(timed(ours_cmd))
        print(
            f"  rep {rep + 1}: osmium {anchor_runs[-1].seconds:.2f} s, ours {our_runs[-1].seconds:.2f} s",
            flush=True,
        )
    anchor, ours = median(anchor_runs), median(our_runs)
    features = exported.read_bytes().count(b"\n")
    print(f"input: {big.name} ({size_mb:.1f} MB); osmium-tool exported {features} objects")
    print(f"{'':24}{'median s':>10}{'peak RSS MB':>14}")
    print(f"{'osmium-tool (anchor)':24}{anchor.seconds:10.2f}{anchor.peak_rss_mb:14.0f}")
    print(f"{'mapleads extract all':24}{ours.seconds:10.2f}{ours.peak_rss_mb:14.0f}")
    print(
        f"ratio ours / osmium-tool: time {ours.seconds / anchor.seconds:.2f}, "
        f"peak RSS {ours.peak_rss_mb / anchor.peak_rss_mb:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

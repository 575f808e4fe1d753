"""Helpers shared by the benchmarks: timed child processes with their peak memory, and the tiled input."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
DEMO = ROOT / "data" / "demo" / "helsinki.osm.pbf"
PY = sys.executable


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float


def timed(*commands: list[str]) -> Run:
    """Run commands one after another; wall time of all, and the largest peak RSS of any (from wait4)."""
    start = time.perf_counter()
    peak = 0
    for cmd in commands:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{err}")
        peak = max(peak, usage.ru_maxrss)
    return Run(time.perf_counter() - start, peak / 1024)


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_rss_mb for r in runs))


#: bumped when bench/tile_pbf.py writes different files, so cached inputs are rebuilt (2: header bbox)
TILER_VERSION = 3


def tiled(copies: int = 110, cols: int = 11, poi_every: int = 1) -> Path:
    """The tiled benchmark file (built once with bench/tile_pbf.py, then reused)."""
    WORK.mkdir(parents=True, exist_ok=True)
    name = f"tiled-{copies}x{cols}-poi{poi_every}-v{TILER_VERSION}.osm.pbf"
    path = WORK / name
    if not path.exists():
        print(f"building {name} from the demo extract ...", flush=True)
        tmp = path.with_name(f"partial-{name}")
        subprocess.run(
            [
                PY,
                str(ROOT / "bench" / "tile_pbf.py"),
                str(DEMO),
                str(tmp),
                str(copies),
                str(cols),
                str(poi_every),
            ],
            check=True,
        )
        tmp.rename(path)
    return path

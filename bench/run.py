"""Run every benchmark (bench/bench_*.py) in turn; each prints its own table and ratio against its anchor.

Usage: .venv/bin/python bench/run.py [name ...]   e.g. `bench/run.py pbf` runs bench/bench_pbf.py only.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        runpy.run_path(str(script), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

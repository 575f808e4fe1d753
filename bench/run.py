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
    status = 0
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        sys.path.insert(0, str(HERE))
        sys.argv = [str(script)]  # each benchmark parses its own (default) arguments
        try:
            runpy.run_path(str(script), run_name="__main__")
        except SystemExit as exc:
            if exc.code not in (0, None):
                print(f"{script.stem} failed: {exc.code}")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

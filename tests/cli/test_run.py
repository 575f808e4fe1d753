"""The `mapleads` console script (`mapleads.cli:run`), as a real process: it ends without tearing down the
interpreter, yet exit handlers run, output is flushed and the exit code is the command's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import atexit, sys
from mapleads.cli import run
atexit.register(lambda: print("exit handler ran", flush=False))
{before}
sys.argv = ["mapleads", *sys.argv[1:]]
run()
"""


def _run(*args: str, before: str = "") -> subprocess.CompletedProcess[str]:
    script = SCRIPT.format(before=before)
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120)


def test_it_runs_exit_handlers_and_flushes_the_output() -> None:
    proc = _run("--version")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("mapleads ")
    assert lines[-1] == "exit handler ran"


def test_it_exits_with_the_commands_code(tmp_path: Path) -> None:
    proc = _run("extract", "cafe", "--from", str(tmp_path / "missing.osm.pbf"))
    assert proc.returncode == 1
    assert "error:" in proc.stderr
    assert proc.stdout.strip() == "exit handler ran"


def test_it_writes_complete_files(tmp_path: Path, demo_pbf: Path) -> None:
    out = tmp_path / "cafes.csv"
    proc = _run("extract", "cafe", "--from", str(demo_pbf), "-o", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0].split(",")[:2] == ["id", "name"]
    assert len(rows) > 50


def test_it_skips_releasing_the_interpreters_objects() -> None:
    before = """
class Held:
    def __del__(self):
        print("torn down")
held = Held()
"""
    proc = _run("--version", before=before)
    assert proc.returncode == 0
    assert "torn down" not in proc.stdout


def test_it_waits_for_a_thread_still_working(tmp_path: Path) -> None:
    done = tmp_path / "done"
    before = f"""
import threading, time, pathlib
def work():
    time.sleep(0.3)
    pathlib.Path({str(done)!r}).write_text("done")
threading.Thread(target=work).start()
"""
    proc = _run("--version", before=before)
    assert proc.returncode == 0
    assert done.read_text() == "done"


def test_an_extraction_loads_no_pydantic(tmp_path: Path, demo_pbf: Path) -> None:
    """pydantic (the web API's) costs a tenth of a second at every start; typer 0.29 loaded it for its own
    parameter checks, hence typer < 0.29. Nor the fuzzy matcher, which only an unknown word or name needs."""
    out = tmp_path / "cafes.csv"
    command = ["extract", "cafe", "--from", str(demo_pbf), "-o", str(out), "-q", "--no-resolve"]
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mapleads", *command], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "| mapleads.cli" in proc.stderr  # the import log is there
    assert "pydantic" not in proc.stderr
    assert "rapidfuzz" not in proc.stderr

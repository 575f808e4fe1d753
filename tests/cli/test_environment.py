"""A broken environment (a data_dir that is a file) is one clear line naming the path, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_PBF


@pytest.mark.parametrize(
    "command",
    [
        ("index", "build", str(DEMO_PBF)),
        ("suppress", "list"),
        ("enrich", "{leads}", "-o", "{out}", "-q"),
    ],
)
def test_a_data_dir_that_is_a_file_is_one_line_naming_it(tmp_path: Path, command: tuple[str, ...]) -> None:
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("a file, not a folder")
    leads, out = tmp_path / "leads.csv", tmp_path / "out.csv"
    leads.write_text("Name,Website\nMaya,http://127.0.0.1:9/\n", encoding="utf-8")
    argv = [part.format(leads=leads, out=out) for part in command]
    proc = subprocess.run(
        [sys.executable, "-m", "mapleads", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MAPLEADS_DATA_DIR": str(not_a_dir)},
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(not_a_dir) in lines[0], proc.stderr
    assert "cannot write" not in lines[0]  # the output was not at fault
    assert not out.exists()

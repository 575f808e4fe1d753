from __future__ import annotations

from pathlib import Path

import pytest

from mapleads.cli import main
from mapleads.settings import get_settings

from .conftest import DEMO


@pytest.fixture
def empty_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    return tmp_path / "data"


def test_build_then_list_shows_the_index(empty_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "build", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "local/helsinki: indexed" in out and "leads" in out
    assert main(["data", "list"]) == 0
    listing = capsys.readouterr().out
    assert "local/helsinki" in listing and "ready" in listing


def test_build_of_a_region_that_is_not_downloaded_says_how_to_get_it(
    empty_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "build", "narnia"]) == 1
    err = capsys.readouterr().err
    assert "region 'narnia' is not on this machine" in err and "mapleads data download narnia" in err


def test_build_of_a_missing_file_is_one_line(empty_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "build", "missing.osm.pbf"]) == 1
    assert "file not found" in capsys.readouterr().err


def test_build_of_a_file_that_is_not_a_pbf_is_one_line(
    empty_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.osm.pbf"
    junk.write_bytes(b"<html>not found</html>" * 50)
    assert main(["index", "build", str(junk)]) == 1
    err = capsys.readouterr().err
    assert "junk.osm.pbf" in err and "Traceback" not in err
    assert not (empty_data_dir / "regions" / "local" / "junk" / "index").exists()


def test_extract_from_a_region_name_that_is_not_here_lists_the_local_ones(
    empty_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "build", str(DEMO)]) == 0
    capsys.readouterr()
    assert main(["extract", "cafe", "--from", "narnia", "-q"]) == 1
    err = capsys.readouterr().err
    assert "region 'narnia' is not on this machine (local: local/helsinki)" in err
    assert main(["extract", "cafe", "--from", "local/narnia", "-q"]) == 1
    assert "mapleads index build FILE.osm.pbf" in capsys.readouterr().err


def test_update_checks_its_changes_file_before_replacing_the_index(
    empty_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "build", str(DEMO)]) == 0
    index_dir = next(empty_data_dir.rglob("manifest.json")).parent
    before = {p.name: p.stat().st_mtime_ns for p in index_dir.iterdir()}
    capsys.readouterr()
    assert main(["index", "update", str(DEMO), "--no-download", "-o", "/proc/changes.csv"]) == 1
    assert "cannot write /proc/changes.csv" in capsys.readouterr().err
    assert {p.name: p.stat().st_mtime_ns for p in index_dir.iterdir()} == before

"""extract(source="auto"): the index when a current one covers the query, the .pbf otherwise."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import mapleads
from mapleads.cli import main
from mapleads.errors import MapleadsError
from mapleads.export import read_rows
from mapleads.index import auto_source
from mapleads.index.build import BuildResult, build_index

from .conftest import DEMO

INSIDE = "24.940,60.166,24.948,60.172"
ELSEWHERE = "13.30,52.50,13.45,52.55"  # Berlin: no local index covers it


def test_a_file_with_a_current_index_is_answered_from_the_index(data_dir: Path) -> None:
    source, _ = auto_source({"path": DEMO}, bbox=INSIDE)
    assert source == "index"
    via_auto = [lead.id for lead in mapleads.extract("restaurant", path=DEMO, bbox=INSIDE)]
    via_pbf = [lead.id for lead in mapleads.extract("restaurant", path=DEMO, bbox=INSIDE, source="pbf")]
    assert via_auto == via_pbf and via_auto


def test_an_area_inside_an_indexed_region_needs_no_file(data_dir: Path) -> None:
    assert auto_source({}, bbox=INSIDE)[0] == "index"
    assert auto_source({}, near="60.170,24.944", radius="300m")[0] == "index"
    leads = list(mapleads.extract("cafe", bbox=INSIDE))
    assert leads and all(lead.categories and "cafe" in lead.categories for lead in leads)


def test_an_area_no_index_covers_falls_back_to_the_pbf(data_dir: Path) -> None:
    assert auto_source({}, bbox=ELSEWHERE) == ("pbf", {})


def test_an_area_outside_an_indexed_file_is_named_with_the_index_data_box(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert auto_source({"path": DEMO}, bbox=ELSEWHERE)[0] == "index"
    out = tmp_path / "none.csv"
    assert main(["extract", "cafe", "--bbox", ELSEWHERE, "--from", str(DEMO), "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: the area (bbox 13.3,52.5,13.45,52.55) lies outside the data of"), err
    assert "which covers 24.9352,60.1642,24.9534,60.1791 (W,S,E,N)" in err and "\n" not in err
    assert not out.exists()


def test_a_changed_file_is_read_directly_not_from_its_stale_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mapleads.settings import get_settings

    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    mine = tmp_path / "mine.osm.pbf"
    shutil.copy(DEMO, mine)
    build_index(mine)
    assert auto_source({"path": mine}, bbox=INSIDE)[0] == "index"
    os.utime(mine, ns=(1, 1))  # the file was replaced since the build
    assert auto_source({"path": mine}, bbox=INSIDE)[0] == "pbf"
    with pytest.raises(MapleadsError, match="no current index"):
        list(mapleads.extract("cafe", path=mine, source="index"))


def test_the_cli_extracts_from_the_index_with_the_same_output(
    data_dir: Path, tmp_path: Path, helsinki_index: BuildResult
) -> None:
    via_index, via_pbf = tmp_path / "index.csv", tmp_path / "pbf.csv"
    args = ["extract", "restaurant, cafe", "--bbox", INSIDE, "--from", str(DEMO), "-q"]
    assert main([*args, "-o", str(via_index)]) == 0
    assert main([*args, "--source", "pbf", "-o", str(via_pbf)]) == 0
    # the same rows and values; only the snapshot date may differ for a file without a header date
    # (the .pbf source then dates by the newest *matching* object, the index by the whole file's newest)
    assert _rows(via_index) == _rows(via_pbf) and _rows(via_index)


def _rows(path: Path) -> list[dict[str, object]]:
    _, rows = read_rows(path)
    return [{k: v for k, v in row.items() if k != "snapshot_date"} for row in rows]


def test_a_place_of_an_indexed_region_is_answered_without_a_file(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert auto_source({}, place="Kamppi")[0] == "index"
    via_index, via_pbf = tmp_path / "index.csv", tmp_path / "pbf.csv"
    assert main(["extract", "dentist", "--in", "Kamppi", "-q", "-o", str(via_index)]) == 0
    assert (
        main(
            [
                "extract",
                "dentist",
                "--in",
                "Kamppi",
                "--from",
                str(DEMO),
                "--source",
                "pbf",
                "-q",
                "-o",
                str(via_pbf),
            ]
        )
        == 0
    )
    assert _rows(via_index) == _rows(via_pbf)


def test_an_unknown_place_without_a_file_falls_back_to_the_pbf_and_says_what_it_needs(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert auto_source({}, place="Atlantis") == ("pbf", {})
    assert main(["extract", "dentist", "--in", "Atlantis", "-q"]) == 1
    assert "--from" in capsys.readouterr().err

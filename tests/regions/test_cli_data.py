from __future__ import annotations

import pytest

from mapleads.cli import main
from mapleads.regions.store import human_size

from .geofabrik_server import GeofabrikServer


def test_download_then_list_shows_the_region_its_snapshot_and_size(
    geofabrik: GeofabrikServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "download", "berlin-latest"]) == 0
    assert "europe/germany/berlin: downloaded and verified — snapshot 2026-11-20" in capsys.readouterr().out
    assert main(["data", "list"]) == 0
    listing = capsys.readouterr().out
    size = human_size(len(geofabrik.regions["europe/germany/berlin"].data))
    assert "europe/germany/berlin" in listing and "2026-11-20" in listing and size in listing


def test_an_unknown_region_is_one_clear_line(geofabrik: GeofabrikServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "download", "atlantis"]) == 1
    err = capsys.readouterr().err
    assert "unknown region 'atlantis'" in err and "Traceback" not in err


def test_list_available_shows_the_published_regions(
    geofabrik: GeofabrikServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "list", "--available"]) == 0
    out = capsys.readouterr().out
    assert "europe/germany/berlin\tBerlin" in out and "north-america/us/georgia\tGeorgia" in out


def test_list_on_an_empty_data_dir_says_how_to_start(
    geofabrik: GeofabrikServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "list"]) == 0
    assert "mapleads data download" in capsys.readouterr().out

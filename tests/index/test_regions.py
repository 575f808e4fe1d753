"""Several indexed regions at once: each query goes to the index that covers it, names that exist in several
regions are reported, and `data list` shows them all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mapleads.cli import main
from mapleads.errors import AreaError
from mapleads.index import auto_source, pick_index
from mapleads.index.build import build_index
from mapleads.settings import get_settings

from .conftest import DEMO

ROOT = Path(__file__).resolve().parents[2]
# the second tile of a 2×1 tiling lies east of the demo data (shifted by 1.05 × its width)
EAST_TILE = "24.9545,60.166,24.9700,60.177"
DEMO_INSIDE = "24.940,60.166,24.948,60.172"


@pytest.fixture(scope="module")
def two_tiles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiles") / "twin.osm.pbf"
    tool = ROOT / "bench" / "tile_pbf.py"
    subprocess.run([sys.executable, str(tool), str(DEMO), str(out), "2", "2"], check=True, capture_output=True)
    return out


@pytest.fixture
def two_indexes(two_tiles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    return build_index(DEMO).index_dir, build_index(two_tiles).index_dir


def test_each_area_goes_to_the_smallest_index_that_covers_it(two_indexes: tuple[Path, Path]) -> None:
    helsinki, twin = two_indexes
    east = pick_index(area=_bbox(EAST_TILE))
    assert east is not None and east.folder == twin.resolve()
    inside = pick_index(area=_bbox(DEMO_INSIDE))
    assert inside is not None and inside.folder == helsinki.resolve()


def test_a_place_in_several_indexed_regions_is_reported(two_indexes: tuple[Path, Path]) -> None:
    with pytest.raises(
        AreaError, match=r"'Kamppi' is a place in several indexed regions \(local/helsinki, local/twin\)"
    ):
        auto_source({}, place="Kamppi")
    assert auto_source({"path": "twin"}, place="Kamppi")[0] == "index"


def test_data_list_shows_every_indexed_region(
    two_indexes: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "list"]) == 0
    listing = capsys.readouterr().out
    assert "local/helsinki" in listing and "local/twin" in listing
    assert listing.count("ready") == 2


def _bbox(text: str):  # type: ignore[no-untyped-def]
    from mapleads.areas import area_from_bbox

    return area_from_bbox(text)

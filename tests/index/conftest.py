from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mapleads.index.build import BuildResult, build_index
from mapleads.settings import get_settings

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "helsinki.osm.pbf"


@pytest.fixture(scope="session")
def helsinki_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuildResult]:
    """The Helsinki demo file indexed once for the session, in its own data directory."""
    data = tmp_path_factory.mktemp("index-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MAPLEADS_DATA_DIR", str(data))
        get_settings.cache_clear()
        yield build_index(DEMO)
    get_settings.cache_clear()


@pytest.fixture
def data_dir(helsinki_index: BuildResult, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Points the settings at the session's data directory (which holds the Helsinki index)."""
    folder = helsinki_index.index_dir.parents[2]
    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(folder.parent))
    get_settings.cache_clear()
    yield folder.parent
    get_settings.cache_clear()


from ..regions.conftest import dated_pbf, geofabrik  # noqa: E402  (the local Geofabrik server, shared)

__all__ = ["dated_pbf", "geofabrik"]

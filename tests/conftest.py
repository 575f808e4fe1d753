"""Shared fixtures: the real demo extract, and a private data dir so tests never touch the user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mapleads.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
DEMO_PBF = ROOT / "data" / "demo" / "helsinki.osm.pbf"


@pytest.fixture(autouse=True, scope="session")
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    mp = pytest.MonkeyPatch()
    mp.setenv("MAPLEADS_DATA_DIR", str(tmp_path_factory.mktemp("mapleads-data")))
    get_settings.cache_clear()
    yield
    mp.undo()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def demo_pbf() -> Path:
    return DEMO_PBF

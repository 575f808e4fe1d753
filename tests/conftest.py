"""Shared fixtures: the real demo extract, and a private data dir so tests never touch the user's."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mapleads.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
DEMO_PBF = ROOT / "data" / "demo" / "helsinki.osm.pbf"


def block_starts(data: bytes) -> list[int]:
    """Where each block starts, found by walking the BlobHeader lengths (4-byte length, header, datasize)."""
    starts, pos = [], 0
    while pos < len(data):
        starts.append(pos)
        length = int.from_bytes(data[pos : pos + 4], "big")
        header = data[pos + 4 : pos + 4 + length]
        found = re.fullmatch(rb"\n.OSM(?:Header|Data)\x18([\x80-\xff]*[\x00-\x7f])", header, re.DOTALL)
        assert found, header
        datasize = sum((b & 0x7F) << (7 * i) for i, b in enumerate(found.group(1)))
        pos += 4 + length + datasize
    assert pos == len(data)
    return starts


@pytest.fixture(autouse=True, scope="session")
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    mp = pytest.MonkeyPatch()
    mp.setenv("MAPLEADS_DATA_DIR", str(tmp_path_factory.mktemp("mapleads-data")))
    get_settings.cache_clear()
    yield
    mp.undo()
    get_settings.cache_clear()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set MAPLEADS_* variables for the settings read next; the settings in force come back afterwards
    (monkeypatch restores the variables, the cache is cleared both ways)."""

    def setenv(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield setenv
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def demo_pbf() -> Path:
    return DEMO_PBF

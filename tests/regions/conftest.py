from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mapleads.settings import get_settings

from .geofabrik_server import GeofabrikServer, Served, dated_copy, run_server

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "helsinki.osm.pbf"


@pytest.fixture(scope="session")
def dated_pbf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("pbf") / "helsinki.osm.pbf"
    return dated_copy(DEMO, path, "2026-11-20T21:21:02Z").read_bytes()


@pytest.fixture
def geofabrik(dated_pbf: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GeofabrikServer]:
    """The server with a small catalogue, pointed to by the settings; a fresh data directory per test."""
    server, stop = run_server()
    server.add(Served("europe", "Europe", "europe", dated_pbf))
    server.add(Served("germany", "Germany", "europe/germany", dated_pbf, parent="europe", iso=("DE",)))
    server.add(Served("berlin", "Berlin", "europe/germany/berlin", dated_pbf, parent="germany"))
    server.add(Served("finland", "Finland", "europe/finland", dated_pbf, parent="europe", iso=("FI",)))
    server.add(Served("georgia", "Georgia", "europe/georgia", dated_pbf, parent="europe", iso=("GE",)))
    server.add(Served("us/georgia", "Georgia", "north-america/us/georgia", dated_pbf, parent="us"))
    server.add(Served("broken", "Broken Land", "europe/broken-land", dated_pbf, bad_md5=True))
    server.add(Served("unsigned", "Unsigned", "europe/unsigned", dated_pbf, no_md5=True))
    server.add(Served("flaky", "Flaky", "europe/flaky", dated_pbf, drop_after=0.4, drops_left=1))
    monkeypatch.setenv("MAPLEADS_GEOFABRIK_INDEX_URL", server.index_url)
    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield server
    stop.set()
    get_settings.cache_clear()

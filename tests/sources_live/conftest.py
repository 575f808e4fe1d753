"""Fixtures for the live sources: settings pointed at a temp data dir, and real HTTP servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mapleads.settings import get_settings

from .servers import FakeServer


@pytest.fixture(autouse=True)
def live_settings(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MAPLEADS_LIVE_MAX_WAIT", "3")
    monkeypatch.setenv("MAPLEADS_LIVE_MAX_RETRIES", "3")
    monkeypatch.setenv("MAPLEADS_LIVE_BACKOFF", "0.01")
    monkeypatch.setenv("MAPLEADS_LIVE_TIMEOUT", "20")
    monkeypatch.setenv("MAPLEADS_NOMINATIM_INTERVAL", "0.05")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    srv = FakeServer()
    yield srv
    srv.stop()

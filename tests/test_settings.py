"""Settings: environment variables, the optional config file, and one documentation page for all."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapleads.errors import MapleadsError
from mapleads.settings import Settings, get_settings
from tests.conftest import ROOT


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"MAPLEADS_{name.upper()}" not in doc]
    assert missing == []


def test_the_environment_wins_over_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "mapleads.toml"
    config.write_text('overpass_url = "http://127.0.0.1:9/file"\ncrawl_concurrency = 7\n', encoding="utf-8")
    monkeypatch.setenv("MAPLEADS_CONFIG", str(config))
    monkeypatch.setenv("MAPLEADS_CRAWL_CONCURRENCY", "9")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.overpass_url == "http://127.0.0.1:9/file"
        assert settings.crawl_concurrency == 9
    finally:
        monkeypatch.delenv("MAPLEADS_CONFIG")
        monkeypatch.delenv("MAPLEADS_CRAWL_CONCURRENCY")
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MAPLEADS_CRAWL_CONCURRENCY", "abc", "invalid setting MAPLEADS_CRAWL_CONCURRENCY='abc'"),
        ("MAPLEADS_ADDRESS_RADIUS_M", "-5", "greater than 0"),
        ("MAPLEADS_NODE_LOCATIONS", "bogus", "unknown node-location index 'bogus'"),
        ("MAPLEADS_CONFIG", "/nonexistent/mapleads.toml", "cannot read MAPLEADS_CONFIG file"),
    ],
)
def test_a_bad_setting_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    try:
        with pytest.raises(MapleadsError, match=message):
            get_settings()
    finally:
        monkeypatch.delenv(variable)
        get_settings.cache_clear()


def test_a_config_file_that_is_not_toml_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "mapleads.toml"
    config.write_text("crawl_concurrency = \n", encoding="utf-8")
    monkeypatch.setenv("MAPLEADS_CONFIG", str(config))
    get_settings.cache_clear()
    try:
        with pytest.raises(MapleadsError, match="is not valid TOML"):
            get_settings()
    finally:
        monkeypatch.delenv("MAPLEADS_CONFIG")
        get_settings.cache_clear()

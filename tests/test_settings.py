"""Settings: environment variables, the optional config file, and one documentation page for all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mapleads.errors import MapleadsError
from mapleads.settings import descriptions, get_settings
from tests.conftest import ROOT


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in descriptions() if f"MAPLEADS_{name.upper()}" not in doc]
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
        ("MAPLEADS_ADDRESS_RADIUS_M", "-5", "MAPLEADS_ADDRESS_RADIUS_M='-5': Expected `float` > 0"),
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


@pytest.mark.parametrize(
    ("value", "expected"), [("yes", True), ("On", True), ("1", True), ("no", False), ("off", False)]
)
def test_a_switch_reads_the_usual_words(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("MAPLEADS_CRAWL_CACHE", value)
    get_settings.cache_clear()
    try:
        assert get_settings().crawl_cache is expected
    finally:
        monkeypatch.delenv("MAPLEADS_CRAWL_CACHE")
        get_settings.cache_clear()


def test_lists_and_mappings_are_read_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPLEADS_RESOLVE_TRUST", '["google", "osm"]')
    monkeypatch.setenv("mapleads_score_weights", '{"email": 40}')  # the prefix in any case, as before
    monkeypatch.setenv("MAPLEADS_DATA_DIR", "/srv/osm")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.resolve_trust == ["google", "osm"]
        assert settings.score_weights == {"email": 40.0}
        assert settings.data_dir == Path("/srv/osm")
    finally:
        for name in ("MAPLEADS_RESOLVE_TRUST", "mapleads_score_weights", "MAPLEADS_DATA_DIR"):
            monkeypatch.delenv(name)
        get_settings.cache_clear()


def test_a_list_that_is_not_json_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPLEADS_ENRICH_DNS_SERVERS", "1.1.1.1")
    get_settings.cache_clear()
    try:
        with pytest.raises(MapleadsError, match=re.escape("MAPLEADS_ENRICH_DNS_SERVERS='1.1.1.1': not JSON")):
            get_settings()
    finally:
        monkeypatch.delenv("MAPLEADS_ENRICH_DNS_SERVERS")
        get_settings.cache_clear()


def test_every_setting_has_a_meaning() -> None:
    assert all(descriptions().values())


def test_a_config_value_of_the_wrong_type_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "mapleads.toml"
    config.write_text("media_dir = 5\n", encoding="utf-8")  # data_dir: the suite sets its variable
    monkeypatch.setenv("MAPLEADS_CONFIG", str(config))
    get_settings.cache_clear()
    try:
        with pytest.raises(MapleadsError, match="invalid setting MAPLEADS_MEDIA_DIR=5: expected a path"):
            get_settings()
    finally:
        monkeypatch.delenv("MAPLEADS_CONFIG")
        get_settings.cache_clear()

"""Settings: environment variables, the optional config file, and one documentation page for all."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mapleads.errors import MapleadsError
from mapleads.settings import descriptions, get_settings
from tests.conftest import ROOT


def _config(tmp_path: Path, text: str) -> str:
    config = tmp_path / "mapleads.toml"
    config.write_text(text, encoding="utf-8")
    return str(config)


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in descriptions() if f"MAPLEADS_{name.upper()}" not in doc]
    assert missing == []


def test_every_setting_has_a_meaning() -> None:
    assert all(descriptions().values())


def test_the_environment_wins_over_the_config_file(tmp_path: Path, env: Callable[..., None]) -> None:
    config = _config(tmp_path, 'overpass_url = "http://127.0.0.1:9/file"\ncrawl_concurrency = 7\n')
    env(MAPLEADS_CONFIG=config, MAPLEADS_CRAWL_CONCURRENCY="9")
    settings = get_settings()
    assert settings.overpass_url == "http://127.0.0.1:9/file"
    assert settings.crawl_concurrency == 9


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MAPLEADS_CRAWL_CONCURRENCY", "abc", "invalid setting MAPLEADS_CRAWL_CONCURRENCY='abc'"),
        ("MAPLEADS_ADDRESS_RADIUS_M", "-5", "MAPLEADS_ADDRESS_RADIUS_M='-5': Expected `float` > 0"),
        ("MAPLEADS_NODE_LOCATIONS", "bogus", "unknown node-location index 'bogus'"),
        ("MAPLEADS_CONFIG", "/nonexistent/mapleads.toml", "cannot read MAPLEADS_CONFIG file"),
        ("MAPLEADS_ENRICH_DNS_SERVERS", "1.1.1.1", re.escape("MAPLEADS_ENRICH_DNS_SERVERS='1.1.1.1': not JSON")),
    ],
)
def test_a_bad_setting_is_one_clear_error(env: Callable[..., None], variable: str, value: str, message: str) -> None:
    env(**{variable: value})
    with pytest.raises(MapleadsError, match=message):
        get_settings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("crawl_concurrency = \n", "is not valid TOML"),
        # media_dir, not data_dir: the suite sets MAPLEADS_DATA_DIR, which wins over the file
        ("media_dir = 5\n", "invalid setting MAPLEADS_MEDIA_DIR=5: expected a path"),
    ],
)
def test_a_bad_config_file_is_one_clear_error(
    tmp_path: Path, env: Callable[..., None], text: str, message: str
) -> None:
    env(MAPLEADS_CONFIG=_config(tmp_path, text))
    with pytest.raises(MapleadsError, match=message):
        get_settings()


@pytest.mark.parametrize(
    ("value", "expected"), [("yes", True), ("On", True), ("1", True), ("no", False), ("off", False)]
)
def test_a_switch_reads_the_usual_words(env: Callable[..., None], value: str, expected: bool) -> None:
    env(MAPLEADS_CRAWL_CACHE=value)
    assert get_settings().crawl_cache is expected


def test_lists_and_mappings_are_read_as_json(env: Callable[..., None]) -> None:
    env(
        MAPLEADS_RESOLVE_TRUST='["google", "osm"]',
        mapleads_score_weights='{"email": 40}',  # the prefix in any case, as before
        MAPLEADS_DATA_DIR="/srv/osm",
    )
    settings = get_settings()
    assert settings.resolve_trust == ["google", "osm"]
    assert settings.score_weights == {"email": 40.0}
    assert settings.data_dir == Path("/srv/osm")

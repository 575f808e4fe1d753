"""Loading the taxonomy: its TOML files are parsed once and kept, keyed by their text (an edited file is a new key)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mapleads.taxonomy import model


def test_the_taxonomy_read_from_the_cache_is_the_one_parsed(
    tmp_path: Path, env: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    env(MAPLEADS_DATA_DIR=str(tmp_path))
    parses: list[str] = []
    real = model.tomllib.loads
    monkeypatch.setattr(model.tomllib, "loads", lambda text: parses.append(text) or real(text))
    model.get_taxonomy.cache_clear()
    try:
        parsed = model.get_taxonomy()
        model.get_taxonomy.cache_clear()
        cached = model.get_taxonomy()
    finally:
        model.get_taxonomy.cache_clear()
    assert len(parses) == 2  # the two files, parsed on the first load only
    assert list((tmp_path / "cache" / "taxonomy").glob("*.pickle"))
    assert cached.categories == parsed.categories
    assert cached.exclusions == parsed.exclusions


def test_other_text_is_kept_under_another_key(tmp_path: Path, env: Callable[..., None]) -> None:
    env(MAPLEADS_DATA_DIR=str(tmp_path))
    first = model._parsed("categories.toml", "exclusions.toml")
    entries = set((tmp_path / "cache" / "taxonomy").glob("*.pickle"))
    assert model._parsed("exclusions.toml") == [first[1]]  # other text, another entry
    assert len(set((tmp_path / "cache" / "taxonomy").glob("*.pickle")) - entries) == 1

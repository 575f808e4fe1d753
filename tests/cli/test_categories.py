"""`mapleads categories [WORD]`: the taxonomy a user types words from."""

from __future__ import annotations

import pytest

from mapleads.cli import main


def test_it_lists_the_categories_a_word_belongs_to(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["categories", "Zahnarzt"]) == 0
    out = capsys.readouterr()
    assert "dentist" in out.out and "1 categories" in out.err


def test_a_word_no_category_has_is_one_line_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["categories", "dentsit"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no category has a word containing 'dentsit'") and "dentist" in err
    assert len(err.splitlines()) == 1

"""`mapleads --version`: what a bug report starts with."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from mapleads.cli import main


def test_it_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"mapleads {version('mapleads')}"

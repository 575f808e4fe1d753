"""`mapleads extract --source overpass|google|overture` end to end, against the fake services on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapleads.cli import main
from mapleads.export import read_leads
from mapleads.settings import get_settings

from .fake_google import VALID_KEY, FakePlaces, helsinki_places
from .fake_osm import FakeOverpass
from .fake_overture import overture_rows, write_places


def test_the_cli_extracts_from_overpass_into_a_file(server, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fake = FakeOverpass().install(server)
    monkeypatch.setenv("MAPLEADS_OVERPASS_URL", fake.url)
    get_settings.cache_clear()
    out = tmp_path / "cafes.csv"
    assert main(["extract", "kahvila", "--source", "overpass", "--bbox", "24.935,60.163,24.955,60.175", "-o",
                 str(out), "-q"]) == 0  # fmt: skip
    leads = list(read_leads(out))
    assert leads and all("cafe" in lead.categories and lead.source == "osm" for lead in leads)


def test_the_cli_caps_google_spending_with_budget(server, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    fake = FakePlaces(helsinki_places(1000)).install(server)
    monkeypatch.setenv("MAPLEADS_GOOGLE_PLACES_URL", fake.url)
    monkeypatch.setenv("MAPLEADS_GOOGLE_API_KEY", VALID_KEY)
    get_settings.cache_clear()
    out = tmp_path / "restaurants.csv"
    args = ["extract", "restaurant", "--source", "google", "--bbox", "24.85,60.14,25.05,60.22"]
    code = main([*args, "--budget", "0.35", "-o", str(out), "-q"])
    assert code == 0
    assert fake.billed == 10  # $0.35 at $35 per 1000 requests
    assert 0 < len(list(read_leads(out))) <= 200
    err = capsys.readouterr().err
    assert "SKU Text Search Enterprise" in err and "stopped at the budget cap" in err


def test_the_cli_reads_overture_with_a_confidence_threshold(tmp_path: Path) -> None:
    path = write_places(tmp_path / "places.parquet", overture_rows())
    out_all, out_sure = tmp_path / "all.csv", tmp_path / "sure.csv"
    args = [
        "extract",
        "restaurant",
        "--source",
        "overture",
        "--from",
        str(path),
        "--bbox",
        "24.9,60.15,25.0,60.2",
    ]
    assert main([*args, "--min-confidence", "0", "-o", str(out_all), "-q"]) == 0
    assert main([*args, "--min-confidence", "0.9", "-o", str(out_sure), "-q"]) == 0
    assert 0 < len(list(read_leads(out_sure))) < len(list(read_leads(out_all)))


def test_the_cli_prints_one_line_for_a_bad_google_key(server, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    fake = FakePlaces(helsinki_places(10)).install(server)
    monkeypatch.setenv("MAPLEADS_GOOGLE_PLACES_URL", fake.url)
    monkeypatch.setenv("MAPLEADS_GOOGLE_API_KEY", "nope")
    get_settings.cache_clear()
    assert main(["extract", "cafe", "--source", "google", "--near", "60.17,24.94", "-q"]) == 1
    err = capsys.readouterr().err
    assert "API key not valid" in err and "Traceback" not in err


@pytest.mark.parametrize("source", ["overpass", "google"])
def test_the_cli_refuses_a_live_source_without_an_area(source: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["extract", "cafe", "--source", source, "-q"]) == 1
    assert "needs" in capsys.readouterr().err


def test_the_cli_refuses_a_flag_meant_for_another_source(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["extract", "cafe", "--source", "overpass", "--bbox", "24.9,60.1,25.0,60.2", "--budget", "3"]) == 1
    assert "--budget applies to --source google only" in capsys.readouterr().err

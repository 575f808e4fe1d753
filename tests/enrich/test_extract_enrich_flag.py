"""`mapleads extract ... --enrich` runs the enrich stage on real OSM leads (all hosts mapped to 127.0.0.1)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from mapleads.cli import main
from mapleads.settings import get_settings

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "helsinki.osm.pbf"


def test_extract_with_enrich_records_a_crawl_status_for_every_lead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MAPLEADS_CRAWL_HOST_MAP", json.dumps({"*": "127.0.0.1"}))  # nothing leaves the machine
    monkeypatch.setenv("MAPLEADS_CRAWL_CONNECT_TIMEOUT", "1")
    get_settings.cache_clear()
    output = tmp_path / "dentists.csv"
    try:
        code = main(["extract", "dentist", "--in", "Kluuvi", "--from", str(DEMO), "--enrich", "-o", str(output), "-q"])
    finally:
        get_settings.cache_clear()
    assert code == 0
    with open(output, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        status = json.loads(row["extra"])["enrich"]["status"]
        assert status == ("unreachable" if row["website"] else "no_website")
    assert any(row["website"] for row in rows)

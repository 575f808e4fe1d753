"""`index update`: a newer snapshot replaces the index, and the report names what opened, changed, closed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mapleads.export import read_leads
from mapleads.index.build import build_index
from mapleads.index.reader import RegionIndex
from mapleads.index.update import update_index
from mapleads.settings import get_settings

from .conftest import DEMO
from .edits import NEW_NODE_ID, edited_copy


@pytest.fixture
def fresh_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    return tmp_path


def _two_node_leads(index_dir: Path) -> tuple[str, str]:
    nodes = [lead for lead in RegionIndex(index_dir).leads(None, None) if lead.id.startswith("osm:n")]
    return nodes[0].id, nodes[1].id


def test_update_reports_new_changed_and_gone_leads(fresh_data_dir: Path) -> None:
    city = fresh_data_dir / "city.osm.pbf"
    edited_copy(DEMO, city, "2026-11-20T00:00:00Z")
    first = build_index(city)
    closing, renamed = _two_node_leads(first.index_dir)
    edited_copy(
        DEMO,
        city,
        "2026-11-27T00:00:00Z",
        drop={int(closing.removeprefix("osm:n"))},
        rename={int(renamed.removeprefix("osm:n")): "Renamed Oy"},
        add_cafe_at=(24.945, 60.170),
    )
    out = fresh_data_dir / "changes.csv"
    report = update_index(city, changes_path=out)
    assert report.old_snapshot == "2026-11-20" and report.new_snapshot == "2026-11-27"
    assert report.changes.new == [f"osm:n{NEW_NODE_ID}"]
    assert report.changes.changed == [renamed]
    assert report.changes.gone == [closing]
    assert "new: 1  changed: 1  gone: 1" in report.summary()
    written = {lead.id: lead.extra["change"] for lead in read_leads(out)}
    assert written == {f"osm:n{NEW_NODE_ID}": "new", renamed: "changed", closing: "gone"}
    cafes = {lead.id for lead in RegionIndex(first.index_dir).leads(["cafe"], None)}
    assert f"osm:n{NEW_NODE_ID}" in cafes


def test_an_unchanged_snapshot_reports_no_changes(fresh_data_dir: Path) -> None:
    city = fresh_data_dir / "same.osm.pbf"
    shutil.copy(DEMO, city)
    build_index(city)
    report = update_index(city)
    assert (report.changes.new, report.changes.changed, report.changes.gone) == ([], [], [])
    assert report.leads == sum(1 for _ in RegionIndex(report_dir(report.region)).leads(None, None))


def report_dir(region_path: str) -> Path:
    from mapleads.regions.store import region_dir

    return region_dir(region_path) / "index"


def test_update_of_a_downloaded_region_fetches_the_newer_snapshot(geofabrik, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from mapleads.regions import download_region

    from ..regions.geofabrik_server import Served

    download_region("berlin")
    built = build_index("berlin")
    victim, _ = _two_node_leads(built.index_dir)
    newer = edited_copy(
        DEMO, tmp_path / "newer.osm.pbf", "2026-11-27T21:21:02Z", drop={int(victim.removeprefix("osm:n"))}
    )
    geofabrik.add(Served("berlin", "Berlin", "europe/germany/berlin", newer.read_bytes(), parent="germany"))
    report = update_index("Berlin")
    assert report.downloaded == "downloaded"
    assert (report.old_snapshot, report.new_snapshot) == ("2026-11-20", "2026-11-27")
    assert report.changes.gone == [victim] and report.changes.new == []
    assert victim not in {lead.id for lead in RegionIndex(built.index_dir).leads(None, None)}

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from mapleads.errors import InputError, MapleadsError
from mapleads.regions import download_region, list_local
from mapleads.regions.store import data_dir

from .geofabrik_server import GeofabrikServer, Served, dated_copy

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "helsinki.osm.pbf"


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_it_downloads_verifies_and_dates_a_region(geofabrik: GeofabrikServer) -> None:
    seen: list[tuple[int, int]] = []
    result = download_region("Berlin", progress=lambda done, total: seen.append((done, total)))
    folder = data_dir() / "regions" / "europe" / "germany" / "berlin"
    assert result.status == "downloaded"
    assert _files(folder) == ["berlin-2026-11-20.osm.pbf", "boundary.wkb", "region.json"]
    data = (folder / "berlin-2026-11-20.osm.pbf").read_bytes()
    assert data == geofabrik.regions["europe/germany/berlin"].data
    meta = orjson.loads((folder / "region.json").read_bytes())
    assert meta["snapshot_date"] == "2026-11-20"
    assert meta["md5"] == hashlib.md5(data).hexdigest()
    assert seen[-1] == (len(data), len(data))


def test_it_does_not_download_a_current_region_again(geofabrik: GeofabrikServer) -> None:
    download_region("berlin")
    before = len([p for p, _ in geofabrik.requests if p.endswith(".osm.pbf")])
    assert download_region("germany/berlin").status == "up-to-date"
    assert len([p for p, _ in geofabrik.requests if p.endswith(".osm.pbf")]) == before


def test_it_resumes_after_a_dropped_connection(geofabrik: GeofabrikServer) -> None:
    result = download_region("flaky")
    assert result.status == "resumed"
    assert result.region.pbf.read_bytes() == geofabrik.regions["europe/flaky"].data
    ranges = [h.get("Range") for p, h in geofabrik.requests if p.endswith("flaky-latest.osm.pbf")]
    assert ranges[0] is None and ranges[1] is not None and ranges[1].startswith("bytes=")
    assert int(ranges[1].removeprefix("bytes=").rstrip("-")) > 0


def test_a_later_run_completes_a_download_an_earlier_run_left_unfinished(geofabrik: GeofabrikServer) -> None:
    geofabrik.regions["europe/flaky"].drops_left = 5
    with pytest.raises(MapleadsError, match="run the same command again to resume"):
        download_region("flaky", attempts=1)
    folder = data_dir() / "regions" / "europe" / "flaky"
    assert not any(name.endswith(".osm.pbf") for name in _files(folder))  # only the hidden .part
    geofabrik.regions["europe/flaky"].drops_left = 0
    result = download_region("flaky")
    assert result.status == "resumed"
    assert result.region.pbf.read_bytes() == geofabrik.regions["europe/flaky"].data
    assert _files(folder) == ["boundary.wkb", "flaky-2026-11-20.osm.pbf", "region.json"]


def test_it_rejects_a_file_whose_checksum_does_not_match_and_keeps_nothing(
    geofabrik: GeofabrikServer,
) -> None:
    with pytest.raises(InputError, match=r"checksum mismatch .*the broken file was removed"):
        download_region("Broken Land")
    assert _files(data_dir() / "regions" / "europe" / "broken-land") == []
    assert list_local() == []


def test_it_refuses_a_region_without_a_published_checksum(geofabrik: GeofabrikServer) -> None:
    with pytest.raises(MapleadsError, match=r"unsigned-latest.osm.pbf.md5: HTTP 404"):
        download_region("unsigned")


def test_a_new_snapshot_replaces_the_previous_one(geofabrik: GeofabrikServer, tmp_path: Path) -> None:
    download_region("berlin")
    newer = dated_copy(DEMO, tmp_path / "newer.osm.pbf", "2026-11-27T21:21:02Z").read_bytes()
    geofabrik.add(Served("berlin", "Berlin", "europe/germany/berlin", newer, parent="germany"))
    result = download_region("berlin")
    assert result.region.snapshot_date == "2026-11-27"
    assert result.replaced == ["berlin-2026-11-20.osm.pbf"]
    assert _files(result.region.folder) == ["berlin-2026-11-27.osm.pbf", "boundary.wkb", "region.json"]


def test_it_stops_cleanly_when_the_disk_is_full(geofabrik: GeofabrikServer) -> None:
    """A real write failure: the child process may not write files larger than 64 KB (RLIMIT_FSIZE)."""
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))\n"
        "from mapleads.cli import main\n"
        "sys.exit(main(['data', 'download', 'berlin']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, timeout=60)
    assert done.returncode == 1
    assert "disk full while writing" in done.stderr
    assert "Traceback" not in done.stderr
    assert _files(data_dir() / "regions" / "europe" / "germany" / "berlin") == []

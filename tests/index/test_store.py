"""The index folder: versioned, swapped in whole, and refused with a clear line when unusable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest

import mapleads
from mapleads.cli import main
from mapleads.index.build import BuildResult, build_index
from mapleads.index.reader import RegionIndex
from mapleads.index.records import decode_lead, encode_lead
from mapleads.index.store import FORMAT_VERSION, IndexFormatError
from mapleads.index.writer import ROW_GROUP, LeadColumns
from mapleads.lead import Address, Lead, Provenance

from .conftest import DEMO


def _copy_index(result: BuildResult, tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    shutil.copytree(result.index_dir, folder)
    return folder


def test_leads_round_trip_without_loss() -> None:
    lead = Lead(
        id="osm:n1",
        name="Hammaslääkäri Ö",
        source="osm",
        source_id="node/1",
        lat=60.1,
        lon=24.9,
        category="dentist",
        categories=["dentist", "clinic"],
        tags={"amenity": "dentist", "name": "Hammaslääkäri Ö"},
        address=Address(street="Mannerheimintie", housenumber="1", postcode="00100", city="Helsinki"),
        phones=["+358 9 123"],
        phones_raw=["09 123"],
        website="https://example.fi",
        emails=["info@example.fi"],
        socials={"facebook": "https://facebook.com/x"},
        opening_hours="Mo-Fr 08:00-16:00",
        snapshot_date="2026-11-20",
        provenance={"phone": Provenance("osm", "node/1", "tag")},
        extra={"address_inferred": "nearest", "nested": {"a": [1, 2]}},
    )
    assert decode_lead(encode_lead(lead)) == lead


def test_rows_are_sorted_so_row_groups_cover_small_areas(helsinki_index: BuildResult) -> None:
    index = RegionIndex(helsinki_index.index_dir)
    meta = pq.ParquetFile(index.folder / "leads.parquet").metadata
    assert meta.num_row_groups == -(-helsinki_index.manifest["leads"] // ROW_GROUP)
    columns = LeadColumns()
    for i in range(20_000):  # a synthetic grid of 20,000 points: each row group must be a compact patch
        columns.add(Lead(id=f"t:{i}", name="x", source="t", source_id=str(i), lat=i // 200 * 0.01, lon=i % 200 * 0.01))
    table = columns.table()
    lats = table.column("lat").to_numpy()[:ROW_GROUP]
    lons = table.column("lon").to_numpy()[:ROW_GROUP]
    patch = (lats.max() - lats.min()) * (lons.max() - lons.min())
    assert patch < 0.3 * (1.99 * 0.99)  # a quarter of the points in well under a third of the extent


def test_an_index_of_another_format_version_is_refused_with_a_rebuild_hint(
    helsinki_index: BuildResult, tmp_path: Path
) -> None:
    folder = _copy_index(helsinki_index, tmp_path)
    manifest = orjson.loads((folder / "manifest.json").read_bytes())
    manifest["format_version"] = FORMAT_VERSION - 1
    (folder / "manifest.json").write_bytes(orjson.dumps(manifest))
    with pytest.raises(IndexFormatError, match=f"format version {FORMAT_VERSION - 1}.*rebuild it with"):
        RegionIndex(folder)


def test_the_cli_prints_one_line_for_an_unusable_index(
    helsinki_index: BuildResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy_index(helsinki_index, tmp_path)
    (folder / "leads.parquet").write_bytes(b"not parquet")
    code = main(["extract", "cafe", "--source", "index", "--from", str(folder), "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert "is damaged" in err and "Traceback" not in err


def test_a_failed_build_keeps_the_previous_index_and_leaves_no_temp_files(
    helsinki_index: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real write failure: the child may not write files over 64 KB (RLIMIT_FSIZE), as on a full disk."""
    data = tmp_path / "data"
    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(data))
    from mapleads.settings import get_settings

    get_settings.cache_clear()
    first = build_index(DEMO)
    before = (first.index_dir / "manifest.json").read_bytes()
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))\n"
        "from mapleads.cli import main\n"
        f"sys.exit(main(['index', 'build', {str(DEMO)!r}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, timeout=120)
    get_settings.cache_clear()
    assert done.returncode == 1, done.stderr
    assert "disk full while writing" in done.stderr and "Traceback" not in done.stderr
    assert (first.index_dir / "manifest.json").read_bytes() == before
    assert RegionIndex(first.index_dir).manifest["leads"] == first.manifest["leads"]
    assert sorted(p.name for p in first.region.folder.iterdir()) == ["index", "region.json"]


def test_columns_handed_over_by_another_process_join_as_if_encoded_in_one() -> None:
    """`parts()` sends each category list once and the coordinates as arrays; `absorb` gives back the columns
    one `LeadColumns` would have made from all the leads, in order."""
    leads = list(mapleads.extract("all", path=DEMO, place="Kluuvi"))
    assert len({tuple(lead.categories) for lead in leads}) < len(leads)  # lists repeat
    whole = LeadColumns().extend(leads)
    half = len(leads) // 2
    joined = LeadColumns().extend(leads[:half])
    joined.absorb(LeadColumns().extend(leads[half:]).parts())
    assert (joined.ids, joined.categories, joined.blobs) == (whole.ids, whole.categories, whole.blobs)
    assert joined.lats == whole.lats and joined.lons == whole.lons
    assert joined.table().equals(whole.table())

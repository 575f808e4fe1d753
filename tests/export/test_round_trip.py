"""Every export format round-trips `Lead`s without loss and carries the OSM attribution."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import orjson
import pyarrow.parquet as pq
import pytest

import mapleads
from mapleads.attribution import OSM
from mapleads.export import FORMATS, ExportError, format_for, read_leads, write_leads
from mapleads.lead import Lead
from tests.conftest import DEMO_PBF


@pytest.fixture(scope="module")
def leads() -> list[Lead]:
    return list(mapleads.extract("all", path=DEMO_PBF, place="Kluuvi"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_reads_back_exactly_what_it_wrote(fmt: str, leads: list[Lead], tmp_path: Path) -> None:
    out = tmp_path / f"leads.{fmt}"
    assert write_leads(iter(leads), out) == len(leads)
    back = list(read_leads(out))
    assert [b.to_dict() for b in back] == [a.to_dict() for a in leads]


def test_its_csv_has_plain_column_names_and_an_optional_bom(leads: list[Lead], tmp_path: Path) -> None:
    out = tmp_path / "leads.csv"
    write_leads(iter(leads), out, bom=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,name,category")
    assert {"phone", "website", "email", "street", "postcode", "city"} <= set(
        raw.splitlines()[0].decode("utf-8-sig").split(",")
    )


def test_its_xlsx_keeps_leading_zeros_and_formula_like_text(tmp_path: Path) -> None:
    lead = Lead(id="x:1", name='=HYPERLINK("http://evil")', source="osm", source_id="node/1")
    lead.address.postcode = "00100"
    out = tmp_path / "leads.xlsx"
    write_leads([lead], out)
    book = openpyxl.load_workbook(out)
    sheet = book["Leads"]
    header = [c.value for c in sheet[1]]
    row = {h: c.value for h, c in zip(header, sheet[2], strict=True)}
    assert row["postcode"] == "00100"
    assert row["name"] == '=HYPERLINK("http://evil")'
    assert sheet.cell(2, header.index("name") + 1).data_type == "s"
    assert OSM in str([c.value for c in book["About"]["B"]])


def test_its_geojson_follows_rfc_7946(leads: list[Lead], tmp_path: Path) -> None:
    out = tmp_path / "leads.geojson"
    write_leads(iter(leads), out)
    doc = orjson.loads(out.read_bytes())
    assert doc["type"] == "FeatureCollection"
    assert doc["metadata"]["attribution"] == OSM
    for feature, lead in zip(doc["features"], leads, strict=True):
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == pytest.approx((lead.lon, lead.lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_a_lead_without_a_location_is_a_feature_without_geometry(tmp_path: Path) -> None:
    """RFC 7946 §3.2: an unlocated feature has a null geometry (a lead typed in by hand, say)."""
    out = tmp_path / "leads.geojson"
    lead = Lead(id="file:1", name="Kahvila", source="file", source_id="1")
    write_leads(iter([lead]), out)
    (feature,) = orjson.loads(out.read_bytes())["features"]
    assert (feature["id"], feature["geometry"]) == ("file:1", None)
    assert feature["properties"]["name"] == "Kahvila"


def test_its_parquet_and_json_carry_the_attribution(leads: list[Lead], tmp_path: Path) -> None:
    write_leads(iter(leads), tmp_path / "l.parquet")
    meta = pq.ParquetFile(tmp_path / "l.parquet").metadata.metadata
    assert OSM in orjson.loads(meta[b"mapleads"])["attribution"]
    write_leads(iter(leads), tmp_path / "l.json")
    assert orjson.loads((tmp_path / "l.json").read_bytes())["metadata"]["attribution"] == OSM


def test_it_leaves_no_half_file_when_writing_fails(leads: list[Lead], tmp_path: Path) -> None:
    def broken() -> object:
        yield leads[0]
        raise RuntimeError("source failed mid-way")

    out = tmp_path / "leads.csv"
    with pytest.raises(RuntimeError):
        write_leads(broken(), out)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_to_dict_names_every_field_of_the_record() -> None:
    lead = Lead(id="x:1", name="n", source="osm", source_id="node/1")
    assert list(lead.to_dict()) == list(Lead.__struct_fields__)


def test_to_dict_is_a_copy_that_shares_nothing_with_the_lead() -> None:
    lead = Lead(id="x:1", name="n", source="osm", source_id="node/1", extra={"members": ["a"]}, tags={"k": "v"})
    copy = Lead.from_dict(lead.to_dict())
    copy.extra["members"].append("b")
    copy.extra["score"] = 1
    copy.tags["k"] = "w"
    assert lead.extra == {"members": ["a"]}
    assert lead.tags == {"k": "v"}


def test_its_field_names_are_case_insensitive_and_written_once(leads: list[Lead], tmp_path: Path) -> None:
    out = tmp_path / "leads.csv"
    write_leads(iter(leads), out, fields=["name", " Name", "PHONE "])
    assert out.read_text(encoding="utf-8").splitlines()[0] == "name,phone"


def test_it_refuses_an_empty_field_list(leads: list[Lead], tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no field names"):
        write_leads(iter(leads), tmp_path / "leads.csv", fields=["", " "])


@pytest.mark.parametrize(("name", "message"), [("", "is a directory"), ("leads", "has no file extension")])
def test_it_names_what_is_wrong_with_an_output_path(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        format_for(tmp_path / name if name else tmp_path)


def test_it_reads_no_xls_but_says_how_to_recover_one_an_older_version_wrote(leads: list[Lead], tmp_path: Path) -> None:
    """Earlier versions wrote XLSX under a .xls name: reading it says to rename it instead of failing obscurely."""
    old = tmp_path / "leads.xls"
    write_leads(iter(leads), tmp_path / "leads.xlsx")
    (tmp_path / "leads.xlsx").rename(old)
    with pytest.raises(ExportError, match=r"unknown lead file type '\.xls': save it as \.xlsx .*rename it"):
        next(read_leads(old))
    renamed = old.rename(tmp_path / "renamed.xlsx")
    assert [lead.to_dict() for lead in read_leads(renamed)] == [lead.to_dict() for lead in leads]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_full_disk_is_one_error_line_and_leaves_nothing(fmt: str, tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the kernel refuse writes past 20 kB, as a full disk would (EFBIG instead of ENOSPC)."""
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))\n"
        "from mapleads.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    out = tmp_path / "out" / f"all.{fmt}"
    proc = subprocess.run(
        [sys.executable, "-c", script, "extract", "all", "--from", str(DEMO_PBF), "-q", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot write {out}:"), proc.stderr
    assert "File too large" in lines[0]
    assert list(out.parent.iterdir()) == []


def test_a_leads_json_is_its_dict_as_json(leads: list[Lead]) -> None:
    odd = Lead(id="x:1", name='Café "Ö" \u2028 \x07', source="google", source_id="p/1", lat=0.1, lon=-1e-07)
    odd.extra = {"rating": 4.5, "review_count": 12, "score": {"phone": 10, "nested": [1, None, "ä"]}, "none": None}
    odd.note("name", "google", "places/1#displayName", "api")
    for lead in [*leads, odd]:
        assert orjson.loads(lead.to_json()) == lead.to_dict()
        assert lead.to_json() == orjson.dumps(lead.to_dict())  # byte for byte what orjson would write


def test_it_replaces_an_old_export_of_the_same_name(leads: list[Lead], tmp_path: Path) -> None:
    out = tmp_path / "leads.csv"
    out.write_text("an older export\n")
    write_leads(iter(leads), out)
    assert [lead.id for lead in read_leads(out)] == [lead.id for lead in leads]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.csv"]

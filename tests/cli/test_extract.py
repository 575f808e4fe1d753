"""`mapleads extract`: files written, summaries printed, and one clear line for every bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import orjson
import pytest

import mapleads
from mapleads.cli import main
from mapleads.export import read_leads
from mapleads.settings import get_settings
from tests.conftest import DEMO_PBF, block_starts


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 1
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_it_writes_xlsx_for_a_district(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "leads.xlsx"
    code, _, err = run(capsys, "extract", "cafe", "--in", "Kluuvi", "--from", str(DEMO_PBF), "-o", str(out))
    assert code == 0
    sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("id", "name")
    assert len(rows) > 10
    assert "wrote" in err and "with phone" in err


def test_it_takes_several_categories_and_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "leads.csv"
    code, _, _ = run(capsys, "extract", "Zahnarzt,", "kahvila", "--from", str(DEMO_PBF), "-o", str(out), "-q")
    assert code == 0
    leads = list(read_leads(out))
    assert all({"dentist", "cafe"} & set(lead.categories) for lead in leads)
    assert {"dentist", "cafe"} <= {c for lead in leads for c in lead.categories}


def test_it_limits_and_selects_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "leads.csv"
    code, _, _ = run(
        capsys,
        "extract",
        "all",
        "--from",
        str(DEMO_PBF),
        "-o",
        str(out),
        "--limit",
        "7",
        "--fields",
        "name,phone,website",
        "-q",
    )
    assert code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "name,phone,website"
    assert len(lines) == 8


def test_it_clips_to_a_radius(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "near.geojson"
    code, _, _ = run(
        capsys,
        "extract",
        "all",
        "--near",
        "60.1699,24.9384",
        "--radius",
        "200m",
        "--from",
        str(DEMO_PBF),
        "-o",
        str(out),
        "-q",
    )
    assert code == 0
    features = orjson.loads(out.read_bytes())["features"]
    assert 0 < len(features) < 400


def test_it_rejects_an_unknown_category_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "extract", "dentst", "--from", str(DEMO_PBF))
    assert_one_line_error(code, err, "unknown category 'dentst'", "did you mean: dentist")


def test_it_rejects_an_unknown_place_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "extract", "cafe", "--in", "Kampi", "--from", str(DEMO_PBF))
    assert_one_line_error(code, err, "unknown place 'Kampi'", "Kamppi")


def test_it_rejects_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "extract", "cafe", "--from", str(tmp_path / "nope.osm.pbf"))
    assert_one_line_error(code, err, "file not found")


def test_it_rejects_a_file_that_is_not_pbf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "bogus.osm.pbf"
    bogus.write_bytes(b"<html>this is a download error page</html>" * 10)
    code, _, err = run(capsys, "extract", "cafe", "--from", str(bogus))
    assert_one_line_error(code, err, "not an OSM .pbf file")


def test_it_rejects_a_truncated_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(DEMO_PBF.read_bytes()[: DEMO_PBF.stat().st_size // 2])
    out = tmp_path / "out.csv"
    code, _, err = run(capsys, "extract", "cafe", "--from", str(cut), "-o", str(out))
    assert_one_line_error(code, err, "corrupt or truncated")
    assert not out.exists()


@pytest.mark.parametrize("into_length", [1, 3])
def test_it_rejects_a_file_cut_inside_a_block_length(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], into_length: int
) -> None:
    """Cut a few bytes past a block boundary, the file once read as a shorter one: a partial list, exit 0."""
    data = DEMO_PBF.read_bytes()
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(data[: block_starts(data)[-1] + into_length])
    out = tmp_path / "out.csv"
    code, _, err = run(capsys, "extract", "all", "--from", str(cut), "-o", str(out))
    assert_one_line_error(code, err, "corrupt or truncated", f"ends {into_length} byte(s) into the length")
    assert not out.exists()


def test_it_rejects_a_corrupt_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = bytearray(DEMO_PBF.read_bytes())
    for i in range(200_000, 200_400):
        data[i] = 0xFF
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(bytes(data))
    code, _, err = run(capsys, "extract", "cafe", "--from", str(bad))
    assert_one_line_error(code, err, "corrupt or truncated")


def test_it_reports_an_empty_result_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "none.csv"
    code, _, err = run(
        capsys,
        "extract",
        "dentist",
        "--bbox",
        "24.936,60.165,24.9361,60.1651",
        "--from",
        str(DEMO_PBF),
        "-o",
        str(out),
    )
    assert_one_line_error(code, err, "no leads matched")
    assert not out.exists()


#: the demo file's header box, W,S,E,N to four decimals
DEMO_EXTENT = "24.9352,60.1642,24.9534,60.1791"


@pytest.mark.parametrize(
    "area",
    [
        ("--bbox", "13.30,52.50,13.45,52.55"),  # Berlin
        ("--near", "59.4370,24.7536", "--radius", "2km"),  # Tallinn
        ("--polygon", "tampere.geojson"),
    ],
)
def test_it_says_an_area_outside_the_file_lies_outside_its_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], area: tuple[str, ...]
) -> None:
    """An empty result there is no "try a larger area" matter: the file has no data there at all."""
    if area[0] == "--polygon":
        ring = [[23.70, 61.48], [23.80, 61.48], [23.80, 61.52], [23.70, 61.52], [23.70, 61.48]]
        (tmp_path / area[1]).write_bytes(orjson.dumps({"type": "Polygon", "coordinates": [ring]}))
        area = (area[0], str(tmp_path / area[1]))
    out = tmp_path / "none.csv"
    code, _, err = run(capsys, "extract", "all", *area, "--from", str(DEMO_PBF), "-o", str(out))
    assert_one_line_error(code, err, "lies outside the data of", str(DEMO_PBF), f"which covers {DEMO_EXTENT}")
    assert not out.exists()


def test_an_area_that_only_grazes_the_data_keeps_the_empty_result_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "none.csv"
    grazing = "24.90,60.170,24.93518,60.1701"  # ends 4e-6 degrees inside the file's west edge (24.9351762)
    code, _, err = run(capsys, "extract", "dentist", "--bbox", grazing, "--from", str(DEMO_PBF), "-o", str(out))
    assert_one_line_error(code, err, "no leads matched")
    assert not out.exists()


def test_it_rejects_an_unwritable_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "extract", "cafe", "--from", str(DEMO_PBF), "-o", "/proc/leads.csv")
    assert_one_line_error(code, err, "cannot write")


def test_it_rejects_an_unknown_output_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "extract", "cafe", "--from", str(DEMO_PBF), "-o", "leads.docx")
    assert_one_line_error(code, err, "unknown output format '.docx'")


@pytest.mark.parametrize("name", ["leads.xls", "LEADS.XLS", "leads.ods"])
def test_it_refuses_a_spreadsheet_extension_it_cannot_write_before_reading_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """XLSX written under .xls is a file Excel calls corrupt; the refusal comes before the (missing) input is read."""
    out = tmp_path / name
    missing = tmp_path / "not-read.osm.pbf"
    code, _, err = run(capsys, "extract", "cafe", "--from", str(missing), "-o", str(out))
    expected = tmp_path / (out.stem + ".xlsx")
    assert_one_line_error(code, err, "use .xlsx", str(expected), "supported: csv, xlsx, json, ndjson, geojson, parquet")
    assert list(tmp_path.iterdir()) == []


def test_it_rejects_an_invalid_polygon(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bowtie = tmp_path / "bowtie.geojson"
    ring = [[24.93, 60.16], [24.95, 60.18], [24.95, 60.16], [24.93, 60.18], [24.93, 60.16]]
    bowtie.write_bytes(orjson.dumps({"type": "Polygon", "coordinates": [ring]}))
    code, _, err = run(capsys, "extract", "cafe", "--polygon", str(bowtie), "--from", str(DEMO_PBF))
    assert_one_line_error(code, err, "invalid polygon", "Self-intersection")


def test_it_rejects_a_bad_bbox(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "extract", "cafe", "--bbox", "24.95,60.16,24.93", "--from", str(DEMO_PBF))
    assert_one_line_error(code, err, "invalid bbox")


def test_it_rejects_an_unknown_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "extract", "cafe", "--from", str(DEMO_PBF), "-o", "x.csv", "--fields", "name,fax")
    assert_one_line_error(code, err, "unknown field(s) fax")


def test_it_never_prints_a_traceback_from_the_real_command(tmp_path: Path) -> None:
    bogus = tmp_path / "x.osm.pbf"
    bogus.write_bytes(b"\x00\x00\x00\x0dnot really")
    proc = subprocess.run(
        [sys.executable, "-m", "mapleads", "extract", "cafe", "--from", str(bogus)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error:")


@pytest.mark.parametrize(
    "args",
    [
        ("extrakt", "cafe"),
        ("extract",),
        ("extract", "cafe", "--limit", "0"),
        ("extract", "cafe", "--no-such-flag"),
        ("resolve", "a.csv"),
        ("serve", "--port", "abc"),
        ("serve", "--port", "99999"),  # refused before the database is migrated or a worker started
    ],
)
def test_it_reports_a_usage_error_in_one_line(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--help" in lines[0], err


def test_it_refuses_an_empty_place_instead_of_extracting_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "leads.csv"
    code, _, err = run(capsys, "extract", "cafe", "--in", "", "--from", str(DEMO_PBF), "-o", str(out))
    assert_one_line_error(code, err, "--in is empty")
    assert not out.exists()


def test_it_checks_fields_even_without_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "extract", "cafe", "--from", str(DEMO_PBF), "--fields", "name,fax")
    assert_one_line_error(code, err, "unknown field(s) fax")


def test_it_says_an_output_directory_is_not_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "leads.csv"
    folder.mkdir()
    code, _, err = run(capsys, "extract", "cafe", "--from", str(DEMO_PBF), "-o", str(folder))
    assert_one_line_error(code, err, "is a directory")


@pytest.mark.parametrize("what", ["", " , "])
def test_it_refuses_a_blank_category_instead_of_extracting_everything(
    capsys: pytest.CaptureFixture[str], what: str
) -> None:
    code, _, err = run(capsys, "extract", what, "--from", str(DEMO_PBF))
    assert_one_line_error(code, err, "no category given")


@pytest.mark.parametrize("command", [("extract", "cafe", "--from"), ("index", "build")])
def test_an_error_off_a_terminal_is_exactly_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    """No progress bar when stderr is a file or pipe: it would leave a blank line before the error."""
    truncated = tmp_path / "cut.osm.pbf"
    truncated.write_bytes(DEMO_PBF.read_bytes()[:5000])
    proc = subprocess.run(
        [sys.executable, "-m", "mapleads", *command, str(truncated)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MAPLEADS_DATA_DIR": str(tmp_path / "data")},
    )
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [proc.stderr.strip()] and "corrupt or truncated" in proc.stderr


@pytest.mark.parametrize(
    ("fmt", "query", "place"),
    [("geojson", ("all",), None), ("csv", ("all",), None), ("ndjson", ("cafe", "--in", "Kluuvi"), "Kluuvi")],
)
def test_a_plain_extraction_written_by_two_processes_is_the_one_process_file(
    fmt: str,
    query: tuple[str, ...],
    place: str | None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outputs = {}
    for processes in ("1", "2"):
        monkeypatch.setenv("MAPLEADS_WRITE_PROCESSES", processes)
        get_settings.cache_clear()
        out = tmp_path / f"p{processes}.{fmt}"
        code, _, err = run(capsys, "extract", *query, "--from", str(DEMO_PBF), "-o", str(out), "--no-resolve")
        assert code == 0, err
        table = [line for line in err.splitlines() if "│" in line]
        outputs[processes] = (out.read_bytes(), table)
    get_settings.cache_clear()
    assert outputs["1"] == outputs["2"]  # the same file, and the same summary table
    expected = [lead.id for lead in mapleads.extract(query[0], path=DEMO_PBF, place=place)]  # one stream
    assert [lead.id for lead in read_leads(tmp_path / f"p2.{fmt}")] == expected
    assert f" {len(expected)} " in outputs["2"][1][-1]

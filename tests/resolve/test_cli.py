"""`mapleads resolve`, `mapleads diff` and `mapleads suppress` as a user runs them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mapleads.cli import main
from mapleads.export import read_leads, write_leads
from mapleads.lead import Lead
from tests.resolve.conftest import google_rendering

MAYA = "osm:n59622323"


@pytest.fixture
def exports(tmp_path: Path, osm: dict[str, Lead]) -> tuple[Path, Path]:
    """An OSM export of Helsinki (CSV) and a Google-style export of one business (XLSX)."""
    osm_file, google_file = tmp_path / "osm.csv", tmp_path / "google.xlsx"
    write_leads(osm.values(), osm_file)
    write_leads([google_rendering(osm[MAYA], "ChIJmaya", phones_raw=["040 123 4567"])], google_file)
    return osm_file, google_file


def test_resolve_merges_exports_of_two_sources(exports: tuple[Path, Path], tmp_path: Path, capsys) -> None:
    out = tmp_path / "resolved.csv"
    assert main(["resolve", *map(str, exports), "-o", str(out)]) == 0
    leads = {lead.id: lead for lead in read_leads(out)}
    osm_count = sum(1 for _ in read_leads(exports[0]))
    assert len(leads) == osm_count - 2  # the Google record merged, and the two duplicates inside OSM
    assert leads[MAYA].extra["members"] == ["google:ChIJmaya", MAYA]
    assert leads[MAYA].phones == ["+358401234567"]
    assert leads[MAYA].provenance["phones"].source == "google"
    assert 0 <= leads[MAYA].extra["score"] <= 100
    assert f"{osm_count + 1} leads from 2 file(s): 3 duplicates merged" in capsys.readouterr().err


def test_resolve_reads_a_users_own_lead_list(tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "Company,Telephone,Web,Street address,Zip,City,Country\n"
        "Maya Bar & Grill,09 1234567,https://www.maya.fi/?utm_source=x,Mikonkatu 18,00100,Helsinki,FI\n"
        "MAYA BAR AND GRILL OY,+358 9 123 4567,maya.fi,Mikonk. 18,00100,Helsinki,FI\n"
        "Other Place,040 1234567,,Aleksanterinkatu 5,00100,Helsinki,FI\n"
    )
    out = tmp_path / "out.csv"
    assert main(["resolve", str(mine), "-o", str(out), "--no-history"]) == 0
    leads = list(read_leads(out))
    assert [lead.name for lead in leads] == ["Maya Bar & Grill", "Other Place"]
    assert leads[0].extra["members"] == ["file:mine.csv:2", "file:mine.csv:3"]
    assert (leads[0].address.street, leads[0].address.housenumber) == ("Mikonkatu", "18")
    assert leads[0].phones == ["+35891234567"]


def test_resolve_leaves_out_suppressed_businesses(exports: tuple[Path, Path], tmp_path: Path) -> None:
    assert main(["suppress", "add", "maya.fi", "--note", "asked not to be contacted"]) == 0
    out = tmp_path / "resolved.csv"
    assert main(["resolve", *map(str, exports), "-o", str(out)]) == 0
    assert MAYA not in {lead.id for lead in read_leads(out)}


def test_diff_reports_new_changed_and_gone(tmp_path: Path, osm: dict[str, Lead], capsys) -> None:
    leads = list(osm.values())
    write_leads(leads[:-1], tmp_path / "old.csv")
    leads[0].opening_hours = "Mo-Su 00:00-24:00"
    write_leads(leads[1:], tmp_path / "new.csv")
    changes = tmp_path / "changes.csv"
    assert main(["diff", str(tmp_path / "old.csv"), str(tmp_path / "new.csv"), "-o", str(changes)]) == 0
    assert f"new: 1  changed: 0  gone: 1  unchanged: {len(leads) - 2}" in capsys.readouterr().out
    rows = list(csv.DictReader(changes.open()))
    assert [(r["change"], r["id"]) for r in rows] == [("new", leads[-1].id), ("gone", leads[0].id)]


def test_diff_matches_another_tools_export_by_resolution(tmp_path: Path, osm: dict[str, Lead], capsys) -> None:
    write_leads([google_rendering(osm[MAYA], "ChIJmaya", id="google:ChIJmaya")], tmp_path / "old.csv")
    write_leads([osm[MAYA]], tmp_path / "new.csv")
    assert main(["diff", str(tmp_path / "old.csv"), str(tmp_path / "new.csv")]) == 0
    out = capsys.readouterr().out
    assert "new: 0" in out and "gone: 0" in out and "(1 matched by resolution, not by id)" in out
    assert main(["diff", str(tmp_path / "old.csv"), str(tmp_path / "new.csv"), "--no-resolve"]) == 0
    assert "new: 1  changed: 0  gone: 1" in capsys.readouterr().out


def test_suppress_export_list_and_import(tmp_path: Path, capsys) -> None:
    assert main(["suppress", "add", "info@maya.fi", "+358 9 39351"]) == 0
    assert main(["suppress", "add", "--name", "Maya Bar & Grill", "--address", "Mikonkatu 18, 00100 Helsinki"]) == 0
    assert main(["suppress", "export", str(tmp_path / "list.csv")]) == 0
    assert main(["suppress", "list"]) == 0
    listing = capsys.readouterr().out
    assert "name_address" in listing and "maya" not in listing.lower()
    assert main(["suppress", "import", str(tmp_path / "list.csv")]) == 0
    assert "imported 3; the list has 3" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["suppress", "add", "Maya"], "give --kind"),
        (["suppress", "add", "--name", "Maya"], "--name and --address go together"),
        (["resolve", "missing.csv", "-o", "out.csv"], "no such file"),
        (["suppress", "import", "missing.csv"], "no such file"),
        (["suppress", "add", "040 1234567", "--country", "XX"], "not an ISO country code"),
        (["resolve", "missing.csv", "-o", "out.csv", "--country", "Finland"], "not an ISO country code"),
        (["resolve", "missing.csv", "-o", "out.csv", "--fields", "name,fax"], "unknown field(s) fax"),
    ],
)
def test_bad_input_is_one_clear_line(argv: list[str], message: str, capsys) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_file_without_a_name_column_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "no-names.csv"
    path.write_text("Telephone,City\n040 1234567,Helsinki\n")
    assert main(["resolve", str(path), "-o", str(tmp_path / "out.csv")]) == 1
    assert "no name column" in capsys.readouterr().err


def test_extract_resolves_its_own_output_by_default(tmp_path: Path) -> None:
    from tests.resolve.conftest import DEMO_PBF

    resolved, raw = tmp_path / "resolved.csv", tmp_path / "raw.csv"
    assert main(["extract", "all", "--from", str(DEMO_PBF), "-o", str(resolved), "-q"]) == 0
    assert main(["extract", "all", "--from", str(DEMO_PBF), "-o", str(raw), "-q", "--no-resolve"]) == 0
    merged = [lead for lead in read_leads(resolved) if "members" in lead.extra]
    assert [lead.extra["members"] for lead in merged] == [
        ["osm:n1380974058", "osm:n1985596744"],
        ["osm:n5011281354", "osm:n5011281355"],
    ]
    assert sum(1 for _ in read_leads(raw)) == sum(1 for _ in read_leads(resolved)) + 2


def test_resolve_writes_nothing_for_a_file_with_only_a_header(tmp_path: Path, capsys) -> None:
    path, out = tmp_path / "header.csv", tmp_path / "out.csv"
    path.write_text("Name,Phone,Website\n")
    assert main(["resolve", str(path), "-o", str(out)]) == 1
    assert "no leads in" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.xlsx", b"not a zip", "cannot read"),
        ("extract.osm.pbf", b"\x00\x00\x00\x0dOSMHeader", "unknown lead file type '.pbf'"),
    ],
)
def test_a_file_that_is_not_a_lead_list_is_one_clear_line(
    tmp_path: Path, capsys, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["resolve", str(path), "-o", str(tmp_path / "out.csv")]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_damaged_value_in_our_own_export_is_one_clear_line(tmp_path: Path, osm: dict[str, Lead], capsys) -> None:
    export = tmp_path / "osm.csv"
    write_leads(list(osm.values())[:3], export)
    rows = list(csv.DictReader(export.open(encoding="utf-8")))
    rows[1]["lat"] = "sixty"
    with export.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for argv in (["resolve", str(export), "-o", str(tmp_path / "out.csv")], ["diff", str(export), str(export)]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "lead 2 is damaged" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("target", "message"), [("changes.xlsx", "as CSV"), ("folder", "is a directory")])
def test_diff_refuses_an_output_it_cannot_write_before_comparing(
    tmp_path: Path, osm: dict[str, Lead], capsys, target: str, message: str
) -> None:
    write_leads(list(osm.values())[:3], tmp_path / "a.csv")
    (tmp_path / "folder").mkdir()
    out = tmp_path / target
    assert main(["diff", str(tmp_path / "a.csv"), str(tmp_path / "a.csv"), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert message in captured.err and len(captured.err.strip().splitlines()) == 1
    assert captured.out == "" and (out.is_dir() or not out.exists())


def test_diff_writes_its_changes_into_a_new_folder(tmp_path: Path, osm: dict[str, Lead]) -> None:
    write_leads(list(osm.values())[:3], tmp_path / "a.csv")
    out = tmp_path / "reports" / "changes.csv"
    assert main(["diff", str(tmp_path / "a.csv"), str(tmp_path / "a.csv"), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines() == ["change,id,name,fields"]


def test_resolve_writes_nothing_when_a_later_file_is_missing(
    exports: tuple[Path, Path], tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out.csv"
    assert main(["resolve", str(exports[0]), str(tmp_path / "missing.csv"), "-o", str(out), "--no-history"]) == 1
    assert "no such file" in capsys.readouterr().err
    assert list(tmp_path.glob("*out.csv*")) == []

"""`mapleads enrich FILE -o OUT`: CSV and XLSX in, every row and column kept, enriched columns added."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from mapleads.cli import main
from mapleads.export import read_leads, write_leads
from mapleads.lead import Lead
from mapleads.settings import get_settings
from tests.enrich.sitefarm import FarmServer, Site


@pytest.fixture
def farm_env(
    farm: tuple[FarmServer, list[Site]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[Site]]:
    server, sites = farm
    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MAPLEADS_CRAWL_HOST_MAP", json.dumps(server.farm.host_map()))
    monkeypatch.setenv("MAPLEADS_CRAWL_CONNECT_TIMEOUT", "1")  # the https try on a plain-HTTP farm port stalls
    get_settings.cache_clear()
    yield sites
    get_settings.cache_clear()


def _site(sites: list[Site], kind: str) -> Site:
    return next(s for s in sites if s.kind == kind)


def test_it_enriches_a_users_csv_keeping_every_row_and_column(farm_env: list[Site], tmp_path: Path) -> None:
    mailto, socials, jsonld = (_site(farm_env, k) for k in ("mailto", "socials", "jsonld"))
    source = tmp_path / "mine.csv"
    with open(source, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["Company", "Notes", "Website", "Country", "Email"])
        writer.writerow([mailto.name, "called once", mailto.url, "Finland", ""])
        writer.writerow(["No site Oy", "", "", "FI", ""])
        writer.writerow([socials.name, "vip", socials.url.removeprefix("http://").rstrip("/"), "", "boss@own.fi"])
        writer.writerow([jsonld.name, "", jsonld.url, "", ""])
    output = tmp_path / "out.csv"
    assert main(["enrich", str(source), "-o", str(output), "-q"]) == 0
    with open(output, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    assert header[:5] == ["Company", "Notes", "Website", "Country", "Email"]
    assert "email" not in header  # the user's "Email" column is filled instead
    assert {"emails", "phones", "facebook", "enrich_status", "enrich_sources"} <= set(header)
    assert [r["Company"] for r in rows] == [mailto.name, "No site Oy", socials.name, jsonld.name]
    assert rows[0]["Notes"] == "called once" and rows[0]["Country"] == "Finland"
    assert set(rows[0]["emails"].split(";")) == mailto.expect.emails
    assert rows[0]["Email"] in mailto.expect.emails
    assert set(rows[0]["phones"].split(";")) == mailto.expect.phones
    assert rows[1]["enrich_status"] == "no_website" and rows[1]["emails"] == ""
    assert rows[2]["Email"] == "boss@own.fi"  # a value the user had is never overwritten
    assert rows[2]["instagram"] == socials.expect.socials["instagram"]
    assert rows[3]["enrich_status"] == "ok"
    sources = json.loads(rows[3]["enrich_sources"])
    assert all(v["ref"].startswith(jsonld.url) for v in sources.values())


def test_it_enriches_an_xlsx_with_a_url_column_and_keeps_numbers(farm_env: list[Site], tmp_path: Path) -> None:
    site = _site(farm_env, "cfemail")
    source = tmp_path / "mine.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "URL", "Employees"])
    sheet.append([site.name, site.url, 12])
    sheet.append(["Dead link", "http://nowhere.invalid/", 3])
    book.save(source)
    output = tmp_path / "out.xlsx"
    assert main(["enrich", str(source), "-o", str(output), "-q"]) == 0
    rows = list(openpyxl.load_workbook(output, read_only=True).worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:3] == ["Name", "URL", "Employees"]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Employees"] == 12
    assert set(first["emails"].split(";")) == site.expect.emails
    second = dict(zip(header, rows[2], strict=True))
    assert second["enrich_status"] == "unreachable" and second["Employees"] == 3


def test_it_updates_our_own_export_in_place(farm_env: list[Site], tmp_path: Path) -> None:
    site = _site(farm_env, "jsonld")
    exported = tmp_path / "leads.csv"
    lead = Lead(id="osm:n7", name=site.name, source="osm", source_id="node/7", website=site.url)
    write_leads([lead], exported)
    output = tmp_path / "enriched.csv"
    assert main(["enrich", str(exported), "-o", str(output), "-q"]) == 0
    (back,) = list(read_leads(output))
    assert back.id == "osm:n7"
    assert set(back.emails) == site.expect.emails
    assert back.socials == site.expect.socials
    assert back.provenance["emails"].source == "website"
    assert back.extra["enrich"]["status"] == "ok"


def test_a_file_without_a_website_column_is_one_clear_error(
    farm_env: list[Site], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "names.csv"
    source.write_text("name,city\nHelmi,Helsinki\n", encoding="utf-8")
    assert main(["enrich", str(source), "-o", str(tmp_path / "x.csv")]) == 1
    err = capsys.readouterr().err.strip()
    assert "no website column" in err and "name, city" in err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()


def test_a_missing_input_or_an_unwritable_format_is_one_clear_error(
    farm_env: list[Site], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["enrich", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "x.csv")]) == 1
    assert "no such file" in capsys.readouterr().err
    source = tmp_path / "a.csv"
    source.write_text("website\nhttp://x.invalid/\n", encoding="utf-8")
    assert main(["enrich", str(source), "-o", str(tmp_path / "x.geojson")]) == 1
    assert "enrich writes" in capsys.readouterr().err


def _user_table(path: Path, sites: list[Site]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Company", "Website"])
        for site in sites:
            writer.writerow([site.name, site.url])


def test_it_leaves_out_a_row_whose_website_shows_a_suppressed_email(farm_env: list[Site], tmp_path: Path) -> None:
    from mapleads.resolve import SuppressionList

    mailto, jsonld = _site(farm_env, "mailto"), _site(farm_env, "jsonld")
    objected = sorted(mailto.expect.emails)[0]
    store = SuppressionList()
    store.add(objected, "email")
    store.close()
    source, output = tmp_path / "mine.csv", tmp_path / "out.csv"
    _user_table(source, [mailto, jsonld])
    assert main(["enrich", str(source), "-o", str(output), "-q"]) == 0
    with open(output, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Company"] for r in rows] == [jsonld.name]
    assert 0 < int(rows[0]["score"]) <= 100


def test_no_resolve_keeps_a_suppressed_row_and_writes_no_score(farm_env: list[Site], tmp_path: Path) -> None:
    from mapleads.resolve import SuppressionList

    mailto = _site(farm_env, "mailto")
    store = SuppressionList()
    store.add(sorted(mailto.expect.emails)[0], "email")
    store.close()
    source, output = tmp_path / "mine.csv", tmp_path / "out.csv"
    _user_table(source, [mailto])
    assert main(["enrich", str(source), "-o", str(output), "-q", "--no-resolve"]) == 0
    with open(output, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Company"] for r in rows] == [mailto.name]
    assert rows[0]["score"] == ""


def test_it_updates_the_score_of_our_own_export_with_the_contacts_found(farm_env: list[Site], tmp_path: Path) -> None:
    site = _site(farm_env, "mailto")
    exported, output = tmp_path / "leads.csv", tmp_path / "enriched.csv"
    write_leads([Lead(id="osm:n8", name=site.name, source="osm", source_id="node/8", website=site.url)], exported)
    assert main(["enrich", str(exported), "-o", str(output), "-q"]) == 0
    (back,) = list(read_leads(output))
    assert back.emails and back.extra["score_components"]["email"]["points"] > 0

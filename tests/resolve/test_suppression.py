"""The suppression list: keyed hashes only, matched after normalisation, importable and exportable."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest

from mapleads.errors import InputError, MapleadsError
from mapleads.lead import Lead
from mapleads.resolve import SuppressionList, resolve_leads
from mapleads.settings import get_settings

MAYA, HILTON, MARIA = "osm:n59622323", "osm:n55211772", "osm:n56418307"


def _ids(leads: list[Lead]) -> set[str]:
    return {lead.id for lead in leads}


@pytest.mark.parametrize(
    ("value", "kind", "suppressed"),
    [
        ("HelsinkiStrand@Hilton.com", None, HILTON),  # email, other case
        ("+358 44 945 9423", None, MARIA),  # phone, other format
        ("044-9459423", "phone", MARIA),  # national format, country from --country
        ("https://WWW.maya.fi/?utm_source=x", "domain", MAYA),  # website rendering
        ("maya.fi", None, MAYA),
        ("https://www.facebook.com/ravintolalaivamaria", "domain", MARIA),  # platform page
    ],
)
def test_a_suppressed_business_is_never_exported_again(
    helsinki: list[Lead], value: str, kind: str | None, suppressed: str
) -> None:
    store = SuppressionList()
    store.add(value, kind, country="FI")
    resolved = resolve_leads(helsinki, suppression=store)
    assert suppressed not in _ids(resolved)
    assert len(resolved) == len(resolve_leads(helsinki, suppression=False)) - 1


def test_name_and_address_suppress_after_normalisation(helsinki: list[Lead]) -> None:
    store = SuppressionList()
    store.add_name_address("MAYA BAR AND GRILL OY", "Mikonk. 18, 00100 Helsinki", country="FI")
    assert MAYA not in _ids(resolve_leads(helsinki, suppression=store))


def test_the_default_list_applies_to_every_resolution(helsinki: list[Lead]) -> None:
    SuppressionList().add("maya.fi")
    assert MAYA not in _ids(resolve_leads(helsinki))
    assert MAYA in _ids(resolve_leads(helsinki, suppression=False))


def test_a_merged_lead_is_suppressed_by_any_of_its_members_values(osm: dict[str, Lead]) -> None:
    from tests.resolve.conftest import google_rendering

    store = SuppressionList()
    store.add("040 123 4567", "phone", country="FI")  # only the Google record has this number
    google = google_rendering(osm[MAYA], "ChIJmaya", phones_raw=["040 123 4567"])
    assert MAYA not in _ids(resolve_leads([*osm.values(), google], suppression=store))


def test_the_list_stores_no_contact_data(data_dir: Path) -> None:
    store = SuppressionList()
    store.add("private.person@example.org")
    store.add("+358 40 765 4321")
    store.add_name_address("Matti Meikäläinen", "Mikonkatu 18, 00100 Helsinki", country="FI")
    store.close()
    raw = (data_dir / "suppression.sqlite").read_bytes()
    for plain in (b"private.person", b"example.org", b"4076543", b"Meik", b"Mikonkatu"):
        assert plain not in raw
    assert [e.kind for e in SuppressionList().entries()] == ["email", "phone", "name_address"]


def test_a_key_is_generated_once_and_kept_private(data_dir: Path) -> None:
    first = SuppressionList()
    digest = first.add("maya.fi").digest
    key_file = data_dir / "suppression.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert SuppressionList().digest("domain", "maya.fi") == digest


def test_the_configured_key_is_used(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv("MAPLEADS_SUPPRESSION_KEY", "k" * 40)
    get_settings.cache_clear()
    store = SuppressionList()
    store.add("maya.fi")
    assert not (data_dir / "suppression.key").exists()
    assert store.key_id == SuppressionList(key="k" * 40).key_id


def test_export_then_import_elsewhere_with_the_same_key(tmp_path: Path, helsinki: list[Lead]) -> None:
    source = SuppressionList(tmp_path / "a.sqlite", key="shared-secret")
    source.add("maya.fi", note="asked by phone")
    source.add("helsinkistrand@hilton.com")
    assert source.export(tmp_path / "list.csv") == 2
    text = (tmp_path / "list.csv").read_text()
    assert "maya" not in text and "hilton" not in text
    target = SuppressionList(tmp_path / "b.sqlite", key="shared-secret")
    assert target.import_file(tmp_path / "list.csv").added == 2
    assert [e.note for e in target.entries()] == ["asked by phone", None]
    assert {MAYA, HILTON}.isdisjoint(_ids(resolve_leads(helsinki, suppression=target)))


def test_importing_hashes_made_with_another_key_is_refused(tmp_path: Path) -> None:
    SuppressionList(tmp_path / "a.sqlite", key="one").export(tmp_path / "empty.csv")
    source = SuppressionList(tmp_path / "a.sqlite", key="one")
    source.add("maya.fi")
    source.export(tmp_path / "list.csv")
    with pytest.raises(MapleadsError, match="another key"):
        SuppressionList(tmp_path / "b.sqlite", key="two").import_file(tmp_path / "list.csv")


def test_it_imports_a_contact_list_and_skips_values_that_are_not_valid(tmp_path: Path) -> None:
    path = tmp_path / "do-not-contact.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Email", "Phone", "Website", "Address"])
        writer.writerow(["Maya Bar & Grill", "info@maya.fi", "09 1234567", "maya.fi", "Mikonkatu 18, 00100 Helsinki"])
        writer.writerow(["Someone", "", "not a number", "", ""])
    store = SuppressionList()
    result = store.import_file(path, country="FI")
    assert (result.added, result.skipped) == (4, 1)
    assert sorted(e.kind for e in store.entries()) == ["domain", "email", "name_address", "phone"]


def test_it_imports_a_text_file_with_one_value_a_line(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("# objections\ninfo@maya.fi\n+358 9 39351\n\nhilton.com\n")
    assert SuppressionList().import_file(path).added == 3


def test_a_value_of_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="give --kind"):
        SuppressionList().add("Maya")
    with pytest.raises(InputError, match="not a phone number"):
        SuppressionList().add("12345", "phone")


def test_removing_an_entry_exports_the_business_again(helsinki: list[Lead]) -> None:
    store = SuppressionList()
    store.add("maya.fi")
    assert store.remove("https://www.maya.fi/")
    assert MAYA in _ids(resolve_leads(helsinki, suppression=store))


@pytest.mark.parametrize(("name", "message"), [("list.xlsx", "as CSV"), ("folder", "as CSV")])
def test_export_refuses_a_file_name_that_is_not_csv(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(InputError, match=message):
        SuppressionList(tmp_path / "a.sqlite", key="k").export(tmp_path / name)


def test_export_to_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"cannot write /proc/list\.csv"):
        SuppressionList(tmp_path / "a.sqlite", key="k").export("/proc/list.csv")


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_it_imports_a_text_file_in_a_windows_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes("info@café.fi\r\n+358 40 1234567\r\n".encode(encoding))
    assert SuppressionList(tmp_path / "a.sqlite", key="k").import_file(path).added == 2

"""Reading users' own lead lists: header aliases, free-text addresses, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapleads.errors import InputError
from mapleads.resolve.files import read_any_leads


def test_it_maps_the_usual_column_names(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(
        "Business Name;Phone Number;E-mail;Homepage;Address;Latitude;Longitude\n"
        "Maya Bar & Grill;09 1234567;info@maya.fi, sales@maya.fi;maya.fi;Mikonkatu 18, 00100 Helsinki;60,1721;24,9450\n"
    )
    [lead] = read_any_leads(path)
    assert (lead.id, lead.source, lead.source_id) == ("file:crm.csv:2", "file", "crm.csv#2")
    assert lead.phones_raw == ["09 1234567"]
    assert lead.emails == ["info@maya.fi", "sales@maya.fi"]
    assert (lead.address.street, lead.address.housenumber, lead.address.postcode, lead.address.city) == (
        "Mikonkatu",
        "18",
        "00100",
        "Helsinki",
    )
    assert (lead.lat, lead.lon) == (60.1721, 24.945)
    assert lead.provenance["phones"].ref == "crm.csv:Phone Number"


def test_a_bad_coordinate_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Name,Lat,Lon\nMaya,north,24.9\n")
    with pytest.raises(InputError, match=r"crm\.csv row 2: not a coordinate"):
        list(read_any_leads(path))


def test_rows_without_a_name_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Name,Phone\n,040 1234567\nMaya,09 1234567\n")
    assert [lead.name for lead in read_any_leads(path)] == ["Maya"]


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ("'60.1721", "'24.945", (60.1721, 24.945)),
        ("60.1721° N", "24.945 E", (60.1721, 24.945)),
        ("33.9 S", "18.4 W", (-33.9, -18.4)),
        ("N/A", "-", (None, None)),
    ],
)
def test_it_reads_coordinates_written_as_text(tmp_path: Path, lat: str, lon: str, expected: tuple) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(f"Name\tLat\tLon\nMaya\t{lat}\t{lon}\n", encoding="utf-8")
    [lead] = read_any_leads(path)
    assert (lead.lat, lead.lon) == expected


def test_a_coordinate_out_of_range_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Name,Lat,Lon\nMaya,999,24.9\n")
    with pytest.raises(InputError, match=r"crm\.csv row 2: coordinate '999' is out of range"):
        list(read_any_leads(path))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_it_reads_semicolon_lists_in_the_encodings_excel_writes(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "crm.csv"
    text = "Nimi;Puhelin;Osoite\r\nCafé Ström;09 1234567;Mannerheimintie 5, 00100 Helsinki\r\n"
    path.write_bytes(text.encode(encoding))
    [lead] = read_any_leads(path)
    assert (lead.name, lead.phones_raw, lead.address.street) == ("Café Ström", ["09 1234567"], "Mannerheimintie")


def test_a_non_utf8_byte_late_in_a_long_file_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    rows = "".join(f"Place {i},09 {i}\n" for i in range(100_000))
    path.write_bytes(f"Name,Phone\n{rows}Kahvila Äijä,09 1\n".encode("cp1252"))
    assert list(read_any_leads(path))[-1].name == "Kahvila Äijä"


def test_an_empty_file_is_named_empty(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="is empty"):
        list(read_any_leads(path))


def test_it_reads_the_first_sheet_that_has_a_header_row(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "crm.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    sheet = book.create_sheet("Leads")
    sheet.append(["Company", "Latitude", "Longitude", "Website"])
    sheet.append(["Maya", "60.1721", 24.945, "maya.fi"])
    book.save(path)
    [lead] = read_any_leads(path)
    assert (lead.name, lead.lat, lead.lon, lead.website) == ("Maya", 60.1721, 24.945, "maya.fi")

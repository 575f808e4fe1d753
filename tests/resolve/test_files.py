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

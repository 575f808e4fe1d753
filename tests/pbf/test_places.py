"""Place names from the file's own boundaries and place nodes, and exact clipping to them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import shapely

import mapleads
from mapleads.errors import AreaError
from mapleads.lead import Lead
from mapleads.sources.pbf import PbfSource
from mapleads.sources.pbf.place_objects import PlaceObjects
from mapleads.sources.pbf.places import build_places
from tests.conftest import DEMO_PBF


@pytest.fixture(scope="module")
def source() -> PbfSource:
    return PbfSource(DEMO_PBF)


def test_it_closes_a_partial_boundary_along_the_data_edge(source: PbfSource) -> None:
    kamppi = source.resolve_place("Kamppi")
    assert kamppi.kind == "place"
    assert any("3 of its 8 boundary ways" in note for note in kamppi.notes)
    kluuvi = source.resolve_place("Kluuvi")
    assert any("4 of its 6 boundary ways" in note for note in kluuvi.notes)
    assert not kamppi.geometry.overlaps(kluuvi.geometry) or kamppi.geometry.intersection(kluuvi.geometry).area < 1e-9


def test_it_clips_leads_exactly_to_the_district(source: PbfSource, all_leads: dict[str, Lead]) -> None:
    kamppi = source.resolve_place("Kamppi")
    inside = {lead.id for lead in mapleads.extract("all", path=DEMO_PBF, place="Kamppi")}
    assert 100 < len(inside) < len(all_leads)
    for lead in all_leads.values():
        point = shapely.Point(lead.lon, lead.lat)
        assert (lead.id in inside) == kamppi.geometry.intersects(point), lead.name


def test_districts_do_not_share_leads() -> None:
    seen: dict[str, str] = {}
    for district in ("Kamppi", "Kluuvi", "Kaartinkaupunki"):
        for lead in mapleads.extract("all", path=DEMO_PBF, place=district):
            assert lead.id not in seen, f"{lead.name} in {seen.get(lead.id)} and {district}"
            seen[lead.id] = district


def test_it_uses_the_whole_file_for_a_city_whose_boundary_lies_outside_it(source: PbfSource) -> None:
    helsinki = source.resolve_place("Helsinki")
    assert any("whole file lies inside it" in note for note in helsinki.notes)


def test_it_explains_a_gap_inside_the_data(source: PbfSource) -> None:
    with pytest.raises(AreaError, match=r"Kruununhaka .* incomplete .* gap lies inside the data .*--bbox"):
        source.resolve_place("Kruununhaka")


def test_it_suggests_names_for_an_unknown_place(source: PbfSource) -> None:
    with pytest.raises(AreaError, match="did you mean: Kamppi"):
        source.resolve_place("Kampi")


def test_it_reports_ambiguous_names_with_their_choices(source: PbfSource) -> None:
    with pytest.raises(AreaError, match=r"ambiguous .*way/\d+.*way/\d+"):
        source.resolve_place("Vuohi")


def test_it_accepts_a_reference_from_the_choices(source: PbfSource) -> None:
    assert source.resolve_place("relation/184714").name == "Kamppi"


def test_it_matches_names_without_case_or_accents(source: PbfSource) -> None:
    assert source.resolve_place("kamppi").name == "Kamppi"
    assert source.resolve_place("KAARTINKAUPUNKI").name == "Kaartinkaupunki"


def test_it_uses_a_radius_around_a_place_node_without_boundary_and_says_so(source: PbfSource) -> None:
    area = source.resolve_place("Hakaniemi")
    assert any("no boundary in this file" in note for note in area.notes)


@pytest.fixture(scope="module")
def headerless_cut(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cut of the demo file made by osmium-tool, whose header declares no bounding box."""
    if shutil.which("osmium") is None:
        pytest.skip("osmium-tool is not installed (make test installs it)")
    out = tmp_path_factory.mktemp("cut") / "cut.osm.pbf"
    subprocess.run(
        ["osmium", "extract", "-b", "24.94,60.165,24.95,60.175", "-s", "simple", str(DEMO_PBF), "-O", "-o", str(out)],
        check=True,
        capture_output=True,
    )
    return out


def test_it_closes_boundaries_along_the_node_extent_when_the_header_has_no_bbox(headerless_cut: Path) -> None:
    area = PbfSource(headerless_cut).resolve_place("Kluuvi")
    assert any("boundary ways in this file" in note for note in area.notes)
    leads = list(mapleads.extract("all", path=headerless_cut, area=area))
    assert leads
    assert all(area.contains(lead.lat, lead.lon) for lead in leads)  # type: ignore[arg-type]


def test_it_takes_a_place_with_its_city_as_people_write_it(source: PbfSource) -> None:
    """ "Kluuvi, Helsinki" (the form Nominatim is asked in) means the Kluuvi inside Helsinki."""
    assert source.resolve_place("Kluuvi, Helsinki").geometry.equals(source.resolve_place("Kluuvi").geometry)
    assert source.resolve_place("Kamppi,").name == "Kamppi"


def test_a_place_outside_the_named_city_stays_unknown(source: PbfSource) -> None:
    with pytest.raises(AreaError, match="unknown place 'Kluuvi, Espoo'"):
        source.resolve_place("Kluuvi, Espoo")


def test_a_closed_way_place_is_its_outline_made_valid_and_an_open_one_is_closed_at_the_edge() -> None:
    objects = PlaceObjects()
    square, bow_tie, cut = (
        shapely.LineString([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]),
        shapely.LineString([(2, 0), (3, 1), (3, 0), (2, 1), (2, 0)]),  # crosses itself
        shapely.LineString([(4, -1), (4, 0.5), (6, 0.5), (6, -1)]),  # runs off the data's south edge
    )
    for osm_id in (1, 2, 3):
        objects.add_way(osm_id, {"name": f"Tori {osm_id}", "place": "square"})
    objects.add_node(9, {"name": "Tori 3", "place": "square"}, 5.0, 0.0)
    places = build_places(objects, {1: square, 2: bow_tie, 3: cut}, {}, (-1.0, -0.5, 7.0, 2.0))
    shapes = {p.ref: shapely.from_wkb(p.wkb) for p in places if p.wkb is not None}
    assert shapes["way/1"].equals(shapely.Polygon(square.coords))
    assert shapes["way/2"].is_valid and shapes["way/2"].area == pytest.approx(0.5)
    assert shapes["way/3"].contains(shapely.Point(5.0, 0.0)) and not shapes["way/3"].contains(shapely.Point(5, 1))
    assert [p.complete for p in places if p.ref.startswith("way/")] == [True, True, False]

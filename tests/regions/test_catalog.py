from __future__ import annotations

import pytest

from mapleads.errors import MapleadsError
from mapleads.regions import load_catalog
from mapleads.regions.catalog import RegionError, parse_catalog

from .geofabrik_server import GeofabrikServer


@pytest.mark.parametrize(
    "typed",
    ["Berlin", "berlin", "germany/berlin", "europe/germany/berlin", "berlin-latest", "berlin-latest.osm.pbf"],
)
def test_it_finds_a_region_however_the_name_is_typed(geofabrik: GeofabrikServer, typed: str) -> None:
    assert load_catalog().find(typed).path == "europe/germany/berlin"


def test_it_finds_a_country_by_its_iso_code(geofabrik: GeofabrikServer) -> None:
    assert load_catalog().find("DE").path == "europe/germany"


def test_it_reports_a_name_that_means_two_regions(geofabrik: GeofabrikServer) -> None:
    with pytest.raises(RegionError) as exc:
        load_catalog().find("Georgia")
    assert "ambiguous" in str(exc.value)
    assert "europe/georgia" in str(exc.value) and "north-america/us/georgia" in str(exc.value)


def test_it_accepts_the_full_path_of_an_ambiguous_name(geofabrik: GeofabrikServer) -> None:
    assert load_catalog().find("us/georgia").path == "north-america/us/georgia"


def test_it_suggests_close_names_for_an_unknown_region(geofabrik: GeofabrikServer) -> None:
    with pytest.raises(RegionError, match=r"unknown region 'Berln'; did you mean: .*europe/germany/berlin"):
        load_catalog().find("Berln")


def test_it_refuses_a_document_that_is_not_a_region_index() -> None:
    with pytest.raises(MapleadsError, match=r"not a Geofabrik index-v1.json"):
        parse_catalog(b'{"hello": "world"}', "http://mirror.invalid/index-v1.json")


def test_it_explains_an_unreachable_index(geofabrik: GeofabrikServer) -> None:
    with pytest.raises(MapleadsError, match=r"could not fetch the region index .*HTTP 404"):
        load_catalog(geofabrik.base + "/missing.json")

"""The index answers exactly what a direct .pbf extraction answers (same ids, same records)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from mapleads.areas import Area, area_from_bbox, area_from_polygon_file, area_from_radius
from mapleads.errors import AreaError
from mapleads.index.build import BuildResult
from mapleads.index.source import IndexSource
from mapleads.lead import Lead
from mapleads.sources.base import Query
from mapleads.sources.pbf import PbfSource

from .conftest import DEMO

# central Helsinki demo data: 24.935..24.953 E, 60.164..60.179 N
BBOXES = {
    "south-west quarter": "24.935,60.164,24.944,60.1715",
    "north strip": "24.935,60.175,24.954,60.18",
    "tiny block": "24.9405,60.1685,24.9425,60.1695",
}


def _triangle(tmp: Path) -> Area:
    ring = [[24.938, 60.165], [24.952, 60.168], [24.944, 60.178], [24.938, 60.165]]
    path = tmp / "triangle.geojson"
    path.write_bytes(orjson.dumps({"type": "Polygon", "coordinates": [ring]}))
    return area_from_polygon_file(path)


def _areas(tmp: Path) -> dict[str, Area | None]:
    areas: dict[str, Area | None] = {name: area_from_bbox(b) for name, b in BBOXES.items()}
    areas["500 m around the station"] = area_from_radius("60.1710,24.9414", "500m")
    areas["triangle polygon"] = _triangle(tmp)
    areas["whole file"] = None
    return areas


QUERIES = [
    (None, "whole file"),
    (None, "south-west quarter"),
    (None, "triangle polygon"),
    (["restaurant"], "whole file"),
    (["restaurant"], "500 m around the station"),
    (["cafe"], "north strip"),
    (["cafe", "restaurant"], "triangle polygon"),
    (["dentist"], "500 m around the station"),
    (["hairdresser"], "south-west quarter"),
    (["restaurant"], "tiny block"),
]


@pytest.mark.parametrize(("categories", "area_name"), QUERIES)
def test_the_index_returns_the_same_leads_as_the_pbf(
    helsinki_index: BuildResult, tmp_path: Path, categories: list[str] | None, area_name: str
) -> None:
    area = _areas(tmp_path)[area_name]
    query = Query(categories=categories, area=area)
    direct = list(PbfSource(DEMO).leads(query))
    indexed = list(IndexSource(index=helsinki_index.index_dir).leads(query))
    assert direct, "the query should find something in the demo data"
    assert [lead.id for lead in indexed] == [lead.id for lead in direct]
    if area is None:  # address completion near an area's edge may see fewer neighbours in a clipped scan
        assert [_record(lead) for lead in indexed] == [_record(lead) for lead in direct]


def _record(lead: Lead) -> dict[str, object]:
    """The full record; without a header date, the .pbf source dates a file by its newest *matching* object,
    so a category query gets an earlier date than the whole file (the index keeps the whole file's)."""
    record = lead.to_dict()
    record.pop("snapshot_date")
    return record


def test_the_index_holds_every_lead_of_the_file(helsinki_index: BuildResult) -> None:
    every = list(PbfSource(DEMO).leads(Query()))
    assert helsinki_index.manifest["leads"] == len(every) > 1000


PLACE_QUERIES = [
    (["dentist"], "Kamppi"),
    (["restaurant", "cafe"], "Kluuvi"),
    (None, "Punavuori"),
    (["hairdresser"], "Helsinki"),  # a city boundary cut at the data's edge, closed along it
    (None, "Rautatientori"),
    (["restaurant"], "relation/184714"),  # a place by its OSM ref
]


@pytest.mark.parametrize(("categories", "place"), PLACE_QUERIES)
def test_places_resolve_and_answer_like_the_pbf(
    helsinki_index: BuildResult, categories: list[str] | None, place: str
) -> None:
    pbf, index = PbfSource(DEMO), IndexSource(index=helsinki_index.index_dir)
    from_pbf, from_index = pbf.resolve_place(place), index.resolve_place(place)
    assert from_index.geometry.equals(from_pbf.geometry) and from_index.notes == from_pbf.notes
    direct = [lead.id for lead in pbf.leads(Query(categories=categories, area=from_pbf))]
    indexed = [lead.id for lead in index.leads(Query(categories=categories, area=from_index))]
    assert direct and indexed == direct


@pytest.mark.parametrize("place", ["Vuohi", "Kallio", "Linjat", "Atlantis", "Kampi"])
def test_ambiguous_incomplete_and_unknown_places_fail_like_the_pbf(helsinki_index: BuildResult, place: str) -> None:
    with pytest.raises(AreaError) as from_pbf:
        PbfSource(DEMO).resolve_place(place)
    with pytest.raises(AreaError) as from_index:
        IndexSource(index=helsinki_index.index_dir).resolve_place(place)
    assert str(from_index.value) == str(from_pbf.value)

"""The lead scan collects the same places as the place reader's own passes (an index build reads the file once)."""

from __future__ import annotations

import pytest
import shapely

from mapleads.sources.base import Query
from mapleads.sources.pbf import PbfSource, source
from mapleads.sources.pbf.places import Place, read_places
from tests.conftest import DEMO_PBF


def _same(a: Place, b: Place) -> bool:
    shapes_equal = (a.wkb is None and b.wkb is None) or (
        a.wkb is not None and b.wkb is not None and shapely.equals(shapely.from_wkb(a.wkb), shapely.from_wkb(b.wkb))
    )
    fields = ("name", "ref", "kind", "names", "admin_level", "place", "label", "complete", "notes", "error")
    return shapes_equal and all(getattr(a, f) == getattr(b, f) for f in fields)


def test_it_finds_every_place_the_place_reader_finds() -> None:
    read, read_box = read_places(DEMO_PBF)
    whole = PbfSource(DEMO_PBF).scan_whole()
    scanned = whole.places.result()
    assert whole.data_box == read_box
    assert [p.ref for p in scanned] == [p.ref for p in read]
    assert all(_same(a, b) for a, b in zip(scanned, read, strict=True))
    assert any(p.name == "Kamppi" and p.wkb for p in scanned)  # a real district with an area


def test_its_leads_are_the_plain_extractions() -> None:
    whole = PbfSource(DEMO_PBF).scan_whole()
    assert [lead.to_dict() for lead in whole.leads()] == [lead.to_dict() for lead in PbfSource(DEMO_PBF).leads(Query())]


def test_its_leads_in_parts_are_the_whole_in_order() -> None:
    whole = PbfSource(DEMO_PBF).scan_whole()
    parts = [lead.to_dict() for part in range(3) for lead in whole.leads(part, 3)]
    assert len(parts) > 1000
    assert parts == [lead.to_dict() for lead in whole.leads()]


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_its_places_built_side_by_side_are_the_ones_built_alone(
    processes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "PLACE_PROCESSES", 1)
    alone = PbfSource(DEMO_PBF).scan_whole().places.result()
    monkeypatch.setattr(source, "PLACE_PROCESSES", processes)
    shared = PbfSource(DEMO_PBF).scan_whole().places.result()
    assert len(shared) == len(alone) > 20
    assert all(_same(a, b) for a, b in zip(shared, alone, strict=True))

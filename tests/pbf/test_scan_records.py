"""A scan's findings: records the garbage collector never walks, pickled between processes as rows."""

from __future__ import annotations

import gc
import pickle
from pathlib import Path

from mapleads.sources.pbf.scan import ScanResult, scan
from mapleads.taxonomy import get_taxonomy


def _scan(demo_pbf: Path) -> ScanResult:
    return scan(demo_pbf, get_taxonomy())


def test_candidates_and_address_carriers_are_not_tracked_by_the_collector(demo_pbf: Path) -> None:
    result = _scan(demo_pbf)
    records = [*result.candidates, *result.address_points, *result.address_areas]
    assert len(result.candidates) > 1000 and result.address_points and result.address_areas
    assert not any(gc.is_tracked(r) for r in records)


def test_a_scan_result_comes_back_whole_from_a_pickle(demo_pbf: Path) -> None:
    result = _scan(demo_pbf)
    back = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    assert back.candidates == result.candidates
    assert back.address_points == result.address_points
    assert back.address_areas == result.address_areas
    assert (back.countries, back.latest, back.member_ways) == (result.countries, result.latest, result.member_ways)
    named = next(c for c in back.candidates if c.tags.get("name") == "Hilton Helsinki Strand")
    assert named.tags["tourism"] == "hotel"

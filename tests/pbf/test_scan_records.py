"""A scan's findings: records the garbage collector never walks, marshalled between processes as rows."""

from __future__ import annotations

import gc
import marshal
import math
import sys
from pathlib import Path

import osmium

from mapleads.sources.pbf.scan import NODE, WAY, ScanResult, scan
from mapleads.sources.pbf.shared_scan import MARSHAL_VERSION
from mapleads.taxonomy import BUSINESS_KEYS, get_taxonomy


def _scan(demo_pbf: Path) -> ScanResult:
    return scan(demo_pbf, get_taxonomy())


def test_candidates_and_address_carriers_are_not_tracked_by_the_collector(demo_pbf: Path) -> None:
    result = _scan(demo_pbf)
    records = [*result.candidates, *result.address_areas]
    assert len(result.candidates) > 1000 and result.address_points and result.address_areas
    assert not any(gc.is_tracked(r) for r in records)
    # the address points are columns: two arrays of coordinates, one of ids, a list of address tuples
    points = result.address_points
    assert len(points) == len(points.lons) == len(points.lats) == len(points.addresses) > 1000


def test_a_scan_result_comes_back_whole_from_its_marshalled_rows(demo_pbf: Path) -> None:
    result = _scan(demo_pbf)
    back = ScanResult.from_rows(marshal.loads(marshal.dumps(result.rows(), MARSHAL_VERSION)))
    assert back.candidates == result.candidates
    assert back.address_points == result.address_points
    assert back.columns.rows() == result.columns.rows()  # as bytes: the NaN of a way is never equal to itself
    assert back.address_areas == result.address_areas
    assert (back.countries, back.latest, back.member_ways) == (result.countries, result.latest, result.member_ways)
    named = next(c for c in back.candidates if c.tags.get("name") == "Hilton Helsinki Strand")
    assert named.tags["tourism"] == "hotel"


def test_shared_strings_and_key_tuples_stay_shared(demo_pbf: Path) -> None:
    result = _scan(demo_pbf)
    back = ScanResult.from_rows(marshal.loads(marshal.dumps(result.rows(), MARSHAL_VERSION)))
    by_keys: dict[tuple[str, ...], int] = {}
    for c in back.candidates:
        by_keys.setdefault(c.keys, id(c.keys))
        assert id(c.keys) == by_keys[c.keys]  # one tuple per distinct key set, as the scan held them
    value = next(v for c in back.candidates for v in c.values if v == "yes")
    assert sys.intern(value) is value


def test_every_address_node_is_a_point_with_its_location_and_address(demo_pbf: Path) -> None:
    points = _scan(demo_pbf).address_points
    by_id = {osm_id: k for k, osm_id in enumerate(points.ids)}
    expected = 0
    for node in osmium.FileProcessor(str(demo_pbf), osmium.osm.NODE):
        if "addr:housenumber" not in node.tags:
            continue
        expected += 1
        k = by_id[node.id]
        assert (points.lons[k], points.lats[k]) == (node.location.lon, node.location.lat)
        street = node.tags.get("addr:street") or node.tags.get("addr:place")
        assert points.addresses[k][:2] == (street, node.tags["addr:housenumber"])
        assert points.ref(k) == f"node/{node.id}"
    assert len(points) == expected > 1000


def test_each_candidate_has_its_kind_and_a_nodes_location_in_the_columns(demo_pbf: Path) -> None:
    result = _scan(demo_pbf)
    columns = result.columns
    assert len(columns) == len(result.candidates) > 1000
    nodes = {c.osm_id: k for k, c in enumerate(result.candidates) if c.kind == NODE}
    for node in osmium.FileProcessor(str(demo_pbf), osmium.osm.NODE).with_filter(osmium.filter.IdFilter(nodes)):
        k = nodes.pop(node.id)
        assert (columns.lons[k], columns.lats[k]) == (node.location.lon, node.location.lat)
    assert not nodes
    for k, candidate in enumerate(result.candidates):
        assert columns.kinds[k] == candidate.kind
        assert math.isnan(columns.lons[k]) == (candidate.kind != NODE)


def test_a_named_building_without_a_business_lends_its_address_and_is_no_candidate(demo_pbf: Path) -> None:
    """Named ways with an address and no business key (Lasipalatsi, Hopeatalo ...) are read as address areas
    only; the named ways with a business key are candidates with all their tags."""
    result = _scan(demo_pbf)
    areas = {a.osm_id: a for a in result.address_areas if a.kind == WAY}
    candidates = {c.osm_id: c for c in result.candidates if c.kind == WAY}
    buildings = businesses = 0
    for way in osmium.FileProcessor(str(demo_pbf), osmium.osm.WAY):
        tags = dict(way.tags)
        if "name" not in tags:
            continue
        if not any(key in tags for key in BUSINESS_KEYS):
            if "addr:housenumber" in tags and way.is_closed():
                assert way.id not in candidates
                assert areas[way.id].address[:2] == (tags.get("addr:street"), tags["addr:housenumber"])
                buildings += 1
        elif way.id in candidates:
            assert candidates[way.id].tags == tags
            businesses += 1
    assert buildings > 20 and businesses > 20
    assert areas[8035238].address[1] is not None  # Lasipalatsi

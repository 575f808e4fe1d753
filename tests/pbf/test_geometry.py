"""Ways and multipolygons get a point inside their shape, not a centroid in a courtyard."""

from __future__ import annotations

import osmium
import shapely

from mapleads.lead import Lead
from mapleads.sources.pbf.geometry import multipolygon, representative_points, simple_multipolygons
from mapleads.sources.pbf.scan import _way_wkb
from tests.conftest import DEMO_PBF


def test_it_places_every_closed_way_lead_inside_its_outline(all_leads: dict[str, Lead]) -> None:
    way_ids = {int(k[5:]) for k in all_leads if k.startswith("osm:w")}
    fp = osmium.FileProcessor(str(DEMO_PBF)).with_locations().with_filter(osmium.filter.IdFilter(way_ids))
    checked = 0
    for obj in fp:
        if not obj.is_way() or not obj.is_closed():
            continue
        coords = [(n.lon, n.lat) for n in obj.nodes if n.location.valid()]
        if len(coords) < 4:
            continue
        shape = shapely.make_valid(shapely.Polygon(coords))
        lead = all_leads[f"osm:w{obj.id}"]
        assert shape.buffer(1e-7).contains(shapely.Point(lead.lon, lead.lat)), lead.name
        assert lead.provenance["location"].rule == "point_inside_shape"
        checked += 1
    assert checked >= 20


def test_it_moves_a_point_out_of_a_u_shaped_courtyard() -> None:
    u_shape = shapely.Polygon([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)])
    assert not u_shape.contains(u_shape.centroid)
    lons, lats = representative_points(shapely.from_wkb([shapely.to_wkb(u_shape)]))
    assert u_shape.contains(shapely.Point(lons[0], lats[0]))


def test_it_keeps_the_centroid_of_a_convex_building() -> None:
    square = shapely.box(0, 0, 2, 2)
    lons, lats = representative_points(shapely.from_wkb([shapely.to_wkb(square)]))
    assert (lons[0], lats[0]) == (1.0, 1.0)


def _ways(*rings: list[tuple[float, float]]) -> dict[int, bytes]:
    return {k: shapely.to_wkb(shapely.LineString(ring)) for k, ring in enumerate(rings, start=1)}


SQUARE = [(0, 0), (4, 0), (4, 4), (0, 4), (0, 0)]
COURTYARD = [(1, 1), (2, 1), (2, 2), (1, 2), (1, 1)]
SECOND_COURTYARD = [(3, 3), (3.5, 3), (3.5, 3.5), (3, 3)]


def test_a_closed_outer_way_round_closed_inner_ways_is_the_same_shape_either_way() -> None:
    ways = _ways(SQUARE, COURTYARD, SECOND_COURTYARD)
    relations = [[(1, "outer"), (2, "inner"), (3, "inner")], [(2, "inner"), (1, "")], [(1, "outer")]]
    simple = simple_multipolygons(relations, ways)
    for members, shape in zip(relations, simple, strict=True):
        assembled, complete = multipolygon(members, ways)
        assert complete and shape is not None and shape.equals(assembled)
    assert simple[0] is not None and simple[0].area == 16 - 1 - 0.125


def test_it_leaves_to_the_general_assembly_what_is_not_one_closed_ring_round_closed_ones() -> None:
    halves = [(0, 0), (4, 0), (4, 4)], [(4, 4), (0, 4), (0, 0)]
    bow_tie = [(0, 0), (4, 4), (4, 0), (0, 4), (0, 0)]
    ways = _ways(SQUARE, COURTYARD, *halves, bow_tie, [(9, 9), (10, 9), (10, 10), (9, 9)])
    relations = [
        [(3, "outer"), (4, "outer")],  # an outer ring made of two ways
        [(1, "outer"), (2, "inner"), (99, "inner")],  # a member missing from the data
        [(2, "inner")],  # no outer way
        [(5, "outer")],  # a self-intersecting ring
        [(1, "outer"), (6, "outer")],  # two outer rings
        [(1, "outer"), (6, "inner")],  # a "hole" outside its ring
    ]
    assert simple_multipolygons(relations, ways) == [None] * len(relations)
    assembled, complete = multipolygon(relations[0], ways)
    assert complete and assembled is not None and assembled.equals(shapely.Polygon(SQUARE))


def test_a_way_cut_at_the_extracts_edge_keeps_the_nodes_that_are_there() -> None:
    """The demo extract cuts ways at its edge: their WKB is the line through the nodes the file has (the fast
    path, libosmium's factory, refuses such ways), and a way with fewer than two of them has none."""
    factory = osmium.geom.WKBFactory()
    cut = whole = short = 0
    for way in osmium.FileProcessor(str(DEMO_PBF), osmium.osm.NODE | osmium.osm.WAY).with_locations():
        if not way.is_way():
            continue
        present = [(n.lon, n.lat) for n in way.nodes if n.location.valid()]
        line = _way_wkb(factory, way)
        if len(present) == len(way.nodes):
            whole += line is not None
            continue
        if len(present) < 2:
            assert line is None
            short += 1
            continue
        assert line is not None
        assert shapely.get_coordinates(shapely.from_wkb(line)).tolist() == [list(c) for c in present]
        cut += 1
    assert cut > 50 and whole > 1000 and short > 0

"""Ways and multipolygons get a point inside their shape, not a centroid in a courtyard."""

from __future__ import annotations

import osmium
import shapely

from mapleads.lead import Lead
from mapleads.sources.pbf.geometry import representative_points
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

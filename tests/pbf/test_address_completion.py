"""Address completion, checked against the building geometry read independently with pyosmium."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import osmium
import pytest
import shapely

import mapleads
from mapleads.lead import Lead
from mapleads.sources.pbf import addresses
from tests.conftest import DEMO_PBF


def _way(way_id: int) -> tuple[dict[str, str], shapely.Polygon]:
    fp = osmium.FileProcessor(str(DEMO_PBF)).with_locations().with_filter(osmium.filter.IdFilter([way_id]))
    for obj in fp:
        if obj.is_way():
            return dict(obj.tags), shapely.Polygon([(n.lon, n.lat) for n in obj.nodes])
    raise AssertionError(f"way {way_id} not in the demo file")


def test_it_takes_the_address_of_the_enclosing_building(all_leads: dict[str, Lead]) -> None:
    bank = all_leads["osm:n92556620"]  # a Nordea branch mapped as a node without addr:* tags
    assert "addr:street" not in bank.tags
    tags, shape = _way(122595198)
    assert shape.contains(shapely.Point(bank.lon, bank.lat))
    assert bank.address.street == tags["addr:street"]
    assert bank.address.housenumber == tags["addr:housenumber"]
    assert bank.provenance["address.street"].rule == "enclosing_building"
    assert bank.provenance["address.street"].ref == "way/122595198"
    assert bank.extra["address_inferred"] == "enclosing_building"


def test_it_never_overwrites_a_tagged_part(all_leads: dict[str, Lead]) -> None:
    kiosk = all_leads["osm:n317551811"]
    assert kiosk.address.postcode == kiosk.tags["addr:postcode"]
    assert kiosk.provenance["address.postcode"].rule == "tag"
    assert kiosk.provenance["address.street"].rule == "enclosing_building"


def test_it_falls_back_to_the_nearest_address_point_within_the_radius(all_leads: dict[str, Lead]) -> None:
    inferred = [x for x in all_leads.values() if x.extra.get("address_inferred") == "nearest_address"]
    assert inferred
    for lead in inferred:
        ref = lead.provenance["address.housenumber"].ref
        distance = float(ref.split("(")[1].split(" m")[0])
        assert distance <= 25.0


def test_it_keeps_a_business_street_when_the_neighbour_disagrees(all_leads: dict[str, Lead]) -> None:
    for lead in all_leads.values():
        own_street = lead.tags.get("addr:street")
        if own_street:
            assert lead.address.street == own_street


def test_it_keeps_a_unit_tagged_as_flats_when_it_completes_the_rest(tmp_path: Path) -> None:
    """The bank node above, given `addr:flats` (a unit key the scan's own address tuple does not read): the
    building fills street and number, the unit stays."""
    path = tmp_path / "flats.osm.pbf"
    with osmium.SimpleWriter(str(path)) as writer:
        for obj in osmium.FileProcessor(str(DEMO_PBF)):
            if obj.is_node() and obj.id == 92556620:
                obj = obj.replace(tags={**dict(obj.tags), "addr:flats": "2"})
            writer.add(obj)
    bank = next(lead for lead in mapleads.extract("bank", path=path) if lead.id == "osm:n92556620")
    assert bank.address.unit == "2"
    assert bank.provenance["address.unit"].ref == "node/92556620#addr:flats"
    assert bank.address.street and bank.provenance["address.street"].ref == "way/122595198"


def test_the_nearest_address_point_is_the_one_a_full_search_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the address points near the queries' box meet the search tree: the answer is still the nearest
    point of all (checked against every pair), for queries in one corner of the file and in small chunks."""
    monkeypatch.setattr(addresses, "POINT_CHUNK", 97)
    points = [
        (n.location.lon, n.location.lat)
        for n in osmium.FileProcessor(str(DEMO_PBF), osmium.osm.NODE)
        if "addr:housenumber" in n.tags
    ]
    point_lons, point_lats = (np.array(c) for c in zip(*points, strict=True))
    west, south = point_lons.min(), point_lats.min()
    corner = (point_lons < west + 0.004) & (point_lats < south + 0.003)
    lons, lats = point_lons[corner] + 0.0001, point_lats[corner] + 0.00005  # beside some address points
    found = addresses._nearest_points(lons, lats, point_lons, point_lats, 25.0)
    qx, qy = addresses.project(lons, lats)
    px, py = addresses.project(point_lons, point_lats)
    d = np.hypot(qx[:, None] - px[None, :], qy[:, None] - py[None, :])
    within = np.flatnonzero((d <= 25.0).any(axis=1))
    assert len(within) > 20 and len(within) < len(point_lons) / 4
    assert found[0] == within.tolist()
    assert found[1] == [int(np.argmin(row)) for row in d[within]]  # argmin: the lower index wins a tie
    assert np.allclose(found[2], d[within].min(axis=1))

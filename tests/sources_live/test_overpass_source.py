"""The Overpass source against a fake Overpass on 127.0.0.1 that evaluates our QL over real OSM data."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
from aiohttp import web
from shapely.geometry import Polygon

import mapleads
from mapleads.areas import Area, area_from_bbox, area_from_radius
from mapleads.errors import AreaError
from mapleads.sources import Query, get_source
from mapleads.sources.live_http import ServiceError
from mapleads.sources.osm_tags import lead_from_tags
from mapleads.sources.overpass import OverpassSource
from mapleads.taxonomy import get_taxonomy

from .fake_osm import (
    PBF,
    FakeNominatim,
    FakeOverpass,
    helsinki_elements,
    overpass_error_page,
    point_of,
)

CENTRE_BBOX = "24.935,60.163,24.955,60.175"


def expected_ids(area: Area, categories: list[str] | None) -> set[str]:
    """What the data holds: named businesses of those categories whose point lies in the area."""
    tax = get_taxonomy()
    ids = set()
    for el in helsinki_elements():
        tags = el["tags"]
        if not tax.is_business(tags):
            continue
        if categories is not None and set(categories).isdisjoint(tax.categorize(tags)):
            continue
        lon, lat = point_of(el)
        if area.contains(lat, lon):
            ids.add(f"osm:{el['type'][0]}{el['id']}")
    return ids


@pytest.fixture
def overpass(server):  # type: ignore[no-untyped-def]
    return FakeOverpass().install(server)


def run(fake: FakeOverpass, area: Area, categories: list[str] | None) -> list[mapleads.Lead]:
    source = OverpassSource(url=fake.url)
    return list(source.leads(Query(categories=categories, area=area)))


def test_it_returns_every_business_the_data_holds_in_a_bbox(overpass: FakeOverpass) -> None:
    area = area_from_bbox(CENTRE_BBOX)
    leads = run(overpass, area, ["cafe", "restaurant"])
    assert {lead.id for lead in leads} == expected_ids(area, ["cafe", "restaurant"])
    assert len(leads) > 20
    assert len({lead.id for lead in leads}) == len(leads)


def test_it_maps_elements_into_the_same_lead_as_the_osm_tags_would(overpass: FakeOverpass) -> None:
    leads = run(overpass, area_from_bbox(CENTRE_BBOX), None)
    by_id = {f"osm:{el['type'][0]}{el['id']}": el for el in helsinki_elements()}
    way = next(lead for lead in leads if lead.id.startswith("osm:w"))
    for lead in (leads[0], way):
        el = by_id[lead.id]
        lon, lat = point_of(el)
        assert lead == lead_from_tags(el["type"], el["id"], el["tags"], lat, lon, snapshot_date="2025-06-01")
    assert all(lead.source == "osm" and lead.source_id.split("/")[0] in ("node", "way") for lead in leads)


def test_it_clips_a_radius_exactly(overpass: FakeOverpass) -> None:
    area = area_from_radius("60.1699,24.9410", "300m")
    leads = run(overpass, area, None)
    assert {lead.id for lead in leads} == expected_ids(area, None)
    assert all(area.contains(lead.lat, lead.lon) for lead in leads)  # type: ignore[arg-type]


def test_it_resolves_a_named_place_through_nominatim_and_clips_to_its_polygon(server, overpass) -> None:  # type: ignore[no-untyped-def]
    nominatim = FakeNominatim().install(server).url
    options = {"url": overpass.url, "nominatim_url": nominatim}
    leads = list(mapleads.extract("all", source="overpass", place="Soopeli", source_options=options))
    source = get_source("overpass", **options)
    area = source.resolve_place("Soopeli")
    assert area.kind == "place" and area.name.startswith("Soopeli")
    assert {lead.id for lead in leads} == expected_ids(area, None)
    assert leads, "the Soopeli block holds businesses"
    assert 'poly:"' in overpass.queries[0]


def test_it_splits_a_tile_when_overpass_runs_out_of_memory(overpass: FakeOverpass) -> None:
    area = area_from_bbox(CENTRE_BBOX)
    overpass.max_elements = len(expected_ids(area, None)) // 3
    leads = run(overpass, area, None)
    assert {lead.id for lead in leads} == expected_ids(area, None)
    assert len(overpass.queries) > 4


def test_it_waits_for_retry_after_on_429(overpass: FakeOverpass, server) -> None:  # type: ignore[no-untyped-def]
    overpass.script = [web.Response(status=429, text="Too Many Requests", headers={"Retry-After": "1"})]
    started = time.monotonic()
    leads = run(overpass, area_from_bbox(CENTRE_BBOX), ["cafe"])
    assert time.monotonic() - started >= 1.0
    assert leads
    assert len(server.hits("/api/interpreter")) == 2


def test_it_reads_the_slot_time_from_api_status_when_429_says_nothing(overpass, server) -> None:  # type: ignore[no-untyped-def]
    overpass.status_text = (
        "Connected as: 1\nRate limit: 2\nSlot available after: 2025-06-01T12:00:01Z, in 1 seconds.\n"
        "Slot available after: 2025-06-01T12:00:09Z, in 9 seconds.\n"
    )
    overpass.script = [web.Response(status=429, text="Too Many Requests")]
    started = time.monotonic()
    assert run(overpass, area_from_bbox(CENTRE_BBOX), ["cafe"])
    assert len(server.hits("/api/status")) == 1
    assert 2.0 <= time.monotonic() - started < 8


def test_it_retries_a_gateway_timeout(overpass: FakeOverpass) -> None:
    overpass.script = [web.Response(status=504, text="Gateway Timeout") for _ in range(2)]
    area = area_from_bbox(CENTRE_BBOX)
    assert {lead.id for lead in run(overpass, area, ["cafe"])} == expected_ids(area, ["cafe"])


def test_it_gives_up_with_one_line_when_overpass_keeps_failing(overpass: FakeOverpass) -> None:
    overpass.script = [web.Response(status=503, text="busy") for _ in range(200)]
    with pytest.raises(ServiceError, match="could not answer even for a small tile"):
        run(overpass, area_from_bbox("24.94,60.165,24.945,60.17"), ["cafe"])


def test_it_reports_an_overpass_query_error_in_one_line(overpass: FakeOverpass) -> None:
    page = overpass_error_page('line 3: parse error: Unknown type "nwrx"')
    overpass.script = [web.Response(status=400, text=page, content_type="text/html")]
    with pytest.raises(ServiceError, match=r"HTTP 400\): line 3: parse error"):
        run(overpass, area_from_bbox(CENTRE_BBOX), ["cafe"])


def test_it_rejects_malformed_json(overpass: FakeOverpass) -> None:
    overpass.script = [web.Response(text='{"version": 0.6, "elements": [', content_type="application/json")]
    with pytest.raises(ServiceError, match="malformed JSON"):
        run(overpass, area_from_bbox(CENTRE_BBOX), ["cafe"])


def test_it_returns_nothing_for_an_empty_answer(overpass: FakeOverpass) -> None:
    assert run(overpass, area_from_bbox("24.0,59.0,24.001,59.001"), ["dentist"]) == []


def test_it_answers_a_repeated_query_from_the_disk_cache(overpass: FakeOverpass, server) -> None:  # type: ignore[no-untyped-def]
    first = run(overpass, area_from_bbox(CENTRE_BBOX), ["cafe"])
    second = run(overpass, area_from_bbox(CENTRE_BBOX), ["cafe"])
    assert first == second
    assert len(server.hits("/api/interpreter")) == 1


def test_it_never_caches_an_incomplete_answer(overpass: FakeOverpass, server) -> None:  # type: ignore[no-untyped-def]
    overpass.max_elements = len(expected_ids(area_from_bbox(CENTRE_BBOX), None)) // 3
    first = run(overpass, area_from_bbox(CENTRE_BBOX), None)
    sent, failed = len(server.hits("/api/interpreter")), overpass.incomplete
    assert failed >= 1
    assert run(overpass, area_from_bbox(CENTRE_BBOX), None) == first
    # only the answers cut short by the memory error are asked again; every whole answer came from the cache
    assert len(server.hits("/api/interpreter")) == sent + failed


def test_it_identifies_itself_with_the_user_agent(overpass: FakeOverpass, server) -> None:  # type: ignore[no-untyped-def]
    run(overpass, area_from_bbox(CENTRE_BBOX), ["cafe"])
    assert server.hits("/api/interpreter")[0].headers["User-Agent"].startswith("MapLeadExtractor/")


def test_it_needs_an_area(overpass: FakeOverpass) -> None:
    with pytest.raises(AreaError, match="needs an area"):
        run(overpass, None, ["cafe"])  # type: ignore[arg-type]


def test_it_stops_at_the_limit(overpass: FakeOverpass) -> None:
    source = OverpassSource(url=overpass.url)
    assert len(list(source.leads(Query(categories=None, area=area_from_bbox(CENTRE_BBOX), limit=5)))) == 5


def test_it_yields_the_same_node_leads_as_the_pbf_source_for_the_same_data(overpass: FakeOverpass) -> None:
    area = area_from_bbox(CENTRE_BBOX)
    live = {lead.id: lead for lead in run(overpass, area, None)}
    pbf = get_source("pbf", path=PBF)
    offline = {lead.id: lead for lead in pbf.leads(Query(categories=None, area=area)) if lead.id.startswith("osm:n")}
    assert {i for i in live if i.startswith("osm:n")} == set(offline)
    for lead_id, reference in offline.items():
        lead = live[lead_id]
        assert (lead.name, lead.categories, lead.phones_raw, lead.website, lead.emails, lead.socials) == (
            reference.name,
            reference.categories,
            reference.phones_raw,
            reference.website,
            reference.emails,
            reference.socials,
        )
        assert (lead.lat, lead.lon) == pytest.approx((reference.lat, reference.lon), abs=1e-7)


def test_it_sends_a_detailed_boundary_as_a_simplified_polygon_that_still_holds_the_area(overpass: FakeOverpass) -> None:
    angles = np.linspace(0, 2 * np.pi, 5001)
    radius = 0.006 * (1 + 0.15 * np.sin(angles * 40))  # a wiggly boundary with 5,000 vertices
    ring = np.column_stack([24.944 + 2 * radius * np.cos(angles), 60.169 + radius * np.sin(angles)])
    area = Area(name="wiggly", geometry=Polygon(ring), kind="polygon")
    leads = run(overpass, area, None)
    assert {lead.id for lead in leads} == expected_ids(area, None)
    sent = re.search(r'poly:"([^"]*)"', overpass.queries[0])
    assert sent is not None and len(sent.group(1).split()) // 2 <= 400

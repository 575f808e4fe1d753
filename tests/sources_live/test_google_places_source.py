"""The Google Places source against a fake Places API (New) on 127.0.0.1 that caps every query like Google."""

from __future__ import annotations

import math
from typing import Any

import pytest
from aiohttp import web

import mapleads
from mapleads.areas import Area, area_from_bbox, area_from_radius
from mapleads.errors import MapleadsError
from mapleads.settings import get_settings
from mapleads.sources import Query
from mapleads.sources.google import GooglePlacesSource
from mapleads.sources.live_http import ServiceError

from .fake_google import VALID_KEY, FakePlaces, error_response, helsinki_places

CITY = "24.85,60.14,25.05,60.22"
PRICE = 35.0 / 1000  # Text Search Enterprise, USD per request


def inside(places: list[dict[str, Any]], area: Area) -> set[str]:
    return {f"google:{p['id']}" for p in places if area.contains(p["location"]["latitude"], p["location"]["longitude"])}


@pytest.fixture
def places(server) -> FakePlaces:  # type: ignore[no-untyped-def]
    return FakePlaces(helsinki_places(1000)).install(server)


def source(fake: FakePlaces, messages: list[str] | None = None, **options: Any) -> GooglePlacesSource:
    notes = messages if messages is not None else []
    opts: dict[str, Any] = {"url": fake.url, "api_key": VALID_KEY, "budget": 100.0, "notify": notes.append}
    return GooglePlacesSource(**{**opts, **options})


def test_the_tiler_recovers_all_1000_places_at_a_near_optimal_request_count(places: FakePlaces) -> None:
    area = area_from_bbox(CITY)
    src = source(places)
    leads = list(src.leads(Query(categories=["restaurant"], area=area)))
    expected = inside(places.places, area)
    assert len(expected) > 950
    assert {lead.id for lead in leads} == expected
    optimal = math.ceil(len(expected) / 20)
    print(
        f"\ntiling: {len(expected)} places in {places.billed} requests; optimum {optimal}, "
        f"ratio {places.billed / optimal:.2f}, {src.report.cells} cells"
    )
    assert src.report.requests == places.billed
    assert places.billed <= 2 * optimal
    assert not src.report.saturated and not src.report.stopped_by_budget


def test_it_never_exceeds_the_budget_cap(places: FakePlaces) -> None:
    messages: list[str] = []
    budget = 25 * PRICE + PRICE / 2  # room for 25 requests, not 26
    src = source(places, messages, budget=budget)
    leads = list(src.leads(Query(categories=["restaurant"], area=area_from_bbox(CITY))))
    assert places.billed == 25
    assert places.billed * PRICE <= budget
    assert 0 < len(leads) < 1000
    assert src.report.stopped_by_budget
    assert any("stopped at the budget cap" in m and "incomplete" in m for m in messages)


def test_it_prints_the_sku_and_cost_before_the_first_request(places: FakePlaces) -> None:
    seen_billed: list[int] = []
    messages: list[str] = []

    def note(message: str) -> None:
        seen_billed.append(places.billed)
        messages.append(message)

    src = source(places, budget=3.5, notify=note)
    list(src.leads(Query(categories=["restaurant", "cafe"], area=area_from_radius("60.17,24.94", "300m"))))
    assert seen_billed[0] == 0
    assert "SKU Text Search Enterprise at $35.00 per 1000 requests" in messages[0]
    assert "at least 2 request(s)" in messages[0] and "at most 100 requests" in messages[0]
    assert f"{places.billed} requests" in messages[-1]


def test_it_clips_exactly_and_dedups_by_place_id(places: FakePlaces) -> None:
    area = area_from_radius("60.1699,24.9384", "400m")
    leads = list(source(places).leads(Query(categories=["restaurant"], area=area)))
    assert {lead.id for lead in leads} == inside(places.places, area)
    assert len({lead.id for lead in leads}) == len(leads)


def test_it_maps_a_place_into_a_lead_with_google_attribution(places: FakePlaces) -> None:
    lead = next(source(places).leads(Query(categories=["restaurant"], area=area_from_bbox(CITY))))
    number = int(lead.name.split()[-1])
    assert lead.source == "google" and lead.id.startswith("google:ChIJ") and lead.source_id.startswith("places/")
    assert lead.categories == ["restaurant"] and lead.category == "restaurant"
    assert lead.phones_raw == [f"+358 9 {1000000 + number}"]
    assert lead.website == f"https://ravintola{number}.example.fi/"
    assert lead.address.street == "Testikatu" and lead.address.postcode == "00100"
    assert lead.address.city == "Helsinki" and lead.address.country_code == "FI"
    assert lead.extra["user_rating_count"] == 5 + number and lead.extra["attribution"] == "Google Maps"
    assert lead.provenance["website"].source == "google"


def test_the_nearby_search_tiler_recovers_every_place_too(server) -> None:  # type: ignore[no-untyped-def]
    fake = FakePlaces(helsinki_places(300, seed=3)).install(server)
    area = area_from_bbox(CITY)
    src = source(fake, search="nearby")
    leads = list(src.leads(Query(categories=["restaurant"], area=area)))
    assert {lead.id for lead in leads} == inside(fake.places, area)
    print(f"\nnearby tiling: {len(leads)} places in {fake.billed} requests")


def test_it_runs_through_the_public_api_with_the_key_from_the_environment(places, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MAPLEADS_GOOGLE_API_KEY", VALID_KEY)
    monkeypatch.setenv("MAPLEADS_GOOGLE_PLACES_URL", places.url)
    get_settings.cache_clear()
    leads = list(
        mapleads.extract(
            "restaurant",
            source="google",
            near="60.1699,24.9384",
            radius="200m",
            source_options={"notify": lambda m: None},
        )
    )
    assert leads and all(lead.source == "google" for lead in leads)
    assert not (get_settings().data_dir / "cache" / "http" / "google").exists()  # nothing stored (terms)


def test_it_sends_the_key_and_a_field_mask(places: FakePlaces, server) -> None:  # type: ignore[no-untyped-def]
    list(source(places).leads(Query(categories=["restaurant"], area=area_from_radius("60.17,24.94", "100m"))))
    headers = server.hits("/v1/places:searchText")[0].headers
    assert headers["X-Goog-Api-Key"] == VALID_KEY
    assert "places.websiteUri" in headers["X-Goog-FieldMask"] and "nextPageToken" in headers["X-Goog-FieldMask"]


def test_it_rejects_an_invalid_key_in_one_line(places: FakePlaces) -> None:
    with pytest.raises(ServiceError, match=r"INVALID_ARGUMENT\): API key not valid"):
        list(source(places, api_key="wrong").leads(Query(categories=["cafe"], area=area_from_bbox(CITY))))


def test_it_explains_a_permission_denied_key(places: FakePlaces) -> None:
    places.script = [error_response(403, "PERMISSION_DENIED", "Places API (New) has not been used in project 1.")]
    with pytest.raises(ServiceError, match=r"PERMISSION_DENIED.*MAPLEADS_GOOGLE_API_KEY"):
        list(source(places).leads(Query(categories=["cafe"], area=area_from_bbox(CITY))))


def test_it_waits_and_retries_when_the_quota_answers_429_with_retry_after(places: FakePlaces) -> None:
    places.script = [error_response(429, "RESOURCE_EXHAUSTED", "Quota exceeded.", **{"Retry-After": "1"})]
    leads = list(source(places).leads(Query(categories=["restaurant"], area=area_from_radius("60.17,24.94", "200m"))))
    assert leads


def test_it_stops_with_one_line_when_the_quota_stays_exhausted(places: FakePlaces) -> None:
    places.script = [error_response(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric.") for _ in range(9)]
    with pytest.raises(ServiceError, match=r"RESOURCE_EXHAUSTED.*quota"):
        list(source(places).leads(Query(categories=["restaurant"], area=area_from_bbox(CITY))))


def test_it_retries_a_server_error(places: FakePlaces) -> None:
    places.script = [error_response(503, "UNAVAILABLE", "The service is currently unavailable.")]
    assert list(source(places).leads(Query(categories=["restaurant"], area=area_from_radius("60.17,24.94", "200m"))))


def test_it_rejects_malformed_json(places: FakePlaces) -> None:
    places.script = [web.Response(text='{"places": [', content_type="application/json")]
    with pytest.raises(ServiceError, match="malformed JSON"):
        list(source(places).leads(Query(categories=["restaurant"], area=area_from_bbox(CITY))))


def test_it_returns_nothing_for_an_empty_answer(places: FakePlaces) -> None:
    assert list(source(places).leads(Query(categories=["dentist"], area=area_from_bbox(CITY)))) == []
    assert places.billed == 1


def test_it_needs_a_key(places: FakePlaces) -> None:
    with pytest.raises(MapleadsError, match="MAPLEADS_GOOGLE_API_KEY"):
        list(GooglePlacesSource(url=places.url).leads(Query(categories=["cafe"], area=area_from_bbox(CITY))))


def test_every_google_type_mapping_names_a_category_of_our_taxonomy() -> None:
    from mapleads.sources.google.catalog import CATEGORY_OF_TYPE, GOOGLE_TYPES
    from mapleads.taxonomy import get_taxonomy

    assert set(GOOGLE_TYPES) <= set(get_taxonomy().categories)
    assert {"dentist", "restaurant", "cafe", "hairdresser", "pharmacy"} <= set(GOOGLE_TYPES)
    assert CATEGORY_OF_TYPE["barber_shop"] == ["hairdresser"]


def test_it_falls_back_to_text_alone_when_google_refuses_the_place_type(places: FakePlaces, server) -> None:  # type: ignore[no-untyped-def]
    places.unsupported_types = {"restaurant"}
    area = area_from_radius("60.1699,24.9384", "300m")
    leads = list(source(places).leads(Query(categories=["restaurant"], area=area)))
    assert {lead.id for lead in leads} == inside(places.places, area)
    bodies = [hit.body for hit in server.hits("/v1/places:searchText")]
    assert b"includedType" in bodies[0] and all(b"includedType" not in b for b in bodies[1:])

"""Named places through a fake Nominatim on 127.0.0.1 serving real polygons of the demo extract (jsonv2)."""

from __future__ import annotations

import itertools
import time

import pytest
from aiohttp import web

from mapleads.errors import AreaError
from mapleads.settings import get_settings
from mapleads.sources.live_http import ServiceError
from mapleads.sources.nominatim import Nominatim

from .fake_osm import FakeNominatim, helsinki_places


@pytest.fixture
def nominatim(server) -> FakeNominatim:  # type: ignore[no-untyped-def]
    return FakeNominatim().install(server)


def test_it_resolves_a_place_to_its_exact_polygon(nominatim: FakeNominatim) -> None:
    area = Nominatim(nominatim.url).resolve("Soopeli, Helsinki")
    soopeli = next(p for p in helsinki_places() if p["display_name"].startswith("Soopeli"))
    assert area.kind == "place" and area.name == soopeli["display_name"]
    assert area.geometry.geom_type in ("Polygon", "MultiPolygon")
    lat, lon = float(soopeli["lat"]), float(soopeli["lon"])
    assert area.contains(lat, lon)
    assert not area.contains(lat + 0.01, lon)


def test_it_resolves_an_osm_reference_through_lookup(nominatim: FakeNominatim, server) -> None:  # type: ignore[no-untyped-def]
    senate = next(p for p in helsinki_places() if p["display_name"].startswith("Senaatintori"))
    area = Nominatim(nominatim.url).resolve(f"relation/{senate['osm_id']}")
    assert area.name.startswith("Senaatintori")
    assert server.hits("/lookup")[0].query["osm_ids"] == f"R{senate['osm_id']}"


def test_it_lists_other_places_of_the_same_name_in_the_notes(nominatim: FakeNominatim) -> None:
    area = Nominatim(nominatim.url).resolve("Vuohi")  # two city blocks share the name
    assert any(note.startswith("other places with this name: Vuohi") for note in area.notes)


def test_it_refuses_a_point_and_suggests_a_radius(nominatim: FakeNominatim) -> None:
    point = {"type": "Point", "coordinates": [24.94, 60.17]}
    place = {
        "osm_type": "node",
        "osm_id": 42,
        "lat": "60.17",
        "lon": "24.94",
        "display_name": "Pikkukylä, Finland",
    }
    nominatim.extra.append({**place, "geojson": point})
    with pytest.raises(AreaError, match=r"is a point .* use --near 60.17,24.94 --radius"):
        Nominatim(nominatim.url).resolve("Pikkukylä")


def test_it_says_when_a_place_is_not_found(nominatim: FakeNominatim) -> None:
    with pytest.raises(AreaError, match="place 'Atlantis' not found by Nominatim"):
        Nominatim(nominatim.url).resolve("Atlantis")


def test_it_sends_at_most_one_request_per_second(nominatim: FakeNominatim, server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MAPLEADS_NOMINATIM_INTERVAL", "1.0")
    get_settings.cache_clear()
    client = Nominatim(nominatim.url)
    for name in ("Soopeli", "Kotka", "Lohi"):
        client.resolve(name)
    stamps = [hit.at for hit in server.hits("/search")]
    assert len(stamps) == 3
    assert all(later - earlier >= 0.95 for earlier, later in itertools.pairwise(stamps))


def test_it_caches_answers_and_identifies_itself(nominatim: FakeNominatim, server) -> None:  # type: ignore[no-untyped-def]
    Nominatim(nominatim.url).resolve("Soopeli")
    Nominatim(nominatim.url).resolve("Soopeli")
    hits = server.hits("/search")
    assert len(hits) == 1
    assert hits[0].headers["User-Agent"] == get_settings().user_agent
    assert hits[0].query["polygon_geojson"] == "1" and hits[0].query["format"] == "jsonv2"


def test_it_retries_a_429_with_retry_after(nominatim: FakeNominatim) -> None:
    nominatim.script = [web.Response(status=429, text="Too Many Requests", headers={"Retry-After": "1"})]
    started = time.monotonic()
    assert Nominatim(nominatim.url).resolve("Soopeli").name.startswith("Soopeli")
    assert time.monotonic() - started >= 1.0


def test_it_reports_a_refusal_in_one_line(nominatim: FakeNominatim) -> None:
    nominatim.script = [web.Response(status=403, text="<html><body><h1>Access blocked</h1></body></html>")]
    with pytest.raises(ServiceError, match="answered HTTP 403: Access blocked"):
        Nominatim(nominatim.url).resolve("Soopeli")


def test_it_rejects_malformed_json(nominatim: FakeNominatim) -> None:
    nominatim.script = [web.Response(text='[{"osm_type": ', content_type="application/json")]
    with pytest.raises(ServiceError, match="malformed JSON"):
        Nominatim(nominatim.url).resolve("Soopeli")


def test_it_reports_an_error_object(nominatim: FakeNominatim) -> None:
    nominatim.script = [web.json_response({"error": {"code": 400, "message": "Nothing to search for."}})]
    with pytest.raises(ServiceError, match="Nominatim: Nothing to search for"):
        Nominatim(nominatim.url).resolve("Soopeli")


def test_it_gives_up_when_the_server_is_unreachable() -> None:
    with pytest.raises(ServiceError, match=r"cannot reach http://127\.0\.0\.1:9"):
        Nominatim("http://127.0.0.1:9").resolve("Soopeli")

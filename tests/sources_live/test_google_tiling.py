"""The adaptive tiler on its own: complete under any spatial distribution, near the request minimum, and
always finishing, against a capped search that ranks places regardless of position (as Google does)."""

from __future__ import annotations

import hashlib
import math
import random
from typing import Any

import pytest
from shapely.geometry import Polygon, box

from mapleads.sources.google.client import Cell, CellAnswer
from mapleads.sources.google.tiling import TilingReport, tile

from .fake_google import helsinki_places

CITY = box(24.85, 60.14, 25.05, 60.22)


class CappedSearch:
    def __init__(self, places: list[dict[str, Any]], cap: int = 60) -> None:
        self.places, self.cap, self.requests, self.asked = places, cap, 0, []

    def __call__(self, cell: Cell) -> CellAnswer:
        self.asked.append(cell)
        found = [
            p
            for p in self.places
            if cell.south <= p["location"]["latitude"] <= cell.north
            and cell.west <= p["location"]["longitude"] <= cell.east
        ]
        found.sort(key=lambda p: hashlib.md5(p["id"].encode()).hexdigest())
        page = found[: self.cap]
        requests = 3 if len(found) >= self.cap else max(1, math.ceil(len(page) / 20))
        self.requests += requests
        return CellAnswer(page, len(found) >= self.cap, requests)


def in_city(place: dict[str, Any]) -> bool:
    loc = place["location"]
    return 24.85 <= loc["longitude"] <= 25.05 and 60.14 <= loc["latitude"] <= 60.22


def uniform(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "id": f"u{seed}-{i}",
            "location": {"latitude": rng.uniform(60.14, 60.22), "longitude": rng.uniform(24.85, 25.05)},
        }
        for i in range(count)
    ]


@pytest.mark.parametrize(
    "places",
    [helsinki_places(1000, 7), helsinki_places(3000, 21), helsinki_places(400, 3), uniform(2000, 1)],
    ids=["clustered-1000", "clustered-3000", "clustered-400", "uniform-2000"],
)
def test_it_finds_every_place_close_to_the_request_minimum(places: list[dict[str, Any]]) -> None:
    inside = [p for p in places if in_city(p)]
    search = CappedSearch(inside)
    report = TilingReport()
    found = {p["id"] for p in tile(CITY, search, 50, report)}
    assert found == {p["id"] for p in inside}
    optimum = math.ceil(len(inside) / 20)
    ratio = search.requests / optimum
    print(f"\n{len(inside)} places: {search.requests} requests, optimum {optimum}, ratio {ratio:.2f}")
    assert search.requests <= 2.2 * optimum
    assert not report.saturated


def test_it_reports_a_spot_denser_than_the_cap_at_the_minimum_cell_and_stops() -> None:
    stacked = [{"id": f"s{i}", "location": {"latitude": 60.17, "longitude": 24.94}} for i in range(100)]
    search = CappedSearch(stacked)
    report = TilingReport()
    found = {p["id"] for p in tile(CITY, search, 50, report)}
    assert len(found) == 60
    assert report.saturated and all(abs(c.north - c.south) * 111_320 < 100 for c in report.saturated)


def test_it_never_asks_for_cells_outside_the_area() -> None:
    l_shape = Polygon([(24.85, 60.14), (25.05, 60.14), (25.05, 60.16), (24.87, 60.16), (24.87, 60.22), (24.85, 60.22)])
    search = CappedSearch(helsinki_places(1000, 7))
    list(tile(l_shape, search, 50, TilingReport()))
    assert search.asked
    assert all(l_shape.intersects(box(c.west, c.south, c.east, c.north)) for c in search.asked)


def test_nearby_sized_answers_are_tiled_completely_too() -> None:
    places = helsinki_places(500, 5)
    inside = [
        p
        for p in places
        if 24.85 <= p["location"]["longitude"] <= 25.05 and 60.14 <= p["location"]["latitude"] <= 60.22
    ]
    search = CappedSearch(inside, cap=20)
    assert {p["id"] for p in tile(CITY, search, 50, TilingReport(), cap=20)} == {p["id"] for p in inside}

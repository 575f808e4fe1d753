"""Google Places tiling: requests needed to recover every place under the 60-per-query cap.

Anchor: the plain quadtree (split every full cell in four and ask each quarter), the usual way around the
cap. Both run in the same process against the same capped search, which ranks places regardless of position
as Google does; the lower bound is places / 20 (one full page per request). Offline, a few seconds.

Usage: .venv/bin/python bench/run.py live
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections.abc import Callable
from typing import Any

from shapely.geometry import box

from mapleads.sources.google.client import Cell, CellAnswer
from mapleads.sources.google.tiling import TilingReport, cell_size_m, initial_cells, quarters, tile

CITY = box(24.85, 60.14, 25.05, 60.22)
PRICE = 35.0 / 1000  # Text Search Enterprise, USD per request
MIN_CELL_M = 50.0


def city(count: int, seed: int) -> list[tuple[str, float, float]]:
    """A dense centre, two smaller clusters and a sparse spread, inside CITY."""
    rng = random.Random(seed)
    centres = [
        ((60.1699, 24.9384), 0.004, 0.5),
        ((60.1875, 24.9520), 0.003, 0.2),
        ((60.16, 24.91), 0.005, 0.1),
    ]
    out: list[tuple[str, float, float]] = []
    while len(out) < count:
        roll, acc = rng.random(), 0.0
        lat, lon = rng.uniform(60.14, 60.22), rng.uniform(24.85, 25.05)
        for (lat0, lon0), sd, share in centres:
            acc += share
            if roll < acc:
                lat, lon = rng.gauss(lat0, sd), rng.gauss(lon0, sd * 2)
                break
        if 60.14 <= lat <= 60.22 and 24.85 <= lon <= 25.05:
            out.append((f"p{seed}-{len(out)}", lat, lon))
    return out


def uniform(count: int, seed: int) -> list[tuple[str, float, float]]:
    rng = random.Random(seed)
    return [(f"u{seed}-{i}", rng.uniform(60.14, 60.22), rng.uniform(24.85, 25.05)) for i in range(count)]


def capped(points: list[tuple[str, float, float]], counter: list[int]) -> Callable[[Cell], CellAnswer]:
    def search(cell: Cell) -> CellAnswer:
        found = [p for p in points if cell.south <= p[1] <= cell.north and cell.west <= p[2] <= cell.east]
        found.sort(key=lambda p: hashlib.md5(p[0].encode()).hexdigest())
        full = len(found) >= 60
        requests = 3 if full else max(1, math.ceil(len(found) / 20))
        counter[0] += requests
        page = [{"id": p[0], "location": {"latitude": p[1], "longitude": p[2]}} for p in found[:60]]
        return CellAnswer(page, full, requests)

    return search


def plain_quadtree(search: Callable[[Cell], CellAnswer]) -> set[str]:
    found: set[str] = set()
    pending = initial_cells(CITY)
    while pending:
        cell = pending.pop()
        answer = search(cell)
        found.update(p["id"] for p in answer.places)
        if answer.full and cell_size_m(cell) / 2 >= MIN_CELL_M:
            pending.extend(quarters(cell))
    return found


def main() -> None:
    cases: list[tuple[str, list[Any]]] = [
        ("city 1,000", city(1000, 7)),
        ("city 3,000", city(3000, 21)),
        ("city 10,000", city(10000, 5)),
        ("uniform 2,000", uniform(2000, 1)),
    ]
    print(f"{'case':<14} {'bound':>6} {'quadtree':>9} {'ours':>6} {'ours/bound':>11} {'quadtree/ours':>14} "
          f"{'ours $':>8} {'secs':>5}")  # fmt: skip
    for name, points in cases:
        bound = math.ceil(len(points) / 20)
        anchor = [0]
        assert len(plain_quadtree(capped(points, anchor))) == len(points)
        ours = [0]
        started = time.perf_counter()
        found = {p["id"] for p in tile(CITY, capped(points, ours), MIN_CELL_M, TilingReport())}
        secs = time.perf_counter() - started
        assert len(found) == len(points), "the tiler must recover every place"
        print(f"{name:<14} {bound:>6} {anchor[0]:>9} {ours[0]:>6} {ours[0] / bound:>11.2f} "
              f"{anchor[0] / ours[0]:>14.2f} {ours[0] * PRICE:>8.2f} {secs:>5.1f}")  # fmt: skip


if __name__ == "__main__":
    main()

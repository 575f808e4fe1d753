"""Adaptive tiling around a per-query result cap: a cell that comes back full is split and asked again.

Google answers at most 60 places per Text Search (20 per Nearby Search) however many there are, so one
query for a city misses most of it. Cells that come back full are split, down to `min_cell_m`, until every
part of the area has been answered in full. Because the ranking inside a cell ignores position, a full
answer is a sample of the cell's places: once the exact counts of a few sparse parts calibrate "places per
sample point", dense parts are split straight away (no wasted full answer) and cut along the sample's
medians into parts that fit one answer. Sparse cells cost one request; a cell still full at the minimum
size is reported, never truncated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from mapleads.sources.google.client import Cell, CellAnswer

METRES_PER_DEG = 111_320.0


@dataclass(slots=True)
class TilingReport:
    requests: int = 0
    cells: int = 0
    saturated: list[Cell] = field(default_factory=list)
    stopped_by_budget: bool = False


def cell_size_m(cell: Cell) -> float:
    """The longer side of a cell in metres."""
    lat = math.radians((cell.south + cell.north) / 2)
    width = (cell.east - cell.west) * METRES_PER_DEG * math.cos(lat)
    return max(width, (cell.north - cell.south) * METRES_PER_DEG)


def quarters(cell: Cell) -> list[Cell]:
    mx, my = (cell.west + cell.east) / 2, (cell.south + cell.north) / 2
    return [
        Cell(cell.west, cell.south, mx, my),
        Cell(mx, cell.south, cell.east, my),
        Cell(cell.west, my, mx, cell.north),
        Cell(mx, my, cell.east, cell.north),
    ]


def initial_cells(geometry: BaseGeometry) -> list[Cell]:
    """Roughly square cells covering the area, so splits stay square in metres at any latitude."""
    w, s, e, n = geometry.bounds
    lat = math.radians((s + n) / 2)
    width, height = (e - w) * math.cos(lat), n - s
    side = min(width, height) or max(width, height) or 1e-6
    cols, rows = max(1, round(width / side)), max(1, round(height / side))
    dx, dy = (e - w) / cols, (n - s) / rows
    return [Cell(w + i * dx, s + j * dy, w + (i + 1) * dx, s + (j + 1) * dy) for j in range(rows) for i in range(cols)]


@dataclass(slots=True)
class Family:
    """The quarters of one full cell. Its answer was a sample of the cell's places (the ranking ignores
    position), so `rate` — places per sample point, learnt from quarters answered in full — turns a quarter's
    sample count into an estimate of how many places it holds."""

    exact_places: int = 0
    exact_points: int = 0
    prior_rate: float | None = None

    @property
    def rate(self) -> float | None:
        if self.exact_points >= MIN_EVIDENCE:
            return self.exact_places / self.exact_points
        return self.prior_rate


@dataclass(slots=True)
class Pending:
    cell: Cell
    points: list[tuple[float, float]]
    family: Family | None


MIN_EVIDENCE = 3
MIN_SAMPLE = 40
#: a quarter estimated to hold this many times the cap is split without being asked (it would come back full)
SKIP_FACTOR = 1.2
#: calibrated splits aim at parts holding this share of the cap
TARGET_SHARE = 0.66


def _inside(cell: Cell, lon: float, lat: float) -> bool:
    return cell.west <= lon <= cell.east and cell.south <= lat <= cell.north


def _children(
    cell: Cell, points: list[tuple[float, float]], family: Family, min_cell_m: float, target: float
) -> list[Pending]:
    """The parts of a full cell, asked sparsest first (a stack) so their exact counts calibrate `rate`.

    Uncalibrated: the four quarters. Calibrated: median splits of the sample until each part is estimated
    to hold at most `target` places, so most parts are answered in one or two pages and none comes back full.
    """
    rate = family.rate
    parts = _balanced(cell, points, rate, min_cell_m, target) if rate is not None else []
    if len(parts) < 2:  # uncalibrated, or too few sample points to cut: quarters always make progress
        parts = [(q, [p for p in points if _inside(q, *p)]) for q in quarters(cell)]
    kids = [Pending(part, pts, family) for part, pts in parts]
    return sorted(kids, key=lambda k: -len(k.points))


def _balanced(
    cell: Cell,
    points: list[tuple[float, float]],
    rate: float,
    min_cell_m: float,
    target: float,
    depth: int = 0,
) -> list[tuple[Cell, list[tuple[float, float]]]]:
    if rate * len(points) <= target or len(points) < 2 or cell_size_m(cell) / 2 < min_cell_m or depth > 24:
        return [(cell, points)]
    lat = math.radians((cell.south + cell.north) / 2)
    wide = (cell.east - cell.west) * math.cos(lat) >= cell.north - cell.south
    axis = 0 if wide else 1
    values = sorted(p[axis] for p in points)
    half = len(values) // 2
    cut = (values[half - 1] + values[half]) / 2
    low, high = (cell.west, cell.east) if wide else (cell.south, cell.north)
    if not low < cut < high:
        cut = (low + high) / 2
    if wide:
        parts = [Cell(cell.west, cell.south, cut, cell.north), Cell(cut, cell.south, cell.east, cell.north)]
    else:
        parts = [Cell(cell.west, cell.south, cell.east, cut), Cell(cell.west, cut, cell.east, cell.north)]
    out = []
    for part in parts:
        inside = [p for p in points if _inside(part, *p)]
        out += _balanced(part, inside, rate, min_cell_m, target, depth + 1)
    return out


def _point(place: dict[str, Any]) -> tuple[float, float] | None:
    loc = place.get("location") or {}
    lon, lat = loc.get("longitude"), loc.get("latitude")
    return (float(lon), float(lat)) if lon is not None and lat is not None else None


def tile(
    geometry: BaseGeometry,
    search: Callable[[Cell], CellAnswer],
    min_cell_m: float,
    report: TilingReport,
    cap: int = 60,
) -> Iterator[dict[str, Any]]:
    """Every place `search` can reach inside `geometry`'s cells (unclipped; may repeat across cells).

    A full cell is split: in four until its family is calibrated, then by median cuts of its sample into parts
    estimated to fit one answer. A part estimated well above the cap is split at once instead of being asked
    (its answer would be full anyway); every other cell is asked, so every part of the area ends covered by a
    cell that came back not full, or is reported as saturated at the minimum size.
    """
    target = TARGET_SHARE * cap
    # a 20-place answer (Nearby Search) is too small a sample to estimate from: plain quarters then
    estimate = cap >= MIN_SAMPLE
    pending = [Pending(c, [], None) for c in initial_cells(geometry)]
    while pending:
        item = pending.pop()
        cell = item.cell
        if not geometry.intersects(box(cell.west, cell.south, cell.east, cell.north)):
            continue
        splittable = cell_size_m(cell) / 2 >= min_cell_m
        rate = item.family.rate if item.family is not None and estimate else None
        if splittable and rate is not None and rate * len(item.points) >= SKIP_FACTOR * cap:
            pending.extend(_children(cell, item.points, Family(prior_rate=rate), min_cell_m, target))
            continue
        answer = search(cell)
        report.requests += answer.requests
        report.cells += 1
        yield from answer.places
        if report.stopped_by_budget:
            return
        # a Nearby Search circle reaches past its cell: count and sample only the cell's own places
        points = [p for p in map(_point, answer.places) if p is not None and _inside(cell, *p)]
        if not answer.full:
            if item.family is not None:
                item.family.exact_places += len(points)
                item.family.exact_points += len(item.points)
            continue
        if splittable:
            prior = None if rate is None else rate * len(item.points) / max(len(points), 1)
            pending.extend(_children(cell, points, Family(prior_rate=prior), min_cell_m, target))
        else:
            report.saturated.append(cell)

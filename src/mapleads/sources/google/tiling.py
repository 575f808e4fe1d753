"""Quadtree tiling around a per-query result cap: a cell that comes back full is split in four.

Google answers at most 60 places per Text Search (20 per Nearby Search) however many there are, so one query
for a city misses most of it. Asking again for each quarter of a full cell, down to `min_cell_m`, recovers
every place at a request count close to the minimum (places / 20): sparse cells cost one request, only dense
cells are refined. A cell still full at the minimum size is reported, never silently truncated.
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
    return [
        Cell(w + i * dx, s + j * dy, w + (i + 1) * dx, s + (j + 1) * dy)
        for j in range(rows)
        for i in range(cols)
    ]


def tile(
    geometry: BaseGeometry,
    search: Callable[[Cell], CellAnswer],
    min_cell_m: float,
    report: TilingReport,
) -> Iterator[dict[str, Any]]:
    """Every place `search` can reach inside `geometry`'s cells (unclipped; may repeat across cells)."""
    pending = initial_cells(geometry)
    while pending:
        cell = pending.pop()
        if not geometry.intersects(box(cell.west, cell.south, cell.east, cell.north)):
            continue
        answer = search(cell)
        report.requests += answer.requests
        report.cells += 1
        yield from answer.places
        if report.stopped_by_budget:
            return
        if answer.full:
            if cell_size_m(cell) / 2 >= min_cell_m:
                pending.extend(quarters(cell))
            else:
                report.saturated.append(cell)

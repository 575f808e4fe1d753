"""Placing a scan's candidates: a point for each, the address areas, each relation's shape assembled once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from mapleads.sources.pbf import geometry
from mapleads.sources.pbf.placement import FIRST_PART_LESS, SHAPE_LEAD_COST, place_candidates
from mapleads.sources.pbf.scan import RELATION, scan
from mapleads.taxonomy import get_taxonomy


def test_a_relation_that_is_a_business_and_an_address_is_assembled_once(
    demo_pbf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = scan(demo_pbf, get_taxonomy())
    businesses = {c.osm_id: c for c in result.candidates if c.kind == RELATION}
    addresses = {a.osm_id for a in result.address_areas if a.kind == RELATION}
    both = businesses.keys() & addresses
    assert both, "the demo file has multipolygon businesses with an address"
    assembled: Counter[tuple[tuple[int, str], ...]] = Counter()
    real, real_simple = geometry.multipolygon, geometry.simple_multipolygons

    def counting(members: Sequence[tuple[int, str]], ways: dict[int, bytes]) -> tuple[BaseGeometry | None, bool]:
        assembled[tuple(members)] += 1
        return real(members, ways)

    def counting_simple(relations: Sequence[Sequence[tuple[int, str]]], ways: dict[int, bytes]) -> list[Any]:
        shapes = real_simple(relations, ways)
        assembled.update(tuple(m) for m, shape in zip(relations, shapes, strict=True) if shape is not None)
        return shapes

    monkeypatch.setattr(geometry, "multipolygon", counting)
    monkeypatch.setattr(geometry, "simple_multipolygons", counting_simple)
    placement = place_candidates(result, None)
    assert assembled.keys() >= {tuple(businesses[osm_id].members or []) for osm_id in both}
    assert set(assembled.values()) == {1}
    index = {id(c): k for k, c in enumerate(result.candidates)}
    for osm_id in both:
        shape, _ = real(businesses[osm_id].members or [], result.member_ways)
        k = index[id(businesses[osm_id])]
        # its lead stands inside the shape, and that shape is among the address areas
        assert shapely.intersects_xy(shape, placement.lons[k], placement.lats[k])
        assert any(shape.equals(g) for g in placement.area_geoms)


def test_a_nodes_location_needs_no_rounding() -> None:
    """Leads keep a node's location as OSM stores it, 7 decimals in fixed point (libosmium divides by 1e7), so
    the lead building rounds only the points it computes inside shapes."""
    rng = np.random.default_rng(7)
    fixed = np.concatenate([rng.integers(-1_800_000_000, 1_800_000_001, 200_000), [0, 1, -1, 1_799_999_999]])
    for value in (fixed / 1e7).tolist():
        assert round(value, 7) == value


def test_the_parts_cover_every_chosen_candidate_once_in_order_with_equal_work(demo_pbf: Path) -> None:
    """Equal work, but for the first part's `FIRST_PART_LESS` (its writer then copies the others)."""
    result = scan(demo_pbf, get_taxonomy())
    placement = place_candidates(result, None)
    parts = [placement.share(k, 3) for k in range(3)]
    assert np.concatenate(parts).tolist() == placement.chosen.tolist()
    shapes = placement.kinds[placement.chosen] != 0
    assert shapes.any() and not shapes.all()
    work = [float(np.where(placement.kinds[p] == 0, 1.0, SHAPE_LEAD_COST).sum()) for p in parts]
    share = sum(work) / 3
    expected = [share * (1 - FIRST_PART_LESS), share, share * (1 + FIRST_PART_LESS)]
    assert all(abs(w - e) <= SHAPE_LEAD_COST for w, e in zip(work, expected, strict=True))  # as whole leads allow
    assert work[0] < work[1] < work[2]
    assert placement.share(0, 1).tolist() == placement.chosen.tolist()

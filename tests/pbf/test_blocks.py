"""A sorted file's blocks: where nodes, ways and relations start, and runs of blocks read as files of their own."""

from __future__ import annotations

from pathlib import Path

import osmium

from mapleads.sources.base import Query
from mapleads.sources.pbf import PbfSource
from mapleads.sources.pbf.blocks import block_runs, buffers, reader
from tests.conftest import DEMO_PBF


def _kinds_in(path: Path, block: tuple[int, int], header: tuple[int, int]) -> set[str]:
    (data, _), *_ = buffers(path, [block], header)
    with reader(data) as objects:
        return {type(obj).__name__ for obj in osmium.OsmFileIterator(objects)}


def test_it_finds_where_ways_and_relations_start(sorted_pbf: Path) -> None:
    runs = block_runs(sorted_pbf)
    assert runs is not None
    kinds = [_kinds_in(sorted_pbf, block, runs.blocks[0]) for block in runs.blocks[1:]]
    assert 1 < runs.ways < runs.relations < len(runs.blocks)
    assert all(k == {"Node"} for k in kinds[: runs.ways - 2])
    assert all(k == {"Relation"} for k in kinds[runs.relations - 1 :])
    with_ways = [block for block, k in zip(runs.blocks[1:], kinds, strict=True) if "Way" in k]
    assert with_ways and set(with_ways) <= set(runs.way_blocks)


def test_runs_of_blocks_read_as_the_whole_file(sorted_pbf: Path) -> None:
    runs = block_runs(sorted_pbf)
    assert runs is not None
    ids = []
    for data, _ in buffers(sorted_pbf, runs.blocks[1:], runs.blocks[0]):
        with reader(data) as objects:
            ids += [(type(obj).__name__, obj.id) for obj in osmium.OsmFileIterator(objects)]
    whole = [(type(obj).__name__, obj.id) for obj in osmium.FileProcessor(str(sorted_pbf))]
    assert len(whole) > 10_000
    assert ids == whole


def test_it_leaves_a_file_alone_that_does_not_declare_its_order() -> None:
    assert block_runs(DEMO_PBF) is None


def test_a_sorted_file_gives_the_same_leads_with_its_multipolygons(sorted_pbf: Path) -> None:
    """Multipolygon businesses get their member ways from the way blocks alone."""
    ours = [lead.to_dict() for lead in PbfSource(sorted_pbf).leads(Query())]
    assert any(lead["source_id"].startswith("relation/") for lead in ours)
    assert ours == [lead.to_dict() for lead in PbfSource(DEMO_PBF).leads(Query())]

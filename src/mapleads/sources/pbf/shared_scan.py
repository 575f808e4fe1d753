"""A large sorted .pbf file scanned by two processes at once.

Most of a scan's time is Python's work on the objects the C++ filters let through, and it runs on one core. In a
file sorted by type (`blocks.BlockRuns`) the node blocks come first, and nodes carry their own coordinates: a
forked child scans the first `CHILD_NODE_SHARE` of the node blocks and then the relation blocks (a relation's
member ways are read after the scan), while this process feeds the same node blocks to its node-location index,
in C++ only, then scans the other node blocks and the way blocks. The child writes its findings to an unlinked
temporary file as soon as it is done (what the geometry passes need first, then its candidates, which this
process loads once its location index is freed); they are joined in the file's order, so the result is the one a
single pass finds. A file that proves not to be sorted (an object of the wrong kind in the child's blocks) is
scanned again by one process.
"""

from __future__ import annotations

import marshal
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import osmium

from mapleads.forked import Forked
from mapleads.settings import get_settings
from mapleads.sources.base import Progress
from mapleads.sources.pbf.blocks import BlockRuns, buffers, reader
from mapleads.sources.pbf.scan import (
    ALL_KINDS,
    RELATION,
    OutOfOrder,
    ReadFile,
    Scanner,
    ScanResult,
    ScanShare,
    location_filler,
    new_locations,
)

#: below this many node blocks (8,000 nodes each) a fork and a pickle cost more than they save
MIN_NODE_BLOCKS = 32
#: the child's part of the node blocks: it also scans the relations, this process the ways (0.62: the two ended within
#: 0.01–0.08 s of each other on the benchmark file; at 0.6 the child ended 0.03–0.25 s first)
CHILD_NODE_SHARE = 0.62
#: the format of the spooled candidates (4 keeps shared objects shared); both ends are the same interpreter
MARSHAL_VERSION = 4
NODES_ONLY: frozenset[type] = frozenset({osmium.osm.Node})
RELATIONS_ONLY: frozenset[type] = frozenset({osmium.osm.Relation})


def scan_shared(
    path: Path, runs: BlockRuns | None, scanner: Callable[[frozenset[type]], Scanner], progress: Progress | None
) -> ReadFile | None:
    """The file read by two processes; None when it is too small to share, not declared sorted by type, or
    `scan_processes` is 1 (the caller then scans alone), or when it proved not to be sorted after all."""
    if runs is None or runs.node_blocks < MIN_NODE_BLOCKS:
        return None
    if get_settings().scan_processes < 2 or not hasattr(os, "fork"):
        return None
    cut = 1 + round(runs.node_blocks * CHILD_NODE_SHARE)
    spool = tempfile.TemporaryFile()  # noqa: SIM115  # closed once the findings are loaded, after this returns
    try:
        read = _scan_with_child(path, runs, cut, scanner, progress, spool)
    except BaseException:
        spool.close()
        raise
    if read is None:
        spool.close()
        return None
    if progress is not None:
        progress(runs.blocks[-1][1], runs.blocks[-1][1])
    return read


def _scan_with_child(
    path: Path,
    runs: BlockRuns,
    cut: int,
    scanner: Callable[[frozenset[type]], Scanner],
    progress: Progress | None,
    spool: BinaryIO,
) -> ReadFile | None:
    """This process's share read, once the child has spooled its own; None if the child found the file out of
    order. The child's candidates are loaded when the findings are asked for."""
    header, blocks = runs.blocks[0], runs.blocks
    child = Forked(_child_share, path, scanner(NODES_ONLY), header, blocks[1:cut], blocks[runs.relations :], spool)
    locations = new_locations()
    handler = location_filler(locations)
    mine = scanner(ALL_KINDS)
    handlers = mine.handlers(handler)
    total = runs.blocks[-1][1]
    for data, end in buffers(path, blocks[1:cut], header):
        with reader(data, osmium.osm.NODE) as nodes:
            osmium.apply(nodes, handler)
        if progress is not None:
            progress(end, total)
    for data, end in buffers(path, blocks[cut : runs.relations], header):
        with reader(data) as objects:
            mine.feed(osmium.OsmFileIterator(objects, *handlers))
        if progress is not None:
            progress(end, total)
    if not child.result():
        return None
    spool.seek(0)
    their_ways, their_places, their_latest = pickle.load(spool)
    places = their_places
    if places is not None and mine.share.places is not None:
        places.absorb(mine.share.places)

    def findings() -> ScanShare:
        with spool:
            theirs = ScanResult.from_rows(marshal.loads(spool.read()))
        return _joined(ScanShare(theirs, their_latest), mine.share)

    ways = their_ways | mine.share.relation_ways
    return ReadFile(locations, ways, mine.share.result.member_ways, places, findings)


def _child_share(
    path: Path,
    scanner: Scanner,
    header: tuple[int, int],
    node_blocks: list[tuple[int, int]],
    relation_blocks: list[tuple[int, int]],
    spool: BinaryIO,
) -> bool:
    """The child's share, written into the spool file at once, while the parent still scans (through a pipe it
    would wait for the parent to read it, in memory it would be held twice); False if its node or relation blocks
    hold another kind. What the geometry passes need comes first, pickled; the candidates and address carriers
    follow as marshalled rows (`ScanResult.rows`), loaded after them."""
    handlers = scanner.handlers()
    try:
        for data, _ in buffers(path, node_blocks, header):
            with reader(data) as objects:
                scanner.feed(osmium.OsmFileIterator(objects, *handlers))
        scanner.kinds = RELATIONS_ONLY
        for data, _ in buffers(path, relation_blocks, header):
            with reader(data) as objects:
                scanner.feed(osmium.OsmFileIterator(objects, *handlers))
    except OutOfOrder:
        return False
    share = scanner.share
    pickle.dump((share.relation_ways, share.places, share.latest), spool, protocol=pickle.HIGHEST_PROTOCOL)
    spool.write(marshal.dumps(share.result.rows(), MARSHAL_VERSION))
    spool.flush()
    return True


def _joined(theirs: ScanShare, mine: ScanShare) -> ScanShare:
    """The two shares' findings as one, in the file's order: their nodes, my nodes and ways, their relations."""
    a, b = theirs.result, mine.result
    split = next((k for k, c in enumerate(a.candidates) if c.kind == RELATION), len(a.candidates))
    result = ScanResult(
        candidates=a.candidates[:split] + b.candidates + a.candidates[split:],
        address_points=a.address_points + b.address_points,
        address_areas=b.address_areas + a.address_areas,
        countries=a.countries + b.countries,
        member_ways={**a.member_ways, **b.member_ways},
    )
    stamps = [s for s in (theirs.latest, mine.latest) if s is not None]
    return ScanShare(result, max(stamps, default=None))

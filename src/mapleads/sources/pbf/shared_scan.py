"""A large sorted .pbf file scanned by two processes at once.

Most of a scan's time is Python's work on the objects the C++ filters let through, and it runs on one core. In a
file sorted by type (`blocks.BlockRuns`) the node blocks come first, and nodes carry their own coordinates: a
forked child scans the first `CHILD_NODE_SHARE` of the node blocks and then the relation blocks, while this
process scans the other node blocks. Each puts its nodes' locations into an index file of its own, and the two
files joined are the node-location index of the whole file (`NodeFiles`): this process then scans the ways
against it, and the child reads its relations' member ways. The child writes its findings to an anonymous file
in memory as soon as it is done (what the geometry passes need first, then its candidates, which this
process loads once its location index is freed); they are joined in the file's order, so the result is the one a
single pass finds. A file that proves not to be sorted (an object of the wrong kind in the child's blocks) is
scanned again by one process.
"""

from __future__ import annotations

import contextlib
import marshal
import mmap
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import osmium

from mapleads.file_copy import copy_range
from mapleads.forked import Forked, spool_file
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
    read_member_ways,
)

#: below this many node blocks (8,000 nodes each) a fork and a pickle cost more than they save
MIN_NODE_BLOCKS = 32
#: the child's part of the node blocks: it also scans the relations and reads their member ways, this process the
#: ways, which wait for every node to be in the index (0.5: the two end their nodes together; interleaved against
#: osmium-tool on the benchmark file 0.96× at 0.5, 0.98× at 0.47, 1.02× at 0.42 and 0.55)
CHILD_NODE_SHARE = 0.5
#: the format of the spooled candidates (4 keeps shared objects shared); both ends are the same interpreter
MARSHAL_VERSION = 4
NODES_ONLY: frozenset[type] = frozenset({osmium.osm.Node})
RELATIONS_ONLY: frozenset[type] = frozenset({osmium.osm.Relation})
#: node-location settings a shared scan replaces by its two file-backed sparse arrays (`NodeFiles`)
SPARSE_INDEXES = frozenset({"flex_mem", "sparse_mem_array", "sparse_mmap_array", "sparse_file_array"})
#: room those need in the temporary folder per node block: 8,000 nodes of 16 bytes, and a half more, as libosmium
#: grows a file ahead of its records
INDEX_BYTES_PER_BLOCK = 8_000 * 16 * 3 // 2


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
    # in memory: through a file system's page cache the child's writing cost it 0.03 s more
    spool = spool_file()  # closed once the findings are loaded, after this returns
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
    files = NodeFiles.for_setting(runs.node_blocks)
    try:
        child = Forked(
            _child_share, path, scanner(NODES_ONLY), header, blocks[1:cut], blocks[runs.relations :], spool, files, runs
        )
        mine = scanner(ALL_KINDS)
        total = runs.blocks[-1][1]
        locations: osmium.index.LocationTable | None
        # NumPy, which the join and the work after the scan need, imported now that the child scans: before the
        # fork both processes waited for it, and the child never needs it
        import numpy  # noqa: F401

        if files is not None:
            files.take_parent_side()
            # nodes only: the last node block may start the ways, which are read once every node is in the index
            _scan_nodes_into(files.mine, path, blocks[cut : runs.ways], header, mine, osmium.osm.NODE, progress, total)
            locations = files.joined() if files.child_filled() else None
            ways, entities = runs.way_blocks, osmium.osm.WAY | osmium.osm.RELATION
        else:  # the setting's own index, which this process alone fills: the child's node blocks read for it
            locations = new_locations()
            _fill(locations, path, blocks[1:cut], header, progress, total)
            ways, entities = blocks[cut : runs.relations], osmium.osm.ALL
        if locations is not None:
            _scan(mine, path, ways, header, mine.handlers(location_filler(locations)), progress, total, entities)
        sorted_file = child.result()  # before the index files go: the child maps them after `joined`
    finally:
        if files is not None:
            files.close()
    if not sorted_file or locations is None:
        return None
    spool.seek(0)
    their_ways, their_places, their_latest, searched, member_ways = pickle.load(spool)
    places = their_places
    if places is not None and mine.share.places is not None:
        places.absorb(mine.share.places)

    def findings() -> ScanShare:
        # read where they lie: a copy of the ten MB was fresh memory to fault in first (7 ms; mapped, 1.5)
        with (
            spool,
            mmap.mmap(spool.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
            memoryview(mapped)[spool.tell() :] as rows,
        ):
            theirs = ScanResult.from_rows(marshal.loads(rows))
        return _joined(ScanShare(theirs, their_latest), mine.share)

    ways_read = their_ways | mine.share.relation_ways
    return ReadFile(locations, ways_read, mine.share.result.member_ways, places, findings, searched, member_ways)


def _scan(
    scanner: Scanner,
    path: Path,
    blocks: list[tuple[int, int]],
    header: tuple[int, int],
    handlers: list[osmium.BaseHandler],
    progress: Progress | None = None,
    total: int = 0,
    entities: osmium.osm.osm_entity_bits = osmium.osm.ALL,
) -> None:
    for data, end in buffers(path, blocks, header):
        with reader(data, entities) as objects:
            scanner.feed(osmium.OsmFileIterator(objects, *handlers))
        if progress is not None:
            progress(end, total)


def _fill(
    locations: osmium.index.LocationTable,
    path: Path,
    blocks: list[tuple[int, int]],
    header: tuple[int, int],
    progress: Progress | None,
    total: int,
) -> None:
    """The blocks' node locations into the index, in C++ only."""
    handler = location_filler(locations)
    for data, end in buffers(path, blocks, header):
        with reader(data, osmium.osm.NODE) as nodes:
            osmium.apply(nodes, handler)
        if progress is not None:
            progress(end, total)


def _scan_nodes_into(
    index: Path,
    path: Path,
    blocks: list[tuple[int, int]],
    header: tuple[int, int],
    scanner: Scanner,
    entities: osmium.osm.osm_entity_bits,
    progress: Progress | None = None,
    total: int = 0,
) -> None:
    """Scan node blocks while their locations go into a file-backed sparse array at `index`, cut to the records
    written once they are (libosmium grows the file ahead of them). Every reference to the index ends here, so it
    is unmapped when this returns."""
    locations = osmium.index.create_map(f"sparse_file_array,{index}")
    _scan(scanner, path, blocks, header, scanner.handlers(location_filler(locations)), progress, total, entities)
    size = locations.used_memory()  # 16 bytes a node
    del locations
    os.truncate(index, size)


@dataclass(slots=True)
class NodeFiles:
    """The node-location index built by both processes at once, so neither reads the other's node blocks: each
    fills a file-backed sparse array (id, location; 16 bytes a node) with its share of the node blocks, in id
    order. The child's file followed by this process's is the sorted array of every node, which libosmium maps as
    it is: this process reads the ways against it, and the child its relations' member ways meanwhile. Only where
    the setting asks for a sparse index (the default, `flex_mem`, is one for an extract's ids); a dense one is
    filled by this process alone.

    Two pipes keep the order: the child says its nodes are in its file (`filled`), this process that the files are
    joined (`told`); a process that ends without saying so closes its end, which the other reads as a no."""

    folder: Path
    child: Path
    mine: Path
    #: (read end, write end) of each pipe
    filled: tuple[int, int]
    told: tuple[int, int]
    #: this process's ends not closed yet (a number closed twice may by then be another file's)
    unclosed: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.unclosed.update((*self.filled, *self.told))

    @classmethod
    def for_setting(cls, node_blocks: int) -> NodeFiles | None:
        """Files for the index of a file with this many node blocks, in a new temporary folder; None where the
        setting names a dense index, or where the temporary folder has too little room for them (a memory-mapped
        file that cannot grow on a full disk kills its process)."""
        kind, _, named = get_settings().node_locations.partition(",")
        if kind not in SPARSE_INDEXES:
            return None
        # beside the file the setting names, if it names one (a disk chosen for the index), else in TMPDIR
        folder = Path(tempfile.mkdtemp(prefix="mapleads-nodes-", dir=Path(named).parent if named else None))
        if "," in str(folder) or shutil.disk_usage(folder).free < node_blocks * INDEX_BYTES_PER_BLOCK:
            folder.rmdir()  # libosmium reads the index's name up to a comma; or no room
            return None
        return cls(folder, folder / "child.idx", folder / "mine.idx", os.pipe(), os.pipe())

    def take_parent_side(self) -> None:
        self._close(self.filled[1], self.told[0])

    def take_child_side(self) -> None:
        self._close(self.filled[0], self.told[1])

    def say_filled(self) -> None:
        os.write(self.filled[1], b"1")

    def child_filled(self) -> bool:
        return os.read(self.filled[0], 1) == b"1"

    def was_told(self) -> bool:
        """Whether the files were joined (waits for it)."""
        return os.read(self.told[0], 1) == b"1"

    def joined(self) -> osmium.index.LocationTable:
        """Both files as one index, the child's records followed by this process's (the kernel copies them); the
        child is told it may map it too."""
        with open(self.mine, "rb") as src, open(self.child, "r+b") as dst:
            dst.seek(0, os.SEEK_END)
            copy_range(src, dst, 0, os.fstat(src.fileno()).st_size)
        _sort_if_needed(self.child)
        locations = osmium.index.create_map(f"sparse_file_array,{self.child}")
        with contextlib.suppress(BrokenPipeError):  # a child with no member ways to read has ended
            os.write(self.told[1], b"1")
        return locations

    def close(self) -> None:
        """The pipes, the files and their folder (an index mapped from them stays readable until it is freed)."""
        self._close(*self.unclosed)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _close(self, *fds: int) -> None:
        for fd in fds:
            self.unclosed.discard(fd)
            os.close(fd)


#: (node id, location) as libosmium's sparse arrays hold them (a NumPy structured dtype's fields)
NODE_RECORD = [("id", "<u8"), ("x", "<i4"), ("y", "<i4")]


def _sort_if_needed(index: Path) -> None:
    """Sort the records by id unless they are (a file declared sorted is, in all but broken ones): libosmium
    looks a node up by binary search, and sorts an index only as it fills it."""
    import numpy as np  # imported by now (`_scan_with_child`)

    records = np.memmap(index, dtype=np.dtype(NODE_RECORD), mode="r+")
    ids = records["id"]
    if len(ids) > 1 and not bool((ids[1:] > ids[:-1]).all()):
        records.sort(order="id", kind="stable")
        records.flush()
    del records


def _child_share(
    path: Path,
    scanner: Scanner,
    header: tuple[int, int],
    node_blocks: list[tuple[int, int]],
    relation_blocks: list[tuple[int, int]],
    spool: BinaryIO,
    files: NodeFiles | None,
    runs: BlockRuns,
) -> bool:
    """The child's share, written into the spool file at once, while the parent still scans (through a pipe it
    would wait for the parent to read it, in memory it would be held twice); False if its node or relation blocks
    hold another kind. With `files`, its node locations go into its index file, and once the parent has joined
    the files it reads its relations' member ways against them. What the geometry passes need comes first,
    pickled; the candidates and address carriers follow as marshalled rows (`ScanResult.rows`), loaded after."""
    try:
        if files is not None:
            files.take_child_side()
            _scan_nodes_into(files.child, path, node_blocks, header, scanner, osmium.osm.ALL)
            files.say_filled()
        else:
            _scan(scanner, path, node_blocks, header, scanner.handlers())
        scanner.kinds = RELATIONS_ONLY
        _scan(scanner, path, relation_blocks, header, scanner.handlers())
    except OutOfOrder:
        return False
    share = scanner.share
    wanted = share.relation_ways | (share.places.way_ids() if share.places is not None else set())
    searched: set[int] = set()
    lines: dict[int, bytes] = {}
    if files is not None and wanted and files.was_told():
        locations = osmium.index.create_map(f"sparse_file_array,{files.child}")
        lines = read_member_ways(path, runs, wanted, locations, alone=False)
        searched = wanted
        del locations
    header_part = (share.relation_ways, share.places, share.latest, searched, lines)
    pickle.dump(header_part, spool, protocol=pickle.HIGHEST_PROTOCOL)
    spool.write(marshal.dumps(share.result.rows(), MARSHAL_VERSION))
    spool.flush()
    return True


def _joined(theirs: ScanShare, mine: ScanShare) -> ScanShare:
    """The two shares' findings as one, in the file's order: their nodes, my nodes and ways, their relations."""
    a, b = theirs.result, mine.result
    split = len(a.candidates)  # their relations come last, and are few: looked for from the end
    while split and a.candidates[split - 1].kind == RELATION:
        split -= 1
    result = ScanResult(
        candidates=a.candidates[:split] + b.candidates + a.candidates[split:],
        columns=a.columns[:split] + b.columns + a.columns[split:],
        address_points=a.address_points + b.address_points,
        address_areas=b.address_areas + a.address_areas,
        countries=a.countries + b.countries,
        member_ways={**a.member_ways, **b.member_ways},
    )
    stamps = [s for s in (theirs.latest, mine.latest) if s is not None]
    return ScanShare(result, max(stamps, default=None))

"""A .pbf file as runs of blocks: which blocks hold nodes, ways or relations, and any run of them read on its own.

libosmium reads the header block followed by any run of whole data blocks as a file of its own
(`osmium.io.FileBuffer`), so two processes can each read part of one file, and a pass that needs only ways can
skip the rest. A file whose header declares it sorted by type, then id (Geofabrik's extracts, planet dumps,
`osmium sort`) holds its node blocks first, then the ways', then the relations'; a block may end one kind and
start the next. The kind a block starts with is read from its first bytes, and where the kinds change is found
by a binary search over a handful of blocks.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import osmium

from mapleads.sources.pbf.reader import BrokenChain, blocks_of, proto_fields, varint

#: what a data block holds first (PrimitiveGroup fields 1 nodes, 2 dense nodes, 3 ways, 4 relations)
NODES, WAYS, RELATIONS = 0, 1, 2
_GROUP_KIND = {1: NODES, 2: NODES, 3: WAYS, 4: RELATIONS}
#: blocks read per FileBuffer: a few MB in memory at a time, and as fast as reading the file by its path
BLOCKS_PER_BUFFER = 16


@dataclass(frozen=True, slots=True)
class BlockRuns:
    """A sorted file's data blocks by the kind they start with: `blocks[1:ways]` nodes, `blocks[ways:relations]`
    ways, `blocks[relations:]` relations (block 0 is the header block). The last block of a run may also hold
    the start of the next kind."""

    blocks: list[tuple[int, int]]
    ways: int
    relations: int

    @property
    def node_blocks(self) -> int:
        return self.ways - 1

    @property
    def way_blocks(self) -> list[tuple[int, int]]:
        """Every block that may hold ways."""
        return self.blocks[max(1, self.ways - 1) : self.relations]


def block_runs(path: Path) -> BlockRuns | None:
    """The file's blocks and where their kinds change, if its header declares it sorted by type, then id, and its
    blocks can be told apart (zlib-compressed or raw ones: what every common writer makes); None otherwise."""
    with osmium.io.Reader(str(path), osmium.osm.NOTHING) as head:
        if head.header().get("sorting") != "Type_then_ID":
            return None
    try:
        blocks = blocks_of(path)
    except (BrokenChain, OSError):
        return None
    if len(blocks) < 2:
        return None
    with open(path, "rb", buffering=0) as fh:
        fd = fh.fileno()

        def first_of(kind: int, lo: int) -> int | None:
            """The first block from `lo` on whose kind is `kind` or later (the file taken to be sorted)."""
            hi = len(blocks)
            while lo < hi:
                mid = (lo + hi) // 2
                found = block_kind(fd, blocks[mid])
                if found is None:
                    return None
                if found < kind:
                    lo = mid + 1
                else:
                    hi = mid
            return lo

        ways = first_of(WAYS, 1)
        relations = first_of(RELATIONS, ways) if ways is not None else None
    if ways is None or relations is None:
        return None
    return BlockRuns(blocks, ways, relations)


def block_kind(fd: int, block: tuple[int, int]) -> int | None:
    """NODES, WAYS or RELATIONS: what the block's first group holds; None when it cannot be read here. Only the
    block's string table and the start of its first group are decompressed."""
    start, end = block
    data = os.pread(fd, end - start, start)
    header_size = int.from_bytes(data[:4], "big")
    try:
        blob = dict(proto_fields(data[4 + header_size :]))
        if isinstance(raw := blob.get(1), bytes):
            inflate = _Content(raw, packed=False).prefix
        elif isinstance(packed := blob.get(3), bytes):
            inflate = _Content(packed, packed=True).prefix
        else:  # lzma, lz4 or zstd: rare, and left to libosmium
            return None
        content = inflate(16)
        key, pos = varint(content, 0)
        if key == 1 << 3 | 2:  # the string table: skip it
            size, pos = varint(content, pos)
            pos += size
            content = inflate(pos + 16)
            key, pos = varint(content, pos)
        if key != 2 << 3 | 2:  # the first PrimitiveGroup
            return None
        _, pos = varint(content, pos)
        group_key, _ = varint(content, pos)
    except (ValueError, IndexError, zlib.error):
        return None
    return _GROUP_KIND.get(group_key >> 3)


class _Content:
    """A block's content, raw or a zlib stream inflated only as far as it is read."""

    def __init__(self, data: bytes, *, packed: bool) -> None:
        self._inflater = zlib.decompressobj()
        self._rest = data if packed else b""
        self._out = b"" if packed else data

    def prefix(self, size: int) -> bytes:
        """The first `size` bytes of the inflated stream (fewer if it is shorter)."""
        if len(self._out) < size and self._rest:
            self._out += self._inflater.decompress(self._rest, size - len(self._out))
            self._rest = self._inflater.unconsumed_tail
        return self._out[:size]


def buffers(path: Path, blocks: list[tuple[int, int]], header: tuple[int, int]) -> Iterator[tuple[bytes, int]]:
    """The blocks, a few at a time, each run behind the file's header block: (a file's bytes for
    `osmium.io.FileBuffer`, the file offset read up to)."""
    with open(path, "rb", buffering=0) as fh:
        fd = fh.fileno()
        head = os.pread(fd, header[1] - header[0], header[0])
        for k in range(0, len(blocks), BLOCKS_PER_BUFFER):
            run = blocks[k : k + BLOCKS_PER_BUFFER]
            start, end = run[0][0], run[-1][1]
            yield head + os.pread(fd, end - start, start), end


def reader(
    data: bytes, entities: osmium.osm.osm_entity_bits = osmium.osm.ALL, pool: osmium.io.ThreadPool | None = None
) -> osmium.io.Reader:
    return osmium.io.Reader(osmium.io.FileBuffer(data, "pbf"), entities, thread_pool=pool)

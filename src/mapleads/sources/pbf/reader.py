"""Opening .pbf files: clear errors for bad files, and byte-accurate progress for long reads.

pyosmium reads from a path and does not report how far it is; `ReadPosition` asks the kernel instead.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from pathlib import Path

import osmium

from mapleads.errors import InputError
from mapleads.sources.base import Progress

PBF_MAGIC = b"\x00\x00\x00"  # a BlobHeader length < 2**24 starts with zero bytes
READ_ERRORS = (RuntimeError, ValueError, osmium.InvalidLocationError)
#: the format's limits (libosmium's too): a BlobHeader is under 64 KiB, a blob's data at most 32 MiB
MAX_BLOB_HEADER = 64 * 1024
MAX_BLOB_DATA = 32 * 1024 * 1024
#: libosmium decodes ahead of the reader into queues of 20 blocks each (a block of 8,000 decoded objects is
#: about 1 MB); when Python is the slower side they fill up, 170 MB on a 51 MB file. Four blocks keep the
#: decoding threads busy just as well (measured: same time). Its own environment variables still override.
READ_AHEAD_BLOCKS = "4"
for _queue in ("OSMIUM_MAX_INPUT_QUEUE_SIZE", "OSMIUM_MAX_OSMDATA_QUEUE_SIZE"):
    os.environ.setdefault(_queue, READ_AHEAD_BLOCKS)


def check_pbf(path: str | os.PathLike[str]) -> Path:
    """The path, if it names a readable, complete .osm.pbf file; else an `InputError` saying what is wrong."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"file not found: {p}")
    if not p.is_file():
        raise InputError(f"not a file: {p}")
    try:
        with open(p, "rb") as fh:
            head = fh.read(64)
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror}") from None
    if len(head) < 8:
        raise InputError(f"{p} is empty or truncated: not an OSM .pbf file")
    if not head.startswith(PBF_MAGIC) or b"OSMHeader" not in head:
        raise InputError(f"{p} is not an OSM .pbf file ({_what_it_is(head, p)})")
    try:
        stat = p.stat()
        fault = framing_fault(str(p.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror}") from None
    if fault is not None:
        raise InputError(f"{p} is corrupt or truncated ({fault})")
    return p


def framing_fault(path: str, size: int, mtime_ns: int, inode: int) -> str | None:
    """Where the file's chain of blocks (length, BlobHeader, data) breaks, or None if it ends with the file.

    libosmium reads a file that ends within the 4-byte length of a block (or in zero bytes, as a preallocated
    download does) as a valid, shorter file: a cut download would lose leads without a word. Walking the chain
    reads one BlobHeader per block, never the data, and finds every cut before a long read starts.
    """
    chain = _chain(path, size, mtime_ns, inode)
    return chain if isinstance(chain, str) else None


class BrokenChain(ValueError):
    """Where a file's chain of blocks breaks."""


def blocks_of(path: Path) -> list[tuple[int, int]]:
    """(start, end) byte offsets of every block of the file, header block first; `BrokenChain` where it breaks."""
    resolved = path.resolve()
    stat = resolved.stat()
    chain = _chain(str(resolved), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    if isinstance(chain, str):
        raise BrokenChain(chain)
    return chain


@functools.lru_cache(maxsize=4)
def _chain(path: str, size: int, _mtime_ns: int, _inode: int) -> list[tuple[int, int]] | str:
    """The file's blocks, or where their chain breaks; cached per file version (size, mtime, inode): one extract
    checks the file and then reads it by its blocks."""
    try:
        return block_chain(path, size)
    except BrokenChain as exc:
        return str(exc)


def block_chain(path: str, size: int) -> list[tuple[int, int]]:
    """(start, end) byte offsets of every block of the file, header block first; `BrokenChain` where it breaks."""
    blocks = []
    with open(path, "rb", buffering=0) as fh:
        fd = fh.fileno()
        pos = 0
        while pos < size:
            head = os.pread(fd, 4 + 32, pos)  # the length and, mostly, the BlobHeader (~14 bytes) in one read
            if len(head) < 4:
                raise BrokenChain(f"the file ends {len(head)} byte(s) into the length of the block at byte {pos}")
            length = int.from_bytes(head[:4], "big")
            if not 0 < length <= MAX_BLOB_HEADER:
                raise BrokenChain(f"no block at byte {pos}: its header length is {length}")
            if len(head) < 4 + length:
                head += os.pread(fd, 4 + length - len(head), pos + len(head))
            if len(head) < 4 + length:
                raise BrokenChain(f"the file ends inside the header of the block at byte {pos}")
            datasize = _blob_datasize(head[4 : 4 + length])
            if datasize is None or datasize > MAX_BLOB_DATA:
                raise BrokenChain(f"the header of the block at byte {pos} is unreadable")
            start, pos = pos, pos + 4 + length + datasize
            if pos > size:
                raise BrokenChain(f"the block at byte {start} lacks its last {pos - size} bytes")
            blocks.append((start, pos))
    return blocks


def _blob_datasize(header: bytes) -> int | None:
    """The `datasize` (field 3) of a BlobHeader protobuf message; None if the bytes are not one."""
    try:
        fields = dict(proto_fields(header))
    except ValueError:
        return None
    datasize = fields.get(3)
    return datasize if isinstance(datasize, int) else None


def proto_fields(message: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a protobuf message's varint and length-delimited fields, in order; ValueError
    for any other wire type or a cut message (no message of the .pbf format that is read here has them)."""
    pos, end = 0, len(message)
    try:
        while pos < end:
            key, pos = varint(message, pos)
            if key & 7 == 0:
                value, pos = varint(message, pos)
                yield key >> 3, value
            elif key & 7 == 2:
                size, pos = varint(message, pos)
                if pos + size > end:
                    raise ValueError("a field runs past the message's end")
                yield key >> 3, message[pos : pos + size]
                pos += size
            else:
                raise ValueError(f"wire type {key & 7}")
    except IndexError:
        raise ValueError("the message is cut") from None


def varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


#: the start of files people pass for a .pbf, and what to do about each
_OTHER_FORMATS = (
    ((b"<?xml", b"<osm"), "it is OSM XML: convert it with 'osmium cat {p} -o {p.stem}.osm.pbf'"),
    ((b"\x1f\x8b",), "it is gzip-compressed: unpack it first"),
    ((b"BZh",), "it is bzip2-compressed: unpack it first"),
    ((b"\xffo5m2", b"\xff\xe0\x04o5m2"), "it is .o5m: convert it with 'osmium cat {p} -o {p.stem}.osm.pbf'"),
    ((b"PK\x03\x04",), "it is a zip archive: unpack it first"),
)


def _what_it_is(head: bytes, p: Path) -> str:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for magics, advice in _OTHER_FORMATS:
        if start.startswith(magics):
            return advice.format(p=p)
    return "expected the OSMHeader block at its start"


def corrupt(path: Path, exc: BaseException) -> InputError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError(f"{path} is corrupt or truncated ({reason})")


class ReadPosition:
    """How far libosmium has read a file, from the kernel's view of its open descriptor (Linux /proc).

    pyosmium does not report progress; asking the kernel costs nothing on the hot path and needs no copy.
    Where /proc is missing, progress simply stays unknown.
    """

    def __init__(self, path: Path, progress: Progress | None) -> None:
        self.path = str(path.resolve())
        self.total = path.stat().st_size
        self.progress = progress
        self._fdinfo: str | None = None

    def _find(self) -> str | None:
        with contextlib.suppress(OSError):
            for fd in os.listdir("/proc/self/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/self/fd/{fd}") == self.path:
                        return f"/proc/self/fdinfo/{fd}"
        return None

    def report(self) -> None:
        if self.progress is None:
            return
        if self._fdinfo is None:
            self._fdinfo = self._find()
        done = 0
        if self._fdinfo is not None:
            with contextlib.suppress(OSError, ValueError), open(self._fdinfo) as fh:
                done = int(fh.readline().split()[1])
        self.progress(min(done, self.total), self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def osm_file(name: str) -> osmium.io.File:
    return osmium.io.File(name, "pbf")


def header_timestamp(path: Path) -> str | None:
    """The snapshot date the file's header declares (replication timestamp), as YYYY-MM-DD."""
    try:
        with osmium.io.Reader(str(path), osmium.osm.NOTHING) as reader:
            value = reader.header().get("osmosis_replication_timestamp")
    except READ_ERRORS as exc:
        raise corrupt(path, exc) from None
    return value[:10] if value else None

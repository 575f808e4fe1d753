"""Opening .pbf files: clear errors for bad files, and byte-accurate progress for long reads.

pyosmium reads from a path and does not report how far it is, so when progress is wanted the file is fed to it
through a pipe by a thread that counts bytes. libosmium reads sequentially, so this costs one memory copy.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import osmium

from mapleads.errors import InputError
from mapleads.sources.base import Progress

PBF_MAGIC = b"\x00\x00\x00"  # a BlobHeader length < 2**24 starts with zero bytes
_CHUNK = 1 << 20
READ_ERRORS = (RuntimeError, ValueError, osmium.InvalidLocationError)


def check_pbf(path: str | os.PathLike[str]) -> Path:
    """The path, if it names a readable, non-empty .osm.pbf file; else an `InputError` saying what is wrong."""
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
        raise InputError(f"{p} is not an OSM .pbf file (expected the OSMHeader block at its start)")
    return p


def corrupt(path: Path, exc: BaseException) -> InputError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError(f"{path} is corrupt or truncated ({reason})")


@contextlib.contextmanager
def opened(path: Path, progress: Progress | None) -> Iterator[str]:
    """A name pyosmium can open: the path itself, or a pipe that reports bytes read to `progress`."""
    if progress is None:
        yield str(path)
        return
    total = path.stat().st_size
    read_fd, write_fd = os.pipe()
    stop = threading.Event()

    def feed() -> None:
        done = 0
        try:
            with open(path, "rb") as src, os.fdopen(write_fd, "wb") as sink:
                while not stop.is_set() and (chunk := src.read(_CHUNK)):
                    sink.write(chunk)
                    done += len(chunk)
                    progress(done, total)
        except (BrokenPipeError, OSError):
            pass

    thread = threading.Thread(target=feed, name="pbf-feed", daemon=True)
    thread.start()
    try:
        yield f"/dev/fd/{read_fd}"
    finally:
        stop.set()
        with contextlib.suppress(OSError):
            os.close(read_fd)
        thread.join(timeout=5)


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

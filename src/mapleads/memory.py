"""Memory helpers shared by the stages that hold many small objects at once."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
from collections.abc import Callable, Iterator
from functools import lru_cache


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector off while many acyclic objects are being made.

    A scan's candidates or a query's leads are hundreds of thousands of small dicts and dataclasses that form
    no cycles; with the collector on, every collection walks them all again (it doubled the time to build
    leads and tripled the time to decode a large query answer). Reference counting still frees everything;
    the collector is back on when the block ends (or the consumer of a generator stops early), with what the
    block kept moved to its oldest generation.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # what the block made and kept counts as old: left young, the first collection after the pause walked
            # all of it (1.6 s after an index build of a million leads); a full collection still may
            gc.freeze()
            gc.unfreeze()
            gc.enable()


#: what the process hands over to its end (`release_at_exit`): a list once it is known to end without teardown
_held: list[object] | None = None


def ending_without_teardown() -> None:
    """Declare that this process ends without releasing its objects one by one (the console script, `cli.run`)."""
    global _held
    if _held is None:
        _held = []


def release_at_exit(obj: object) -> None:
    """Leave `obj` to the end of the process instead of releasing it now, in a process that ends without
    teardown: an extraction's read file is a million small objects, freeing them one by one when the command
    returned took 0.08 s, and the kernel frees them at once. Anywhere else (tests, a server) nothing is held."""
    if _held is not None:
        _held.append(obj)


def return_freed_memory() -> None:
    """Hand freed native memory (Arrow's pool, the C heap DuckDB and numpy used) back to the system, so the
    next stage's allocations do not add to the peak on top of it."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim  # type: ignore[no-any-return]
    return None

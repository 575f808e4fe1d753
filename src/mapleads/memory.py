"""Memory helpers shared by the stages that hold many small objects at once."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector off while many acyclic objects are being made.

    A scan's candidates or a query's leads are hundreds of thousands of small dicts and dataclasses that form
    no cycles; with the collector on, every collection walks them all again (it doubled the time to build
    leads and tripled the time to decode a large query answer). Reference counting still frees everything;
    the collector is back on when the block ends (or the consumer of a generator stops early).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

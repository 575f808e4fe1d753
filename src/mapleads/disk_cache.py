"""Results worth keeping between commands, as pickles under `data_dir/cache/`."""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable
from typing import TypeVar

from mapleads.settings import get_settings

T = TypeVar("T")

#: what reading a cache entry written by another version, or cut short, can raise: the entry is made again
_STALE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError)


def disk_cached(folder: str, key: str, make: Callable[[], T]) -> T:
    """`make()`, kept as `data_dir/cache/<folder>/<key>.pickle`: the key must change whenever the result would.

    A stale or corrupt entry is made again; a data dir that cannot be written only costs making it next time too.
    """
    entry = get_settings().data_dir / "cache" / folder / f"{key}.pickle"
    if entry.is_file():
        try:
            with open(entry, "rb") as fh:
                return pickle.load(fh)  # type: ignore[no-any-return]
        except _STALE:
            entry.unlink(missing_ok=True)
    value = make()
    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_suffix(f".{os.getpid()}.partial")  # processes making the same entry at once
        with open(partial, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(entry)
    return value

"""Where the resolver keeps state between runs: SQLite files under the data directory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mapleads.errors import MapleadsError
from mapleads.settings import get_settings


def data_path(name: str) -> Path:
    return Path(get_settings().data_dir) / name


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """An open database at `path` with `schema` applied; a clear error when the file is not usable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path)
        con.executescript(schema)
    except (OSError, sqlite3.Error) as exc:
        raise MapleadsError(f"cannot open {path}: {exc}") from None
    return con

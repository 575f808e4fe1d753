"""The data directory: one folder per region, holding its newest extract, what we know of it, and its index.

    $MAPLEADS_DATA_DIR/regions/europe/germany/berlin/
        region.json                      which region, URL, md5, snapshot date, file, size
        berlin-2026-11-20.osm.pbf        the extract, named with its snapshot date
        index/                           the region index (mapleads.index), when built

Files given by path (`mapleads index build my.osm.pbf`) get a folder under regions/local/<name>/ that points
to the file instead of copying it. Every JSON file is written to a temp path then renamed, so a crash never
leaves a half-written record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from mapleads.errors import InputError, MapleadsError
from mapleads.settings import get_settings

REGION_FILE = "region.json"
BOUNDARY_FILE = "boundary.wkb"
LOCAL_PREFIX = "local"


def data_dir() -> Path:
    return Path(get_settings().data_dir).expanduser()


def regions_root() -> Path:
    return data_dir() / "regions"


def region_dir(path: str) -> Path:
    """Folder of a region by its path ("europe/germany/berlin"); refuses paths escaping the data directory."""
    parts = [p for p in path.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise MapleadsError(f"invalid region path '{path}'")
    return regions_root().joinpath(*parts)


@dataclass(slots=True)
class LocalRegion:
    """A region (downloaded or a local file) as recorded in its region.json."""

    path: str
    name: str
    file: str
    snapshot_date: str | None = None
    size: int = 0
    url: str | None = None
    md5: str | None = None
    downloaded_at: str | None = None

    @property
    def folder(self) -> Path:
        return region_dir(self.path)

    @property
    def pbf(self) -> Path:
        """The extract; relative names live in the region folder, absolute ones are the user's own file."""
        p = Path(self.file)
        return p if p.is_absolute() else self.folder / p

    @property
    def index_dir(self) -> Path:
        return self.folder / "index"

    def save(self) -> None:
        write_atomic(self.folder / REGION_FILE, orjson.dumps(asdict(self), option=orjson.OPT_INDENT_2))


def local_region(path: str) -> LocalRegion | None:
    meta = region_dir(path) / REGION_FILE
    if not meta.exists():
        return None
    return _load(meta)


def _load(meta: Path) -> LocalRegion:
    try:
        data: dict[str, Any] = orjson.loads(meta.read_bytes())
        fields: dict[str, Any] = {k: data[k] for k in LocalRegion.__dataclass_fields__ if k in data}
        return LocalRegion(**fields)
    except (orjson.JSONDecodeError, TypeError) as exc:
        raise InputError(f"{meta} is damaged ({exc}); delete its folder and download again") from None


def list_local() -> list[LocalRegion]:
    """Every region recorded under the data directory, sorted by path."""
    root = regions_root()
    if not root.exists():
        return []
    return sorted((_load(p) for p in root.rglob(REGION_FILE)), key=lambda r: r.path)


def local_path_for_file(pbf: Path) -> str:
    """Region path for a user's own file: regions/local/<name without -latest/.osm.pbf>."""
    stem = pbf.name
    for suffix in (".osm.pbf", ".pbf"):
        stem = stem.removesuffix(suffix)
    stem = re.sub(r"-latest$", "", stem)
    stem = re.sub(r"[^\w.-]+", "_", stem) or "file"
    return f"{LOCAL_PREFIX}/{stem}"


def pbf_snapshot_date(pbf: Path) -> str | None:
    """The data's own date: the replication timestamp Geofabrik writes into the .pbf header (YYYY-MM-DD)."""
    import osmium

    from mapleads.sources.pbf.reader import check_pbf

    check_pbf(pbf)  # a missing, empty, XML or compressed file is named as such, with what to do
    try:
        reader = osmium.io.Reader(osmium.io.File(str(pbf), "pbf"), osmium.osm.osm_entity_bits.NOTHING)
        try:
            stamp = reader.header().get("osmosis_replication_timestamp")
        finally:
            reader.close()
    except RuntimeError as exc:
        raise InputError(f"{pbf} is not a readable OSM .pbf file ({exc})") from None
    if not stamp:
        return None
    try:
        return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def write_atomic(target: Path, data: bytes) -> None:
    """Write a small file via a temp file in the same folder and rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise disk_error(exc, target) from None


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def disk_error(exc: OSError, target: Path) -> MapleadsError:
    """One sentence for a failed write; disk-full gets its own wording because the fix differs."""
    if is_disk_full(exc):
        return MapleadsError(f"disk full while writing {target}; nothing was kept — free some space and retry")
    return MapleadsError(f"could not write {target}: {exc.strerror or exc}")


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in _files(folder))


def _files(folder: Path) -> Iterator[Path]:
    if folder.exists():
        yield from (p for p in folder.rglob("*") if p.is_file())

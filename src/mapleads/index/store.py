"""The on-disk index format: a folder with a manifest, the leads and the named areas.

    index/
        manifest.json     format version, source file + snapshot, counts, bounds, taxonomy fingerprint
        leads.parquet     one row per lead, Hilbert-sorted; lat/lon min/max per row group prune queries
        records.parquet   the full lead records (JSON) in the same order, in small row groups
        areas.parquet     named areas (admin boundaries, places) as WKB, for "--in <place>"
        coverage.wkb      the area the extract covers, to pick the right index for a query

A build writes a sibling temp folder and swaps it in with renames, so readers see the old index or the new
one, never a mix; an interrupted or failed build leaves the old index untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from mapleads.errors import InputError, MapleadsError
from mapleads.regions.store import LocalRegion, disk_error, folder_size

#: bump when the files' layout or meaning changes; readers refuse other versions with a rebuild hint
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
LEADS = "leads.parquet"
RECORDS = "records.parquet"
AREAS = "areas.parquet"
COVERAGE = "coverage.wkb"


class IndexFormatError(MapleadsError):
    """An index this version cannot read (older/newer format, damaged files)."""


def taxonomy_fingerprint() -> str:
    """Categories are computed at build time, so an index built under another taxonomy answers differently."""
    pkg = resources.files("mapleads.taxonomy")
    digest = hashlib.sha1(usedforsecurity=False)
    for name in ("categories.toml", "exclusions.toml"):
        with contextlib.suppress(FileNotFoundError):
            digest.update(pkg.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest: dict[str, Any] = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise IndexFormatError(
            f"no index at {folder} (missing {MANIFEST}); build it with 'mapleads index build'"
        ) from None
    except orjson.JSONDecodeError as exc:
        raise IndexFormatError(f"the index at {folder} is damaged ({exc}); rebuild it") from None
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexFormatError(
            f"the index at {folder} has format version {version}, this mapleads reads version "
            f"{FORMAT_VERSION}; "
            f"rebuild it with 'mapleads index build {manifest.get('region') or folder}'"
        )
    return manifest


def source_fingerprint(pbf: Path) -> dict[str, int]:
    stat = pbf.stat()
    return {"source_size": stat.st_size, "source_mtime_ns": stat.st_mtime_ns}


@dataclass(slots=True)
class IndexSummary:
    #: none | ready | stale (extract changed since) | old format | taxonomy changed
    state: str
    leads: int | None = None
    size: int = 0
    snapshot_date: str | None = None


def index_summary(region: LocalRegion) -> IndexSummary:
    folder = region.index_dir
    if not (folder / MANIFEST).exists():
        return IndexSummary("none")
    size = folder_size(folder)
    try:
        manifest = read_manifest(folder)
    except IndexFormatError:
        return IndexSummary("old format — rebuild", size=size)
    summary = IndexSummary("ready", manifest.get("leads"), size, manifest.get("snapshot_date"))
    if manifest.get("taxonomy") != taxonomy_fingerprint():
        summary.state = "taxonomy changed — rebuild"
    elif not region.pbf.exists():
        summary.state = "ready (extract removed)"
    elif manifest.get("source_file") != str(region.pbf) or any(
        manifest.get(k) != v for k, v in source_fingerprint(region.pbf).items()
    ):
        summary.state = "stale — run 'mapleads index update'"
    return summary


@contextmanager
def staging_folder(final: Path) -> Iterator[Path]:
    """A temp folder beside `final`, renamed over it on success and removed on any failure."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.building-"))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp's 0700 would make a shared index unreadable to other users
    try:
        yield tmp
        _swap(tmp, final)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise disk_error(exc, final) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(new: Path, final: Path) -> None:
    """Replace the folder `final` by `new` with two renames; the old one is deleted only afterwards."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    try:
        os.replace(new, final)
    except OSError:
        if old is not None:
            os.replace(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def require_file(path: Path, what: str) -> None:
    if not path.exists():
        raise InputError(f"{what} {path} is missing; rebuild the index with 'mapleads index build'")

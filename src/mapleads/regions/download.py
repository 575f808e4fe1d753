"""Resumable, md5-verified downloads of Geofabrik extracts.

A country file is 1–2 GB: a dropped connection must not cost the whole download, so bytes go to a hidden
``.part`` file that later attempts (in this run or the next) continue with an HTTP Range request. Only a file
whose md5 matches the published ``.md5`` is renamed to its final, dated name; a mismatch deletes the partial
file so the next run starts clean.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from mapleads.errors import InputError, MapleadsError
from mapleads.regions.catalog import Catalog, Region, load_catalog
from mapleads.regions.store import (
    BOUNDARY_FILE,
    LocalRegion,
    disk_error,
    local_region,
    pbf_snapshot_date,
    region_dir,
    write_atomic,
)
from mapleads.settings import get_settings
from mapleads.sources.base import Progress

CHUNK = 1 << 20
_MD5 = re.compile(r"\b([0-9a-fA-F]{32})\b")


@dataclass(slots=True)
class DownloadResult:
    region: LocalRegion
    #: "downloaded", "resumed" or "up-to-date"
    status: str
    replaced: list[str]


def download_region(
    name: str,
    *,
    progress: Progress | None = None,
    keep_old: bool = False,
    catalog: Catalog | None = None,
    attempts: int = 5,
    force: bool = False,
) -> DownloadResult:
    """Fetch a region's newest extract into the data directory (or confirm the local one is current)."""
    settings = get_settings()
    headers = {"User-Agent": settings.user_agent}
    with httpx.Client(headers=headers, timeout=httpx.Timeout(60, connect=20), follow_redirects=True) as http:
        region = (catalog or load_catalog(client=http)).find(name)
        md5 = _published_md5(http, region)
        existing = local_region(region.path)
        if existing and not force and existing.md5 == md5 and existing.pbf.exists():
            return DownloadResult(existing, "up-to-date", [])
        folder = region_dir(region.path)
        folder.mkdir(parents=True, exist_ok=True)
        fetched = _Fetch(http, region, md5, folder, progress, attempts)
        part, last_modified = fetched.run()
    local, replaced = _install(region, md5, part, last_modified, existing, keep_old)
    return DownloadResult(local, fetched.status, replaced)


def _published_md5(http: httpx.Client, region: Region) -> str:
    try:
        resp = http.get(region.md5_url)
    except httpx.HTTPError as exc:
        raise MapleadsError(f"could not fetch the checksum {region.md5_url}: {exc}") from None
    if resp.status_code != 200:
        raise MapleadsError(
            f"could not fetch the checksum {region.md5_url}: HTTP {resp.status_code}; without it the "
            "download cannot be verified"
        )
    found = _MD5.search(resp.text)
    if not found:
        raise MapleadsError(f"{region.md5_url} does not contain an md5 checksum")
    return found.group(1).lower()


class _Fetch:
    """One download with its retries; resumes from the .part file when it belongs to the same snapshot."""

    def __init__(
        self,
        http: httpx.Client,
        region: Region,
        md5: str,
        folder: Path,
        progress: Progress | None,
        attempts: int,
    ) -> None:
        self.http, self.region, self.md5, self.progress, self.attempts = http, region, md5, progress, attempts
        base = region.pbf_url.rsplit("/", 1)[-1]
        self.part = folder / f".{base}.part"
        self.state = folder / f".{base}.part.json"
        self.status = "downloaded"
        self.validator: str | None = None
        self.last_modified: str | None = None

    def run(self) -> tuple[Path, str | None]:
        self._adopt_previous_part()
        for attempt in range(1, self.attempts + 1):
            try:
                if self._one_attempt():
                    return self._verified(), self.last_modified
            except httpx.TransportError as exc:
                self._note_failure(attempt, exc)
            except OSError as exc:
                self._discard()
                raise disk_error(exc, self.part) from None
        done = self.part.stat().st_size if self.part.exists() else 0
        raise MapleadsError(
            f"download of {self.region.pbf_url} stopped at {done} bytes after {self.attempts} attempts; "
            "run the same command again to resume"
        )

    def _adopt_previous_part(self) -> None:
        if not self.part.exists():
            return
        try:
            state: dict[str, Any] = orjson.loads(self.state.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            state = {}
        if state.get("url") == self.region.pbf_url and state.get("md5") == self.md5:
            self.validator = state.get("validator")
            self.last_modified = state.get("last_modified")
            self.status = "resumed"
        else:  # a partial file of an older snapshot: its bytes are useless
            self._discard()

    def _note_failure(self, attempt: int, exc: Exception) -> None:
        if attempt < self.attempts:
            time.sleep(min(0.2 * 2**attempt, 5.0))

    def _one_attempt(self) -> bool:
        """Download (the rest of) the file; True when the server says it sent everything."""
        have = self.part.stat().st_size if self.part.exists() else 0
        headers = {}
        if have:
            headers["Range"] = f"bytes={have}-"
            if self.validator:
                headers["If-Range"] = self.validator
        with self.http.stream("GET", self.region.pbf_url, headers=headers) as resp:
            if resp.status_code == 416 and have:  # we already hold every byte
                return True
            if resp.status_code == 206 and have:
                self.status = "resumed"
                mode, offset = "ab", have
                total = _total_from_range(resp.headers.get("Content-Range"), have + _length(resp))
            elif resp.status_code == 200:
                mode, offset, total = "wb", 0, _length(resp)
            else:
                raise MapleadsError(f"could not download {self.region.pbf_url}: HTTP {resp.status_code}")
            self.validator = resp.headers.get("ETag") or resp.headers.get("Last-Modified")
            self.last_modified = resp.headers.get("Last-Modified") or self.last_modified
            self._save_state()
            done = offset
            with self.part.open(mode) as fh:
                for chunk in resp.iter_bytes():
                    fh.write(chunk)
                    done += len(chunk)
                    if self.progress:
                        self.progress(done, total)
        return not total or done >= total

    def _save_state(self) -> None:
        state = {
            "url": self.region.pbf_url,
            "md5": self.md5,
            "validator": self.validator,
            "last_modified": self.last_modified,
        }
        write_atomic(self.state, orjson.dumps(state))

    def _verified(self) -> Path:
        got = _md5_of(self.part)
        if got != self.md5:
            self._discard()
            raise InputError(
                f"checksum mismatch for {self.region.pbf_url}: expected md5 {self.md5}, got {got}; "
                "the broken file was removed — run the command again to download it afresh"
            )
        with contextlib.suppress(OSError):
            self.state.unlink()
        return self.part

    def _discard(self) -> None:
        for p in (self.part, self.state):
            with contextlib.suppress(OSError):
                p.unlink()


def _length(resp: httpx.Response) -> int:
    try:
        return int(resp.headers.get("Content-Length", "0"))
    except ValueError:
        return 0


def _total_from_range(header: str | None, fallback: int) -> int:
    """Total size from "bytes 100-199/200"."""
    if header and "/" in header:
        tail = header.rsplit("/", 1)[1]
        if tail.isdigit():
            return int(tail)
    return fallback


def _md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        while block := fh.read(CHUNK * 8):
            digest.update(block)
    return digest.hexdigest()


def _install(
    region: Region,
    md5: str,
    part: Path,
    last_modified: str | None,
    existing: LocalRegion | None,
    keep_old: bool,
) -> tuple[LocalRegion, list[str]]:
    """Give the verified file its dated name, record it, and drop the extract it replaces."""
    snapshot = pbf_snapshot_date(part) or _http_date(last_modified) or dt.date.today().isoformat()
    stem = region.pbf_url.rsplit("/", 1)[-1].removesuffix(".osm.pbf").removesuffix("-latest")
    final = part.parent / f"{stem}-{snapshot}.osm.pbf"
    try:
        os.replace(part, final)
    except OSError as exc:
        raise disk_error(exc, final) from None
    local = LocalRegion(
        path=region.path,
        name=region.name,
        file=final.name,
        snapshot_date=snapshot,
        size=final.stat().st_size,
        url=region.pbf_url,
        md5=md5,
        downloaded_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    local.save()
    _save_boundary(region, final.parent)
    replaced = []
    if existing and not keep_old and existing.pbf != final and existing.pbf.parent == final.parent:
        with contextlib.suppress(OSError):
            existing.pbf.unlink()
            replaced.append(existing.file)
    return local, replaced


def _http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return None


def _save_boundary(region: Region, folder: Path) -> None:
    """The published clip polygon, so queries can tell which local region covers them."""
    import shapely
    from shapely.geometry import shape

    if not region.boundary:
        return
    try:
        geometry = shape(region.boundary)
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
        return
    write_atomic(folder / BOUNDARY_FILE, shapely.to_wkb(geometry))

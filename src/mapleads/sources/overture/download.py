"""Downloading the places of a bbox from a public Overture release over plain HTTP.

Releases live in an S3 bucket as `release/<version>/theme=places/type=place/*.parquet`, each file spatially
sorted with per-row-group bbox statistics. We list the files with the S3 ListObjectsV2 API (no credentials),
read only the Parquet footers and the row groups whose bbox statistics meet the area (HTTP Range requests),
and write the matching rows, schema and GeoParquet metadata unchanged, to one local file the reader then uses.
Everything is a setting: MAPLEADS_OVERTURE_RELEASE_URL (a mirror or a test server), MAPLEADS_OVERTURE_RELEASE.
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from mapleads.errors import MapleadsError
from mapleads.settings import get_settings
from mapleads.sources.base import Progress
from mapleads.sources.live_http import LiveClient, ServiceError

PLACES = "theme=places/type=place/"
BOX_COLUMNS = ("bbox.xmin", "bbox.xmax", "bbox.ymin", "bbox.ymax")


class RangeFile(io.RawIOBase):
    """A seekable read-only view of a remote file, fetched by HTTP Range requests (for Parquet footers)."""

    def __init__(self, client: LiveClient, url: str, size: int) -> None:
        self.client, self.url, self.size, self.pos = client, url, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.pos = {io.SEEK_SET: offset, io.SEEK_CUR: self.pos + offset, io.SEEK_END: self.size + offset}[whence]
        return self.pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        want = min(len(buffer), self.size - self.pos)
        if want <= 0:
            return 0
        end = self.pos + want - 1
        reply = self.client.request("GET", self.url, headers={"Range": f"bytes={self.pos}-{end}"}, cache=False)
        if reply.status == 206:
            data = reply.body
        elif reply.status == 200:
            data = reply.body[self.pos : end + 1]
        else:
            raise ServiceError(f"Overture download: HTTP {reply.status} for {self.url}")
        buffer[: len(data)] = data
        self.pos += len(data)
        return len(data)


class OvertureRelease:
    def __init__(self, base_url: str | None = None, release: str | None = None) -> None:
        settings = get_settings()
        url = urlparse((base_url or settings.overture_release_url).rstrip("/"))
        self.root = f"{url.scheme}://{url.netloc}"
        self.prefix = url.path.strip("/") + "/" if url.path.strip("/") else ""
        self.release = release or settings.overture_release
        self.client = LiveClient("overture")
        self.cache_dir = settings.data_dir / "overture"

    # --- listing ---------------------------------------------------------------------------------------
    def _list(self, prefix: str, delimiter: str | None = None) -> tuple[list[tuple[str, int]], list[str]]:
        keys: list[tuple[str, int]] = []
        prefixes: list[str] = []
        token: str | None = None
        while True:
            params = {"list-type": "2", "prefix": prefix}
            if delimiter:
                params["delimiter"] = delimiter
            if token:
                params["continuation-token"] = token
            reply = self.client.request("GET", f"{self.root}/", params=params, cache=False)
            if reply.status != 200:
                raise ServiceError(f"Overture release listing at {self.root} answered HTTP {reply.status}")
            try:
                tree = ET.fromstring(reply.body)
            except ET.ParseError:
                raise ServiceError(f"Overture release listing at {self.root} is not S3 XML") from None
            for item in tree.iterfind("{*}Contents"):
                keys.append((item.findtext("{*}Key") or "", int(item.findtext("{*}Size") or 0)))
            prefixes += [p.findtext("{*}Prefix") or "" for p in tree.iterfind("{*}CommonPrefixes")]
            token = tree.findtext("{*}NextContinuationToken")
            if (tree.findtext("{*}IsTruncated") or "false").lower() != "true" or not token:
                return keys, prefixes

    def resolve_release(self) -> str:
        if self.release != "latest":
            return self.release
        _, prefixes = self._list(self.prefix, "/")
        versions = sorted(p[len(self.prefix) :].strip("/") for p in prefixes if p.startswith(self.prefix))
        if not versions:
            raise ServiceError(f"no Overture release found under {self.root}/{self.prefix}")
        return versions[-1]

    # --- download --------------------------------------------------------------------------------------
    def download(self, bounds: tuple[float, float, float, float], progress: Progress | None = None) -> Path:
        """A local GeoParquet file with the places of every release file whose row groups meet `bounds`."""
        release = self.resolve_release()
        tag = hashlib.sha256(repr((self.root, self.prefix, release, bounds)).encode()).hexdigest()[:16]
        target = self.cache_dir / release / f"places-{tag}.parquet"
        if target.exists():
            return target
        files, _ = self._list(f"{self.prefix}{release}/{PLACES}")
        files = [(k, s) for k, s in files if k.endswith(".parquet")]
        if not files:
            raise ServiceError(f"Overture release {release} has no places files at {self.root}/{self.prefix}")
        tables: list[pa.Table] = []
        schema: pa.Schema | None = None
        for done, (key, size) in enumerate(files, start=1):
            remote = pa.PythonFile(RangeFile(self.client, f"{self.root}/{key}", size), mode="r")
            parquet = pq.ParquetFile(remote, pre_buffer=True)
            schema = schema or parquet.schema_arrow
            groups = _row_groups_in(parquet.metadata, bounds)
            if groups:
                table = parquet.read_row_groups(groups)
                tables.append(table.filter(_in_bounds(table, bounds)))
            if progress is not None:
                progress(done, len(files))
        if schema is None:
            raise MapleadsError("Overture download found no files")
        result = pa.concat_tables([t.cast(schema) for t in tables]) if tables else schema.empty_table()
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        pq.write_table(result, partial, compression="zstd")
        partial.replace(target)
        return target


def _row_groups_in(metadata: pq.FileMetaData, bounds: tuple[float, float, float, float]) -> list[int]:
    w, s, e, n = bounds
    paths = {metadata.row_group(0).column(i).path_in_schema: i for i in range(metadata.num_columns)}
    if metadata.num_row_groups == 0 or not all(c in paths for c in BOX_COLUMNS):
        return list(range(metadata.num_row_groups))
    keep = []
    for g in range(metadata.num_row_groups):
        group = metadata.row_group(g)
        stats = {c: group.column(paths[c]).statistics for c in BOX_COLUMNS}
        if not all(st is not None and st.has_min_max for st in stats.values()):
            keep.append(g)
            continue
        if (
            stats["bbox.xmin"].min <= e
            and stats["bbox.xmax"].max >= w
            and stats["bbox.ymin"].min <= n
            and stats["bbox.ymax"].max >= s
        ):
            keep.append(g)
    return keep


def _in_bounds(table: pa.Table, bounds: tuple[float, float, float, float]) -> pa.ChunkedArray:
    w, s, e, n = bounds
    box = table.column("bbox")
    xmin, xmax = pc.struct_field(box, "xmin"), pc.struct_field(box, "xmax")
    ymin, ymax = pc.struct_field(box, "ymin"), pc.struct_field(box, "ymax")
    return pc.and_(
        pc.and_(pc.greater_equal(xmax, w), pc.less_equal(xmin, e)),
        pc.and_(pc.greater_equal(ymax, s), pc.less_equal(ymin, n)),
    )

"""Read lead files back: our own exports (losslessly) and users' CSV / XLSX files (as raw rows)."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from mapleads.export.formats import ATTRIBUTION_COLUMN, ExportError, format_for, open_text
from mapleads.lead import Lead


def read_rows(path: str | os.PathLike[str]) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """The column names and the rows of any lead file, values as they are stored.

    Nested JSON records come back as they are (``address`` a dict); use `read_leads` for `Lead`s.
    """
    p = Path(path)
    if not p.is_file():
        raise ExportError(f"no such file: {p}")
    fmt = format_for(p)
    try:
        return _READERS[fmt](p)
    except (ValueError, KeyError, OSError, orjson.JSONDecodeError) as exc:
        raise ExportError(f"cannot read {p} as {fmt}: {exc}") from None


def read_leads(path: str | os.PathLike[str]) -> Iterator[Lead]:
    """`Lead`s from any file that `write_leads` wrote (and from users' files with the usual column names)."""
    _, rows = read_rows(path)
    for row in rows:
        row.pop(ATTRIBUTION_COLUMN, None)
        if isinstance(row.get("address"), dict):
            yield Lead.from_dict(row)
        else:
            yield Lead.from_row(row)


def _csv(path: Path) -> tuple[list[str], Iterator[dict[str, Any]]]:
    with open_text(path) as fh:
        sample = fh.read(64 * 1024)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    with open_text(path) as fh:
        header = next(csv.reader(fh, dialect), [])

    def rows() -> Iterator[dict[str, Any]]:
        with open_text(path) as fh:
            reader = csv.DictReader(fh, dialect=dialect)
            yield from reader

    return header, rows()


def _xlsx(path: Path) -> tuple[list[str], Iterator[dict[str, Any]]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    header = [str(h) if h is not None else "" for h in next(it, ())]

    def rows() -> Iterator[dict[str, Any]]:
        try:
            for values in it:
                if all(v is None for v in values):
                    continue
                yield {h: ("" if v is None else v) for h, v in zip(header, values, strict=False)}
        finally:
            book.close()

    return header, rows()


def _json(path: Path) -> tuple[list[str], Iterator[dict[str, Any]]]:
    data = orjson.loads(path.read_bytes())
    records = data.get("leads", []) if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise ValueError("expected a list of leads")
    return _header_of(records), iter(records)


def _ndjson(path: Path) -> tuple[list[str], Iterator[dict[str, Any]]]:
    records = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return _header_of(records), iter(records)


def _geojson(path: Path) -> tuple[list[str], Iterator[dict[str, Any]]]:
    data = orjson.loads(path.read_bytes())
    if data.get("type") != "FeatureCollection":
        raise ValueError("not a GeoJSON FeatureCollection")
    records = []
    for feature in data.get("features", []):
        props = dict(feature.get("properties") or {})
        geom = feature.get("geometry") or {}
        if geom.get("type") == "Point" and props.get("lat") is None:
            props["lon"], props["lat"] = geom["coordinates"][:2]
        records.append(props)
    return _header_of(records), iter(records)


def _parquet(path: Path) -> tuple[list[str], Iterator[dict[str, Any]]]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)

    def rows() -> Iterator[dict[str, Any]]:
        for batch in pf.iter_batches(batch_size=10_000):
            yield from batch.to_pylist()

    return list(pf.schema_arrow.names), rows()


def _header_of(records: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for r in records for k in r))


_READERS = {
    "csv": _csv,
    "xlsx": _xlsx,
    "json": _json,
    "ndjson": _ndjson,
    "geojson": _geojson,
    "parquet": _parquet,
}

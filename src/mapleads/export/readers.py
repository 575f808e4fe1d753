"""Read lead files back: our own exports (losslessly) and users' CSV / XLSX files (as raw rows)."""

from __future__ import annotations

import codecs
import csv
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from mapleads.export.formats import ATTRIBUTION_COLUMN, SPREADSHEET_EXTENSIONS, ExportError, format_for
from mapleads.lead import Lead


def read_rows(path: str | os.PathLike[str]) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """The column names and the rows of any lead file, values as they are stored.

    Nested JSON records come back as they are (``address`` a dict); use `read_leads` for `Lead`s.
    """
    p = Path(path)
    if not p.is_file():
        raise ExportError(f"no such file: {p}" if not p.exists() else f"not a file: {p}")
    fmt = _TEXT_TABLES.get(p.suffix.lower()) or _input_format(p)
    try:
        header, rows = _READERS[fmt](p)
    except (*_READ_ERRORS, orjson.JSONDecodeError) as exc:
        raise ExportError(f"cannot read {p} as {fmt}: {exc}") from None
    return header, _guarded(rows, p, fmt)


#: text tables read like CSV (the delimiter is detected), though never written
_TEXT_TABLES = {".tsv": "csv", ".tab": "csv", ".txt": "csv"}
#: what a damaged or mislabelled file raises while it is read (zipfile.BadZipFile: an .xlsx that is not one)
_READ_ERRORS = (ValueError, KeyError, OSError, csv.Error, zipfile.BadZipFile)


def _input_format(path: Path) -> str:
    try:
        return format_for(path)
    except ExportError:
        hint = ""
        if path.suffix.lower().lstrip(".") in SPREADSHEET_EXTENSIONS:  # older versions wrote XLSX under .xls
            hint = ": save it as .xlsx (a file mapleads wrote under this name is XLSX inside: rename it to .xlsx)"
        raise ExportError(f"cannot read {path}: unknown lead file type '{path.suffix}'{hint}") from None


def _guarded(rows: Iterator[dict[str, Any]], path: Path, fmt: str) -> Iterator[dict[str, Any]]:
    """The rows, with a fault found further into the file (a stray quote, a bad byte) as one clear error."""
    try:
        yield from rows
    except _READ_ERRORS as exc:
        raise ExportError(f"cannot read {path} as {fmt}: {exc}") from None


def read_leads(path: str | os.PathLike[str]) -> Iterator[Lead]:
    """`Lead`s from any file that `write_leads` wrote (and from users' files with the usual column names)."""
    _, rows = read_rows(path)
    for number, row in enumerate(rows, start=1):
        row.pop(ATTRIBUTION_COLUMN, None)
        try:
            yield Lead.from_dict(row) if isinstance(row.get("address"), dict) else Lead.from_row(row)
        except (ValueError, TypeError, KeyError, AttributeError, orjson.JSONDecodeError) as exc:
            raise ExportError(f"cannot read {path}: lead {number} is damaged ({exc})") from None


def _csv(path: Path) -> tuple[list[str], Iterator[dict[str, Any]]]:
    encoding = text_encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        first = fh.readline()
    delimiter = _delimiter(first)
    with open(path, encoding=encoding, newline="") as fh:
        header = next(csv.reader(fh, delimiter=delimiter), [])

    def rows() -> Iterator[dict[str, Any]]:
        with open(path, encoding=encoding, newline="") as fh:
            yield from csv.DictReader(fh, delimiter=delimiter)

    return header, rows()


def text_encoding(path: Path) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode text"), else Windows-1252 / Latin-1.

    The whole file is test-decoded, in blocks: a byte that is not UTF-8 may come late in a long file.
    """
    with open(path, "rb") as fh:
        if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as fh:
                while block := fh.read(1 << 20):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"  # decodes any byte


def _delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most columns (Excel writes ';' in much of Europe)."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d), [])) for d in ",;\t|"}
    return max(counts, key=lambda d: counts[d])  # ties keep the first: ","


def _xlsx(path: Path) -> tuple[list[str], Iterator[dict[str, Any]]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    it: Iterator[tuple[Any, ...]] = iter(())
    header: list[str] = []
    for sheet in book.worksheets:  # the first sheet with a header row: a blank cover sheet is skipped
        it = sheet.iter_rows(values_only=True)
        header = [str(h) if h is not None else "" for h in next(it, ())]
        if any(h.strip() for h in header):
            break

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

"""One streaming writer per export format."""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from mapleads.attribution import credit_for, credits_for
from mapleads.errors import MapleadsError
from mapleads.lead import ROW_COLUMNS, Lead


class ExportError(MapleadsError):
    """The output cannot be written (unknown format, unwritable path, bad field name)."""


FORMATS = ("csv", "xlsx", "json", "ndjson", "geojson", "parquet")
_EXTENSIONS = {"jsonl": "ndjson"}
#: spreadsheet extensions of formats not written here: XLSX under these names is a file Excel calls corrupt
SPREADSHEET_EXTENSIONS = frozenset({"xls", "xlsb", "xlsm", "xlt", "xltx", "xltm", "ods"})
ATTRIBUTION_COLUMN = "attribution"
_FLOAT_COLUMNS = {"lat", "lon"}
_PARQUET_BATCH = 20_000


def format_for(path: str | os.PathLike[str]) -> str:
    """The format a file name's extension names; a directory or a name without one is refused."""
    p = Path(path)
    if p.is_dir():
        raise ExportError(f"{path} is a directory: give a file name, e.g. {p / 'leads.csv'}")
    ext = p.suffix.lower().lstrip(".")
    ext = _EXTENSIONS.get(ext, ext)
    if not ext:
        raise ExportError(f"{path} has no file extension: use one of " + ", ".join(FORMATS))
    if ext in SPREADSHEET_EXTENSIONS:
        raise ExportError(
            f"unsupported output format '.{ext}' for {path}: use .xlsx for Excel, e.g. {p.with_suffix('.xlsx')}"
            f" (supported: {', '.join(FORMATS)})"
        )
    if ext not in FORMATS:
        raise ExportError(f"unknown output format '.{ext}' for {path}: use one of " + ", ".join(FORMATS))
    return ext


def check_writable(path: str | os.PathLike[str]) -> str:
    """The format of `path`, once its folder exists and takes a file: checked before long work, not after it."""
    fmt = format_for(path)
    target = Path(path)
    probe = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb"):
            pass
        probe.unlink()
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    return fmt


def check_fields(fields: list[str] | None) -> list[str]:
    """The flat columns to write, each once; names are case-insensitive and every one must be a real column."""
    if fields is None:
        return [*ROW_COLUMNS, ATTRIBUTION_COLUMN]
    names = list(dict.fromkeys(f.strip().lower() for f in fields if f.strip()))
    if not names:
        raise ExportError("no field names given: list columns like name,phone,website")
    unknown = [f for f in names if f not in ROW_COLUMNS and f != ATTRIBUTION_COLUMN]
    if unknown:
        raise ExportError(f"unknown field(s) {', '.join(unknown)}; available: {', '.join(ROW_COLUMNS)}")
    return names


def flat_row(lead: Lead, columns: list[str]) -> dict[str, Any]:
    row = lead.to_row()
    row[ATTRIBUTION_COLUMN] = credit_for(lead.source)
    return {c: row.get(c) for c in columns}


def write_leads(
    leads: Iterable[Lead],
    path: str | os.PathLike[str],
    *,
    fields: list[str] | None = None,
    bom: bool = False,
    metadata: dict[str, Any] | None = None,
) -> int:
    """Write leads to `path` in the format its extension names; returns the number written.

    The file is written to a temporary name and renamed at the end, so a failed run never leaves a half file.
    """
    format_for(path)
    columns = check_fields(fields)
    fmt = check_writable(path)
    seen_sources: set[str] = set()
    meta = dict(metadata or {})

    def final_meta() -> dict[str, Any]:
        return attributed(meta, seen_sources)

    with replacing(Path(path)) as tmp:
        return _WRITERS[fmt](tracked(leads, seen_sources), tmp, columns, fields is not None, bom, final_meta)


def tracked(leads: Iterable[Lead], sources: set[str]) -> Iterator[Lead]:
    """The leads, noting their sources (for the attribution the file must carry)."""
    for lead in leads:
        sources.add(lead.source)
        yield lead


def attributed(meta: dict[str, Any], sources: set[str]) -> dict[str, Any]:
    return {**meta, "attribution": credits_for(sorted(sources)) or None}


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary name beside `target`, renamed to it when the block succeeds: a failed run never leaves a half
    file, and an old file of that name stays until the new one is whole.

    The old file is removed just before the rename rather than renamed over: ext4 writes a file renamed over
    another out to disk at once (its guard for editors that save that way), 0.1 s for an export of 240 MB.
    """
    tmp = target.with_name(f".{target.name}.partial")
    try:
        yield tmp
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        os.rename(tmp, target)
    except OSError as exc:  # a full disk, or a directory in the way: nothing is left behind
        tmp.unlink(missing_ok=True)
        if exc.filename not in (None, str(tmp), str(target)):
            raise  # another file failed while the leads were made (an input, a cache): not this output's fault
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


MetaFn = Callable[[], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class TextFormat:
    """A text format as head, records and tail, so one file can be written in parts by several processes and
    joined: `sep` goes between records (a part written with `first=False` starts with one)."""

    head: Callable[[list[str], bool], bytes]
    body: Callable[[BinaryIO, Iterator[Lead], list[str], bool, bool], int]
    tail: Callable[[dict[str, Any], int], bytes]
    sep: bytes = b""

    def write(self, leads: Iterator[Lead], path: Path, columns: list[str], flat: bool, bom: bool, meta: MetaFn) -> int:
        with open(path, "wb") as fh:
            fh.write(self.head(columns, bom))
            n = self.body(fh, leads, columns, flat, True)
            fh.write(self.tail(meta(), n))
        return n


def _csv_head(columns: list[str], bom: bool) -> bytes:
    text = io.StringIO(newline="")
    csv.DictWriter(text, fieldnames=columns).writeheader()
    return ("\ufeff" if bom else "").encode() + text.getvalue().encode()


def _csv_body(fh: BinaryIO, leads: Iterator[Lead], columns: list[str], _: bool, __: bool) -> int:
    text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
    writer = csv.DictWriter(text, fieldnames=columns)
    n = 0
    for lead in leads:
        writer.writerow(flat_row(lead, columns))
        n += 1
    text.flush()
    text.detach()  # the caller's file stays open
    return n


def _no_tail(_: dict[str, Any], __: int) -> bytes:
    return b""


def _write_xlsx(leads: Iterator[Lead], path: Path, columns: list[str], _: bool, __: bool, meta: MetaFn) -> int:
    import xlsxwriter  # imported on use: it is slow to import and most runs write another format

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,  # a name starting with '=' must stay text
            "strings_to_numbers": False,  # phone numbers and postcodes keep their leading zeros
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet("Leads")
    bold = book.add_format({"bold": True})
    for col, name in enumerate(columns):
        sheet.write_string(0, col, name, bold)
    n = 0
    for n, lead in enumerate(leads, start=1):
        for col, value in enumerate(flat_row(lead, columns).values()):
            if value is None:
                continue
            if isinstance(value, float):
                sheet.write_number(n, col, value)
            else:
                sheet.write_string(n, col, str(value))
    sheet.freeze_panes(1, 0)
    about = book.add_worksheet("About")
    for row, (key, value) in enumerate(meta().items()):
        about.write_string(row, 0, key, bold)
        about.write_string(row, 1, "" if value is None else str(value))
    book.set_properties({"comments": str(meta().get("attribution") or "")})
    _close_book(book)
    return n


def _close_book(book: Any) -> None:
    """Close an xlsxwriter workbook; a failed write (a full disk) becomes one plain OSError.

    xlsxwriter leaves its half-written ZipFile open, and that object's __del__ fails again when collected; it is
    collected here, with that second, expected failure kept off stderr.
    """
    from xlsxwriter.exceptions import FileCreateError

    failure: OSError | None = None
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        try:
            book.close()
        except FileCreateError as exc:
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            failure = OSError(cause.errno, cause.strerror) if cause else OSError(str(exc))
            del cause  # its traceback holds the ZipFile
        gc.collect()
    finally:
        sys.unraisablehook = hook
    if failure is not None:
        raise failure


def _append_record(out: bytearray, lead: Lead, columns: list[str], flat: bool) -> None:
    """One lead as a JSON object: flat columns with --fields, else the whole nested record plus attribution."""
    if flat:
        out += orjson.dumps(flat_row(lead, columns))
    else:
        lead.json_into(out)
        del out[-1]  # the record's closing brace, in place of which the attribution member closes it
        out += _credit_member(lead.source)  # (a slice assignment doing both took a third of the encoding's time)


@lru_cache(maxsize=256)
def _credit_member(source: str) -> bytes:
    """The attribution member closing a lead's JSON object (a few distinct sources, a million leads)."""
    return b',"' + ATTRIBUTION_COLUMN.encode() + b'":' + orjson.dumps(credit_for(source)) + b"}"


#: records are gathered in memory up to this size and written at once (a write per lead was a third of the time)
_WRITE_AT = 1 << 20


def _buffered(fh: BinaryIO, leads: Iterator[Lead], add: Callable[[bytearray, Lead, bool], None], first: bool) -> int:
    """Each lead appended to a buffer by `add(out, lead, after)` (`after`: a record precedes it in the file), the
    buffer written a MB at a time; the number of leads."""
    n = 0
    out = bytearray()
    for lead in leads:
        add(out, lead, bool(n) or not first)
        n += 1
        if len(out) >= _WRITE_AT:
            fh.write(out)
            out.clear()
    fh.write(out)
    return n


def _json_body(fh: BinaryIO, leads: Iterator[Lead], columns: list[str], flat: bool, first: bool) -> int:
    def add(out: bytearray, lead: Lead, after: bool) -> None:
        if after:
            out += b",\n"
        _append_record(out, lead, columns, flat)

    return _buffered(fh, leads, add, first)


def _metadata_tail(meta: dict[str, Any], n: int) -> bytes:
    return b'\n], "metadata": ' + orjson.dumps({**meta, "count": n}) + b"}\n"


def _ndjson_body(fh: BinaryIO, leads: Iterator[Lead], columns: list[str], flat: bool, first: bool) -> int:
    def add(out: bytearray, lead: Lead, _: bool) -> None:
        _append_record(out, lead, columns, flat)
        out += b"\n"

    return _buffered(fh, leads, add, first)


#: a Feature up to its properties: its id and its [lon, lat] as orjson writes them
_POINT_FEATURE = b'{"type":"Feature","id":%b,"geometry":{"type":"Point","coordinates":%b},"properties":'


def _geojson_body(fh: BinaryIO, leads: Iterator[Lead], columns: list[str], flat: bool, first: bool) -> int:
    """RFC 7946 Features: Points in WGS 84, [lon, lat] order."""

    def add(out: bytearray, lead: Lead, after: bool) -> None:
        if after:
            out += b",\n"
        if lead.lat is not None and lead.lon is not None:
            out += _POINT_FEATURE % (orjson.dumps(lead.id), orjson.dumps((lead.lon, lead.lat)))
        else:
            out += b'{"type":"Feature","id":%b,"geometry":null,"properties":' % orjson.dumps(lead.id)
        _append_record(out, lead, columns, flat)
        out += b"}"

    return _buffered(fh, leads, add, first)


#: the formats a file of which can be written in parts and joined (`mapleads.export.parts`)
TEXT_FORMATS: dict[str, TextFormat] = {
    "csv": TextFormat(_csv_head, _csv_body, _no_tail),
    "json": TextFormat(lambda _, __: b'{"leads": [\n', _json_body, _metadata_tail, b",\n"),
    "ndjson": TextFormat(lambda _, __: b"", _ndjson_body, _no_tail),
    # a FeatureCollection; the metadata is a foreign member
    "geojson": TextFormat(
        lambda _, __: b'{"type": "FeatureCollection", "features": [\n', _geojson_body, _metadata_tail, b",\n"
    ),
}


def _write_parquet(leads: Iterator[Lead], path: Path, columns: list[str], _: bool, __: bool, meta: MetaFn) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.float64() if c in _FLOAT_COLUMNS else pa.string()) for c in columns])
    n = 0
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        for lead in leads:
            batch.append(flat_row(lead, columns))
            n += 1
            if len(batch) >= _PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        writer.add_key_value_metadata({"mapleads": orjson.dumps({**meta(), "count": n}).decode()})
    return n


_WRITERS: dict[str, Callable[[Iterator[Lead], Path, list[str], bool, bool, MetaFn], int]] = {
    "xlsx": _write_xlsx,
    "parquet": _write_parquet,
    **{name: text.write for name, text in TEXT_FORMATS.items()},
}

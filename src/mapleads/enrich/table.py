"""`mapleads enrich FILE`: any lead table in, the same table out with the enriched columns added.

Our own exports come back as full `Lead`s and their columns are updated in place. A user's CSV / XLSX only
needs a website column (``website``, ``url``, ``Website`` ...); every row and column is kept, in order, and
the enriched columns are appended (or fill a same-named column the user left empty).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import xlsxwriter

from mapleads.enrich.config import EnrichConfig
from mapleads.enrich.runner import enrich_leads
from mapleads.errors import InputError
from mapleads.export import read_rows
from mapleads.export.formats import ExportError, format_for
from mapleads.lead import SOCIAL_NETWORKS, Address, Lead

WEBSITE_COLUMNS = (
    "website", "url", "web", "site", "homepage", "home page", "web site", "website url", "websites", "www",
    "webpage", "web page", "domain", "site web", "sitio web", "webseite", "internetseite", "kotisivu",
    "verkkosivu", "verkkosivut", "hemsida", "webbplats",
)  # fmt: skip
NAME_COLUMNS = (
    "name", "business name", "company", "company name", "business", "title", "organisation", "organization",
    "nimi", "yritys", "firma", "firmenname", "nom", "nombre", "namn",
)  # fmt: skip
COUNTRY_COLUMNS = ("country", "country code", "countrycode", "country iso", "land", "maa", "pays", "pais")
ADDED_COLUMNS = (
    "email", "emails", "phone", "phones", "phones_unconfirmed", *SOCIAL_NETWORKS, "tech", "score", "enrich_status",
    "enrich_detail", "enrich_sources",
)  # fmt: skip
OWN_EXPORT_MARKERS = {"id", "name", "source", "source_id", "website"}
WRITABLE = ("csv", "xlsx", "json", "ndjson")


def _key(column: str) -> str:
    return " ".join(column.strip().lower().replace("_", " ").replace("-", " ").split())


def find_column(header: list[str], names: tuple[str, ...]) -> str | None:
    keys = {_key(c): c for c in reversed(header)}
    return next((keys[_key(n)] for n in names if _key(n) in keys), None)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Country names in many languages → ISO code, from the locale data phonenumbers ships."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    names: dict[str, str] = {}
    for code, by_lang in LOCALE_DATA.items():
        for name in by_lang.values():
            if name and not name.startswith("*"):
                names.setdefault(name.lower(), code)
    return names


def country_code(value: Any) -> str | None:
    text = str(value or "").strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return _country_names().get(text.lower()) if text else None


@dataclass
class Table:
    header: list[str]
    rows: Iterator[dict[str, Any]]
    website: str
    name: str | None
    country: str | None
    own_export: bool

    def lead(self, row: dict[str, Any], index: int) -> Lead:
        if self.own_export:
            return Lead.from_dict(row) if isinstance(row.get("address"), dict) else Lead.from_row(row)
        website = str(row.get(self.website) or "").strip() or None
        return Lead(
            id=f"row:{index}",
            name=str(row.get(self.name) or "") if self.name else "",
            source="file",
            source_id=str(index),
            website=website,
            address=Address(country_code=country_code(row.get(self.country)) if self.country else None),
        )


def open_table(path: str | os.PathLike[str]) -> Table:
    header, rows = read_rows(path)
    website = find_column(header, WEBSITE_COLUMNS)
    if website is None:
        raise InputError(
            f"{path} has no website column (looked for {', '.join(WEBSITE_COLUMNS[:5])} ...); "
            f"its columns are: {', '.join(header) or 'none'}"
        )
    own = set(header) >= OWN_EXPORT_MARKERS
    return Table(header, rows, website, find_column(header, NAME_COLUMNS), find_column(header, COUNTRY_COLUMNS), own)


def added_values(lead: Lead) -> dict[str, Any]:
    enrich = lead.extra.get("enrich", {})
    sources = {k: v.as_dict() for k, v in lead.provenance.items() if v.source == "website"}
    values: dict[str, Any] = {
        "email": lead.email,
        "emails": ";".join(lead.emails),
        "phone": lead.phones[0] if lead.phones else None,
        "phones": ";".join(lead.phones),
        "phones_unconfirmed": ";".join(lead.extra.get("phones_unconfirmed", [])),
        **{net: lead.socials.get(net) for net in SOCIAL_NETWORKS},
        "tech": ";".join(lead.extra.get("tech", [])),
        "score": lead.extra.get("score"),
        "enrich_status": enrich.get("status"),
        "enrich_detail": enrich.get("detail") or enrich.get("redirected_to"),
        "enrich_sources": orjson.dumps(sources).decode() if sources else None,
    }
    return {k: (v if v != "" else None) for k, v in values.items()}


def enrich_table(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    config: EnrichConfig,
    on_lead: Callable[[Lead], None] | None = None,
    gate: Callable[[Lead], bool] | None = None,
) -> int:
    """Enrich every row of `source` into `target`; returns the number of rows written.

    `gate`, when given, sees each enriched lead and may hold its row back (the suppression list).
    """
    fmt = format_for(target)
    if fmt not in WRITABLE:
        raise ExportError(f"enrich writes {', '.join('.' + f for f in WRITABLE)}; not .{fmt}")
    table = open_table(source)
    existing = {_key(c): c for c in table.header}
    columns = list(table.header)
    targets: dict[str, str] = {}
    for name in ADDED_COLUMNS:
        targets[name] = existing.get(_key(name), name)
        if _key(name) not in existing:
            columns.append(name)

    pending: deque[dict[str, Any]] = deque()

    def leads() -> Iterator[Lead]:
        for index, row in enumerate(table.rows, start=1):
            pending.append(row)
            yield table.lead(row, index)

    def rows() -> Iterator[dict[str, Any]]:
        for lead in enrich_leads(leads(), config):
            row = dict(pending.popleft())
            if gate is not None and not gate(lead):
                continue
            if table.own_export:
                row.update({k: v for k, v in lead.to_row().items() if k in row})
            for name, value in added_values(lead).items():
                column = targets[name]
                if table.own_export or row.get(column) in (None, ""):
                    row[column] = value
            if on_lead is not None:
                on_lead(lead)
            yield row

    return write_rows(rows(), columns, Path(target), fmt)


def write_rows(rows: Iterable[dict[str, Any]], columns: list[str], target: Path, fmt: str) -> int:
    """Write to a temporary name and rename at the end: a failed run never leaves a half file."""
    tmp = target.with_name(f".{target.name}.partial")
    try:
        tmp.parent.mkdir(parents=True, exist_ok=True)
        count = _WRITERS[fmt](rows, columns, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.filename not in (None, str(tmp), str(target)):
            raise  # another file failed while the rows were made (the crawl state): not this output's fault
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def _csv(rows: Iterable[dict[str, Any]], columns: list[str], path: Path) -> int:
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            n += 1
            writer.writerow({k: _plain(v) for k, v in row.items()})
    return n


def _xlsx(rows: Iterable[dict[str, Any]], columns: list[str], path: Path) -> int:
    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet("Leads")
    bold = book.add_format({"bold": True})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for col, name in enumerate(columns):
        sheet.write_string(0, col, name, bold)
    n = 0
    for row in rows:
        n += 1
        for col, name in enumerate(columns):
            value = row.get(name)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(n, col, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(n, col, value)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(n, col, value, when)
            else:
                sheet.write_string(n, col, _plain(value))
    sheet.freeze_panes(1, 0)
    book.close()
    return n


def _ndjson(rows: Iterable[dict[str, Any]], columns: list[str], path: Path) -> int:
    n = 0
    with open(path, "wb") as fh:
        for row in rows:
            n += 1
            fh.write(orjson.dumps({c: row.get(c) for c in columns}, default=str) + b"\n")
    return n


def _json(rows: Iterable[dict[str, Any]], columns: list[str], path: Path) -> int:
    n = 0
    with open(path, "wb") as fh:
        fh.write(b'{"leads": [\n')
        for n, row in enumerate(rows, start=1):
            fh.write((b",\n" if n > 1 else b"") + orjson.dumps({c: row.get(c) for c in columns}, default=str))
        fh.write(b"\n]}\n")
    return n


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return str(value)


_WRITERS: dict[str, Callable[[Iterable[dict[str, Any]], list[str], Path], int]] = {
    "csv": _csv,
    "xlsx": _xlsx,
    "json": _json,
    "ndjson": _ndjson,
}

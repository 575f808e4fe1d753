"""The suppression list: businesses and people who asked not to be contacted are never exported again.

Entries are keyed hashes (HMAC-SHA256 with the installation's secret key) of a normalised value, so the list
holds no contact data: an email, a phone number (E.164), a web domain (or platform page), or a name together
with a street address. A lead is suppressed when any of its values hashes to an entry. The key comes from
``MAPLEADS_SUPPRESSION_KEY``; when unset one is generated once and kept next to the list (mode 600).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mapleads.errors import InputError, MapleadsError
from mapleads.lead import Address, Lead
from mapleads.resolve.addresses import address_key, normalize_address, parse_address
from mapleads.resolve.contacts import email_domain, normalize_email, phones_e164
from mapleads.resolve.names import name_key
from mapleads.resolve.store import connect, data_path
from mapleads.resolve.urls import domain_key, registered_domain
from mapleads.settings import get_settings

KINDS = ("email", "phone", "domain", "name_address")
EXPORT_COLUMNS = ("kind", "digest", "key_id", "added_at", "note")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS suppression (
    kind TEXT NOT NULL, digest TEXT NOT NULL, added_at TEXT NOT NULL, note TEXT,
    PRIMARY KEY (kind, digest)
);
"""
_STREET_NUMBER = re.compile(
    r"^(?P<street>.*?\D)\s*(?P<number>\d+\s?[A-Za-z]?(?:[-–]\d+[A-Za-z]?)?)(?:\s+(?P<unit>.+))?$"
)


@dataclass(slots=True)
class ImportResult:
    added: int = 0
    skipped: int = 0

    def take(self, add: Callable[[], Entry]) -> None:
        """Run one add; a value that is not valid is counted, not fatal (one bad cell in a big file)."""
        try:
            add()
            self.added += 1
        except InputError:
            self.skipped += 1


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    digest: str
    added_at: str
    note: str | None = None


def guess_kind(value: str) -> str:
    """email, phone or domain, from what the value looks like."""
    v = value.strip()
    if "@" in v and "/" not in v:
        return "email"
    if sum(c.isdigit() for c in v) >= 5 and not re.search(r"[a-zA-Z]{2,}", v):
        return "phone"
    if "." in v and " " not in v:
        return "domain"
    raise InputError(f"cannot tell whether {value!r} is an email, a phone number or a domain; give --kind")


def normalized_value(kind: str, value: str, country: str | None = None) -> str:
    """The form a value is hashed in; raises InputError when it is not a valid value of `kind`."""
    if kind == "email":
        email = normalize_email(value)
        if email is None:
            raise InputError(f"not an email address: {value!r}")
        return email
    if kind == "phone":
        phones = phones_e164([value], country or get_settings().default_country)
        if not phones:
            hint = "" if value.strip().startswith("+") else " (give it in +international form or pass --country)"
            raise InputError(f"not a phone number: {value!r}{hint}")
        return phones[0]
    if kind == "domain":
        v = value.strip()
        key = domain_key(v) or registered_domain(v)
        if key is None:
            raise InputError(f"not a web domain: {value!r}")
        return key
    raise InputError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")


def name_address_value(name: str, address: Address) -> str | None:
    key = address_key(address)
    n = name_key(name)
    return f"{n}|{key}" if key and n else None


class SuppressionList:
    """The suppression list in SQLite (default: ``<data_dir>/suppression.sqlite``)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, key: str | None = None) -> None:
        self.path = Path(path) if path else self.default_path()
        self._key = (key or get_settings().suppression_key or self._stored_key()).encode()
        self._con = connect(self.path, _SCHEMA)
        self._digests: set[tuple[str, str]] | None = None

    @staticmethod
    def default_path() -> Path:
        return data_path("suppression.sqlite")

    @property
    def key_id(self) -> str:
        """A fingerprint of the key (not the key): hashes from another key cannot be matched."""
        return hashlib.sha256(b"mapleads-suppression-key-id\x00" + self._key).hexdigest()[:16]

    def _stored_key(self) -> str:
        key_file = self.path.with_suffix(".key")
        if key_file.is_file():
            return key_file.read_text().strip()
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key + "\n")
        return key

    def digest(self, kind: str, normalized: str) -> str:
        return hmac.new(self._key, f"{kind}\x1f{normalized}".encode(), hashlib.sha256).hexdigest()

    # --- changing the list ------------------------------------------------------------------------
    def add(self, value: str, kind: str | None = None, *, country: str | None = None, note: str | None = None) -> Entry:
        kind = kind or guess_kind(value)
        return self._insert(kind, self.digest(kind, normalized_value(kind, value, country)), note)

    def add_name_address(
        self, name: str, address: str | Address, *, country: str | None = None, note: str | None = None
    ) -> Entry:
        parsed = parse_address(address, country) if isinstance(address, str) else normalize_address(address)
        value = name_address_value(name, parsed)
        if value is None:
            raise InputError("a name and an address with street and house number are needed")
        return self._insert("name_address", self.digest("name_address", value), note)

    def remove(self, value: str, kind: str | None = None, *, country: str | None = None) -> bool:
        kind = kind or guess_kind(value)
        digest = self.digest(kind, normalized_value(kind, value, country))
        with self._con:
            cur = self._con.execute("DELETE FROM suppression WHERE kind = ? AND digest = ?", (kind, digest))
        self._digests = None
        return cur.rowcount > 0

    def _insert(self, kind: str, digest: str, note: str | None, added_at: str | None = None) -> Entry:
        entry = Entry(kind, digest, added_at or datetime.now(UTC).isoformat(timespec="seconds"), note)
        with self._con:
            self._con.execute(
                "INSERT OR IGNORE INTO suppression (kind, digest, added_at, note) VALUES (?, ?, ?, ?)",
                (entry.kind, entry.digest, entry.added_at, entry.note),
            )
        self._digests = None
        return entry

    def entries(self) -> list[Entry]:
        rows = self._con.execute("SELECT kind, digest, added_at, note FROM suppression ORDER BY rowid")
        return [Entry(*row) for row in rows]

    def __len__(self) -> int:
        return int(self._con.execute("SELECT count(*) FROM suppression").fetchone()[0])

    # --- import / export --------------------------------------------------------------------------
    def export(self, path: str | os.PathLike[str]) -> int:
        """Write the list as CSV of hashes (no contact data); importable where the same key is set."""
        entries = self.entries()
        target = Path(path)
        if target.is_dir() or target.suffix.lower() != ".csv":
            raise InputError(f"the suppression list is exported as CSV: name the file like list.csv, not {target}")
        tmp = target.with_name(f".{target.name}.partial")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(EXPORT_COLUMNS)
                for e in entries:
                    writer.writerow((e.kind, e.digest, self.key_id, e.added_at, e.note or ""))
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
        return len(entries)

    def import_file(self, path: str | os.PathLike[str], *, country: str | None = None) -> ImportResult:
        """Add entries from our own export (hashes), from a lead file or contact list (CSV/XLSX/... with
        email, phone, website/domain, name + address columns), or from a text file with one value a line.
        Values that are not valid (a phone number that is no number) are skipped and counted."""
        p = Path(path)
        if not p.is_file():
            raise InputError(f"no such file: {p}" if not p.exists() else f"not a file: {p}")
        result = ImportResult()
        if p.suffix.lower() == ".txt":
            from mapleads.export.readers import text_encoding

            for line in p.read_text(encoding=text_encoding(p)).splitlines():
                if line.strip() and not line.strip().startswith("#"):
                    result.take(lambda v=line.strip(): self.add(v, country=country))  # type: ignore[misc]
            return result
        from mapleads.export import read_rows

        header, rows = read_rows(p)
        columns = {h.strip().lower(): h for h in header}
        if {"kind", "digest"} <= set(columns):
            result.added = self._import_hashes(rows, columns)
            return result
        self._import_contacts(rows, columns, country, result)
        return result

    def _import_hashes(self, rows: Iterable[dict[str, Any]], columns: dict[str, str]) -> int:
        count = 0
        for row in rows:
            key_id = str(row.get(columns.get("key_id", ""), "") or "")
            if key_id and key_id != self.key_id:
                raise MapleadsError(
                    "this suppression list was hashed with another key; import the plain list instead, or "
                    "set MAPLEADS_SUPPRESSION_KEY to the key that made it"
                )
            kind, digest = str(row[columns["kind"]]).strip(), str(row[columns["digest"]]).strip().lower()
            if kind not in KINDS or not re.fullmatch(r"[0-9a-f]{64}", digest):
                raise InputError(f"bad suppression entry: {kind!r}, {digest!r}")
            note = str(row.get(columns.get("note", ""), "") or "") or None
            added = str(row.get(columns.get("added_at", ""), "") or "") or None
            self._insert(kind, digest, note, added)
            count += 1
        return count

    def _import_contacts(
        self,
        rows: Iterable[dict[str, Any]],
        columns: dict[str, str],
        country: str | None,
        result: ImportResult,
    ) -> None:
        def col(row: dict[str, Any], *names: str) -> str | None:
            for n in names:
                if n in columns and (v := str(row.get(columns[n]) or "").strip()):
                    return v
            return None

        known = {"email", "emails", "phone", "phones", "website", "domain", "value", "name"}
        if not known & set(columns):
            raise InputError("no email, phone, website, domain, name or value column in the file")
        for row in rows:
            region = col(row, "country_code", "country") or country
            for value in _values(col(row, "emails", "email")):
                result.take(lambda v=value: self.add(v, "email"))  # type: ignore[misc]
            for value in _values(col(row, "phones", "phone")):
                result.take(lambda v=value, r=region: self.add(v, "phone", country=r))  # type: ignore[misc]
            if site := col(row, "domain", "website"):
                result.take(lambda v=site: self.add(v, "domain"))  # type: ignore[misc]
            if plain := col(row, "value"):
                result.take(lambda v=plain, r=region: self.add(v, country=r))  # type: ignore[misc]
            name = col(row, "name")
            address = self._row_address(row, columns, region)
            if name and address is not None and address_key(address):
                result.take(lambda n=name, a=address: self.add_name_address(n, a))  # type: ignore[misc]

    @staticmethod
    def _row_address(row: dict[str, Any], columns: dict[str, str], country: str | None) -> Address | None:
        parts = {p: str(row.get(columns[p]) or "").strip() or None for p in ("street", "housenumber") if p in columns}
        if parts.get("street") and parts.get("housenumber"):
            return normalize_address(Address(street=parts["street"], housenumber=parts["housenumber"]), country)
        if "address" in columns and (text := str(row.get(columns["address"]) or "").strip()):
            return parse_address(text, country)
        return None

    # --- matching ---------------------------------------------------------------------------------
    def _all(self) -> set[tuple[str, str]]:
        if self._digests is None:
            self._digests = {(k, d) for k, d in self._con.execute("SELECT kind, digest FROM suppression")}
        return self._digests

    def reasons(self, lead: Lead) -> list[str]:
        """The kinds of entry that suppress `lead` (empty: it may be exported); `lead` is normalised."""
        entries = self._all()
        if not entries:
            return []
        found: list[str] = []
        for kind, value in lead_values(lead):
            if (kind, self.digest(kind, value)) in entries and kind not in found:
                found.append(kind)
        return found

    def filter(self, leads: Iterable[Lead]) -> Iterator[Lead]:
        for lead in leads:
            if not self.reasons(lead):
                yield lead

    def close(self) -> None:
        self._con.close()


def _values(text: str | None) -> list[str]:
    return [v.strip() for v in re.split(r"[;,]", text or "") if v.strip()]


def lead_values(lead: Lead) -> Iterator[tuple[str, str]]:
    """Every (kind, normalised value) a lead could be suppressed by, alternates of a merged lead included."""
    for email in lead.emails:
        yield "email", email
        yield "domain", email_domain(email)
    for phone in lead.phones:
        yield "phone", phone
    alternates = lead.extra.get("alternates") or {}
    for site in [lead.website, *(a["value"] for a in alternates.get("website", []))]:
        if key := domain_key(site):
            yield "domain", key
            if (domain := registered_domain(site)) and domain != key:
                yield "domain", domain
    for name in [lead.name, *(a["value"] for a in alternates.get("name", []))]:
        if value := name_address_value(name, lead.address):
            yield "name_address", value
    for alt in alternates.get("address", []):
        if value := name_address_value(lead.name, parse_address(alt["value"], lead.address.country_code)):
            yield "name_address", value

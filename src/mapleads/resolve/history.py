"""Merge state across runs: which member records make up which lead, so ids stay stable.

Every resolved lead's member ids (``osm:n123``, ``google:ChIJ...``) are remembered with the lead id they got.
On a later run a cluster takes the id its members had before (the oldest one when two earlier leads have
merged), so files from two runs can be compared with `mapleads diff`. A cluster none of whose members was seen
before (a business that comes back from another source only) is compared, by the resolver's own decision rule,
with the earlier leads stored near it, and takes the id of the one it is. A lead's fingerprint (a hash of its
exported fields) tells whether it changed since it was last seen.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import orjson

from mapleads.lead import Lead
from mapleads.resolve.pairing import resolved_pairs
from mapleads.resolve.store import connect, data_path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS members (member TEXT PRIMARY KEY, lead_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS leads (
    lead_id TEXT PRIMARY KEY, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, fingerprint TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS members_by_lead ON members (lead_id);
"""
#: columns added after the first version (older history files get them on open): where each lead was and what
#: it was, so that a business seen again from another source only is recognised
_LATER_COLUMNS = {"lat": "REAL", "lon": "REAL", "record": "TEXT"}
#: earlier leads are looked up by cells of this size (degrees), with a margin beyond the matcher's reach
_CELL_DEG = 0.01
_MARGIN_DEG = 0.006
#: parts of a lead not kept in its record (bulky, and not what the decision rule reads)
_NOT_RECORDED = ("tags", "provenance", "extra")
#: Fields whose change makes a lead "changed" (what a user acts on), not bookkeeping like scores.
TRACKED_FIELDS = ("name", "category", "phones", "website", "emails", "address", "opening_hours", "lat", "lon")


def fingerprint(lead: Lead) -> str:
    data = lead.to_dict()
    tracked = {f: data[f] for f in TRACKED_FIELDS}
    tracked["lat"] = round(lead.lat, 5) if lead.lat is not None else None
    tracked["lon"] = round(lead.lon, 5) if lead.lon is not None else None
    return hashlib.sha256(orjson.dumps(tracked, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


class History:
    """Stable lead ids across runs, in SQLite (default ``<data_dir>/resolve-history.sqlite``)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path else data_path("resolve-history.sqlite")
        self._con = connect(self.path, _SCHEMA)
        have = {row[1] for row in self._con.execute("PRAGMA table_info(leads)")}
        with self._con:
            for column, kind in _LATER_COLUMNS.items():
                if column not in have:
                    self._con.execute(f"ALTER TABLE leads ADD COLUMN {column} {kind}")
            self._con.execute("CREATE INDEX IF NOT EXISTS leads_by_place ON leads (lat, lon)")

    def assign(self, leads: Sequence[Lead], members: Sequence[Sequence[str]]) -> None:
        """Give each lead its stable id (in place), mark ``extra["change"]`` (new / changed / unchanged) and
        ``extra["first_seen"]``, and remember the run. `members[k]` are the member ids of `leads[k]`."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        con = self._con
        taken: set[str] = set()
        with con:
            chosen: list[str | None] = []
            for ids in members:
                lead_id = next((p for p in self._previous_ids(ids) if p not in taken), None)
                chosen.append(lead_id)
                if lead_id is not None:
                    taken.add(lead_id)
            unlinked = [k for k, lead_id in enumerate(chosen) if lead_id is None]
            for n, lead_id in self._recognised([leads[k] for k in unlinked], taken).items():
                chosen[unlinked[n]] = lead_id
            for lead, ids, lead_id in zip(leads, members, chosen, strict=True):
                if lead_id is None:
                    lead_id = self._fresh_id(lead.id, taken)
                    taken.add(lead_id)
                lead.id = lead_id
                self._remember(lead, ids, now)

    def _remember(self, lead: Lead, ids: Sequence[str], now: str) -> None:
        con = self._con
        fp = fingerprint(lead)
        record = orjson.dumps({k: v for k, v in lead.to_dict().items() if k not in _NOT_RECORDED}).decode()
        row = con.execute("SELECT first_seen, fingerprint FROM leads WHERE lead_id = ?", (lead.id,)).fetchone()
        if row is None:
            lead.extra["change"], first_seen = "new", now
            con.execute(
                "INSERT INTO leads (lead_id, first_seen, last_seen, fingerprint, lat, lon, record)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (lead.id, now, now, fp, lead.lat, lead.lon, record),
            )
        else:
            first_seen = row[0]
            lead.extra["change"] = "unchanged" if row[1] == fp else "changed"
            con.execute(
                "UPDATE leads SET last_seen = ?, fingerprint = ?, lat = ?, lon = ?, record = ? WHERE lead_id = ?",
                (now, fp, lead.lat, lead.lon, record, lead.id),
            )
        lead.extra["first_seen"] = first_seen
        con.executemany(
            "INSERT INTO members VALUES (?, ?) ON CONFLICT (member) DO UPDATE SET lead_id = excluded.lead_id",
            [(m, lead.id) for m in ids],
        )

    def _recognised(self, leads: Sequence[Lead], taken: set[str]) -> dict[int, str]:
        """Earlier lead ids (not taken by this run) of leads none of whose members was seen, by index."""
        cells: dict[tuple[int, int], int] = defaultdict(int)
        for lead in leads:
            if lead.lat is not None and lead.lon is not None:
                cells[(math.floor(lead.lat / _CELL_DEG), math.floor(lead.lon / _CELL_DEG))] += 1
        nearby: dict[str, str] = {}
        for cy, cx in cells:
            rows = self._con.execute(
                "SELECT lead_id, record FROM leads WHERE record IS NOT NULL"
                " AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?",
                (
                    cy * _CELL_DEG - _MARGIN_DEG,
                    (cy + 1) * _CELL_DEG + _MARGIN_DEG,
                    cx * _CELL_DEG - _MARGIN_DEG,
                    (cx + 1) * _CELL_DEG + _MARGIN_DEG,
                ),
            )
            nearby.update((lead_id, record) for lead_id, record in rows if lead_id not in taken)
        if not nearby:
            return {}
        earlier_ids = list(nearby)
        earlier = [Lead.from_dict(orjson.loads(nearby[lead_id])) for lead_id in earlier_ids]
        found: dict[int, str] = {}
        for n, k in resolved_pairs(earlier, leads):
            if n not in found and earlier_ids[k] not in taken:
                found[n] = earlier_ids[k]
                taken.add(earlier_ids[k])
        return found

    def _previous_ids(self, member_ids: Sequence[str]) -> list[str]:
        """Earlier lead ids of these members, the oldest lead first."""
        if not member_ids:
            return []
        marks = ",".join("?" * len(member_ids))
        rows = self._con.execute(
            f"SELECT DISTINCT m.lead_id, l.first_seen FROM members m LEFT JOIN leads l USING (lead_id) "
            f"WHERE m.member IN ({marks}) ORDER BY l.rowid",
            list(member_ids),
        ).fetchall()
        return [r[0] for r in rows]

    def _fresh_id(self, wanted: str, taken: set[str]) -> str:
        """The lead's own id unless an earlier lead already has it (then a numbered variant)."""
        candidate, n = wanted, 1
        while candidate in taken or self._con.execute("SELECT 1 FROM leads WHERE lead_id = ?", (candidate,)).fetchone():
            n += 1
            candidate = f"{wanted}~{n}"
        return candidate

    def close(self) -> None:
        self._con.close()

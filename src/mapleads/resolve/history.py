"""Merge state across runs: which member records make up which lead, so ids stay stable.

Every resolved lead's member ids (``osm:n123``, ``google:ChIJ...``) are remembered with the lead id they got.
On a later run a cluster takes the id its members had before (the oldest one when two earlier leads have
merged), so files from two runs can be compared with `mapleads diff`. A lead's fingerprint (a hash of its
exported fields) tells whether it changed since it was last seen.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import orjson

from mapleads.lead import Lead
from mapleads.resolve.store import connect, data_path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS members (member TEXT PRIMARY KEY, lead_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS leads (
    lead_id TEXT PRIMARY KEY, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, fingerprint TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS members_by_lead ON members (lead_id);
"""
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

    def assign(self, leads: Sequence[Lead], members: Sequence[Sequence[str]]) -> None:
        """Give each lead its stable id (in place), mark ``extra["change"]`` (new / changed / unchanged) and
        ``extra["first_seen"]``, and remember the run. `members[k]` are the member ids of `leads[k]`."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        con = self._con
        taken: set[str] = set()
        with con:
            for lead, ids in zip(leads, members, strict=True):
                previous = self._previous_ids(ids)
                lead_id = next((p for p in previous if p not in taken), None)
                if lead_id is None:
                    lead_id = self._fresh_id(lead.id, taken)
                taken.add(lead_id)
                lead.id = lead_id
                fp = fingerprint(lead)
                row = con.execute("SELECT first_seen, fingerprint FROM leads WHERE lead_id = ?", (lead_id,)).fetchone()
                if row is None:
                    lead.extra["change"], first_seen = "new", now
                    con.execute("INSERT INTO leads VALUES (?, ?, ?, ?)", (lead_id, now, now, fp))
                else:
                    first_seen = row[0]
                    lead.extra["change"] = "unchanged" if row[1] == fp else "changed"
                    con.execute(
                        "UPDATE leads SET last_seen = ?, fingerprint = ? WHERE lead_id = ?",
                        (now, fp, lead_id),
                    )
                lead.extra["first_seen"] = first_seen
                con.executemany(
                    "INSERT INTO members VALUES (?, ?) ON CONFLICT (member) DO UPDATE SET lead_id = excluded.lead_id",
                    [(m, lead_id) for m in ids],
                )

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

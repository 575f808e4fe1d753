"""Crawl state per lead and a page cache by URL, in one SQLite file under MAPLEADS_DATA_DIR.

The state makes a stopped run resume where it stopped: a lead whose site was crawled recently is answered from
its stored result. The cache keeps pages that carry an ETag or Last-Modified, so a later crawl can ask
"changed since?" and get a 304 instead of the page.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

_SCHEMA = """
CREATE TABLE IF NOT EXISTS lead_state (
    lead_key TEXT PRIMARY KEY, website TEXT NOT NULL, result BLOB NOT NULL, finished_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS page_cache (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, content_type TEXT, body BLOB,
    stored_at REAL NOT NULL);
"""
_COMMIT_EVERY = 200


@dataclass(slots=True)
class CachedPage:
    etag: str | None
    last_modified: str | None
    content_type: str
    body: bytes


class Store:
    def __init__(self, directory: Path, max_age_days: float = 30.0) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "crawl.sqlite3"
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level="DEFERRED")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self.max_age_s = max_age_days * 86400
        self._pending = 0
        self._committed_at = time.monotonic()

    def finished(self, lead_key: str, website: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT result, finished_at FROM lead_state WHERE lead_key = ? AND website = ?",
            (lead_key, website),
        ).fetchone()
        if row is None or time.time() - row[1] > self.max_age_s:
            return None
        data: dict[str, Any] = orjson.loads(row[0])
        return data

    def finish(self, lead_key: str, website: str, result_json: bytes) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO lead_state VALUES (?, ?, ?, ?)",
            (lead_key, website, result_json, time.time()),
        )
        self._tick()

    def cached_page(self, url: str) -> CachedPage | None:
        row = self.db.execute(
            "SELECT etag, last_modified, content_type, body FROM page_cache WHERE url = ?", (url,)
        ).fetchone()
        return CachedPage(*row) if row else None

    def save_page(self, url: str, page: CachedPage) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO page_cache VALUES (?, ?, ?, ?, ?, ?)",
            (url, page.etag, page.last_modified, page.content_type, page.body, time.time()),
        )
        self._tick()

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= _COMMIT_EVERY or time.monotonic() - self._committed_at > 2.0:
            self.commit()

    def commit(self) -> None:
        self.db.commit()
        self._pending = 0
        self._committed_at = time.monotonic()

    def close(self) -> None:
        self.commit()
        self.db.close()

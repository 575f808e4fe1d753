"""In-process cache of verified API keys, so a request with a known key costs no key lookup and no query.

A hit never grants access on its own: every request re-checks in the database that the key is not revoked and
its user is active (the lead list inside its one page query, the other endpoints when they load the user), so a
revocation or deactivation made by any process takes effect on the next request. The cache only saves finding
the key by its prefix and comparing digests; an entry lives KEY_CACHE_TTL_S seconds, and revoking a key drops its
entry in the revoking process at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

#: how long a verified key is remembered (seconds); after that it is looked up again
KEY_CACHE_TTL_S = 60.0
#: entries kept at most; past that the cache starts afresh (keys are few; this only bounds memory)
KEY_CACHE_MAX = 10_000


@dataclass(frozen=True, slots=True)
class KeyIdentity:
    """A verified key and its owner: what the API's authentication hands to the views (request.auth)."""

    key_id: int
    user_id: int


@dataclass(slots=True)
class _Entry:
    identity: KeyIdentity
    expires: float
    #: when this process last wrote the key's last_used_at (monotonic seconds)
    stamped: float


class KeyCache:
    """(prefix, keyed hash of the secret) -> KeyIdentity; never holds a key's secret text."""

    def __init__(self, ttl_s: float = KEY_CACHE_TTL_S, max_entries: int = KEY_CACHE_MAX) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, prefix: str, digest: str) -> _Entry | None:
        entry = self._entries.get((prefix, digest))
        if entry is None or entry.expires < time.monotonic():
            return None
        return entry

    def put(self, prefix: str, digest: str, identity: KeyIdentity) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[(prefix, digest)] = _Entry(identity, now + self.ttl_s, now)

    def forget(self, key_id: int) -> None:
        with self._lock:
            for k in [k for k, e in self._entries.items() if e.identity.key_id == key_id]:
                del self._entries[k]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


KEYS = KeyCache()

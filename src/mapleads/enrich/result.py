"""What one website yielded, with the page and rule behind every value; stored as JSON for resuming runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

# Site outcomes. Everything except "ok" means no page content was used (the reason is in `detail`).
OK = "ok"
NO_WEBSITE = "no_website"
INVALID_URL = "invalid_url"
ROBOTS_DISALLOWED = "robots_disallowed"
ROBOTS_UNAVAILABLE = "robots_unavailable"
CRAWL_DELAY_TOO_LONG = "crawl_delay_too_long"
BLOCKED = "blocked"
UNREACHABLE = "unreachable"
TIMEOUT = "timeout"
HTTP_ERROR = "http_error"
NOT_HTML = "not_html"
REDIRECTED_OFFSITE = "redirected_offsite"
ERROR = "error"  # a bug of ours met a page it could not handle; logged, the run goes on


@dataclass(slots=True)
class EmailFinding:
    email: str
    page: str
    rule: str
    role: bool = False
    own_domain: bool = False
    free_mail: bool = False
    mx: bool | None = None


@dataclass(slots=True)
class PhoneFinding:
    e164: str
    page: str
    rule: str
    confirmed: bool


@dataclass(slots=True)
class SocialFinding:
    network: str
    url: str
    page: str
    rule: str


@dataclass(slots=True)
class PageVisit:
    url: str
    kind: str
    status: int | None = None
    note: str | None = None


@dataclass(slots=True)
class SiteResult:
    website: str
    status: str = OK
    detail: str | None = None
    final_url: str | None = None
    redirected_to: str | None = None
    pages: list[PageVisit] = field(default_factory=list)
    emails: list[EmailFinding] = field(default_factory=list)
    phones: list[PhoneFinding] = field(default_factory=list)
    socials: list[SocialFinding] = field(default_factory=list)
    structured: dict[str, Any] | None = None
    structured_page: str | None = None
    tech: list[str] = field(default_factory=list)
    rendered: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> bytes:
        """orjson serialises slotted dataclasses natively, many times faster than `asdict`."""
        return orjson.dumps(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SiteResult:
        d = dict(d)
        d["pages"] = [PageVisit(**p) for p in d.get("pages", [])]
        d["emails"] = [EmailFinding(**e) for e in d.get("emails", [])]
        d["phones"] = [PhoneFinding(**p) for p in d.get("phones", [])]
        d["socials"] = [SocialFinding(**s) for s in d.get("socials", [])]
        return cls(**d)

    @property
    def pages_fetched(self) -> int:
        return sum(1 for p in self.pages if p.status is not None)

"""The knobs of one enrichment run, read from `Settings` once and passed down explicitly."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mapleads.settings import Settings, get_settings

_PRODUCT_TOKEN = re.compile(r"^[A-Za-z_-]+")


@dataclass(frozen=True, slots=True)
class EnrichConfig:
    concurrency: int = 64
    max_crawl_delay: float = 10.0
    keep_personal_emails: bool = False
    user_agent: str = "MapLeadExtractor"
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    site_timeout: float = 40.0
    max_body_bytes: int = 2_000_000
    max_redirects: int = 5
    extra_pages: int = 4
    host_map: dict[str, str] = field(default_factory=dict)
    cache_dir: Path | None = None
    state_max_age_days: float = 30.0
    mx_check: bool = False
    dns_servers: tuple[str, ...] = ()
    browser_fallback: bool = False
    chromium_path: str = "/usr/bin/chromium"
    default_country: str | None = None
    fresh: bool = False

    @property
    def robots_token(self) -> str:
        """The product token robots.txt groups are matched against ("MapLeadExtractor")."""
        match = _PRODUCT_TOKEN.match(self.user_agent)
        return match.group(0) if match else "*"

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> EnrichConfig:
        s = settings or get_settings()
        config = cls(
            concurrency=max(1, s.crawl_concurrency),
            max_crawl_delay=s.crawl_max_delay,
            keep_personal_emails=s.keep_personal_emails,
            user_agent=s.user_agent,
            connect_timeout=s.crawl_connect_timeout,
            read_timeout=s.crawl_read_timeout,
            site_timeout=s.crawl_site_timeout,
            max_body_bytes=s.crawl_max_body_bytes,
            max_redirects=s.crawl_max_redirects,
            extra_pages=max(0, min(4, s.crawl_extra_pages)),
            host_map=dict(s.crawl_host_map),
            cache_dir=(s.data_dir / "enrich") if s.crawl_cache else None,
            state_max_age_days=s.crawl_state_max_age_days,
            mx_check=s.enrich_mx_check,
            dns_servers=tuple(s.enrich_dns_servers),
            browser_fallback=s.enrich_browser_fallback,
            chromium_path=s.chromium_path,
            default_country=s.default_country,
        )
        known = {k: v for k, v in overrides.items() if v is not None}
        unknown = set(known) - set(cls.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown enrichment option(s): {', '.join(sorted(unknown))}")
        return replace(config, **known)

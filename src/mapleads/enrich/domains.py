"""Registered domains from the Public Suffix List bundled with tldextract: never fetched, private domains on.

Private suffixes matter here: two shops on ``*.myshopify.com`` or ``*.blogspot.com`` are different businesses.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=65536)
def registered_domain(host: str) -> str:
    """``www.shop.example.co.uk`` → ``example.co.uk``; an IP or unknown suffix gives the host itself."""
    host = host.lower().strip(".")
    parts = _EXTRACT(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def site_domain(url: str) -> str:
    return registered_domain(host_of(url))


def country_of_host(host: str) -> str | None:
    """A country-code TLD as an ISO region (``.fi`` → FI, ``.co.uk`` → GB); None for generic TLDs."""
    suffix = _EXTRACT(host).suffix.rsplit(".", 1)[-1].upper()
    if len(suffix) != 2:
        return None
    return {"UK": "GB", "EU": None}.get(suffix, suffix)

"""Bot-protection pages (Cloudflare, Imperva, DataDome, Sucuri, ...): recognised and reported, never retried.

Retrying a challenge is what abusive bots do; a polite crawler records "blocked" and moves on.
"""

from __future__ import annotations

from collections.abc import Mapping

_STRONG_MARKERS = (
    "/cdn-cgi/challenge-platform/",
    "cf_chl_opt",
    "cf-browser-verification",
    "_incapsula_resource",
    "captcha-delivery.com",
    "sucuri website firewall",
    "ddos-guard",
    "px-captcha",
    "/_guard/html.js",
)
_WEAK_MARKERS = (
    "just a moment...",
    "attention required! | cloudflare",
    "checking your browser",
    "enable javascript and cookies to continue",
    "access denied",
    "request unsuccessful",
)
_CHALLENGE_STATUSES = frozenset({403, 429, 503})


def challenge_header(headers: Mapping[str, str]) -> bool:
    return headers.get("cf-mitigated", "").lower() == "challenge"


def is_challenge(status: int, headers: Mapping[str, str], head: bytes) -> bool:
    """True for a challenge or block page; `head` is the start of the body (64 KB is plenty)."""
    if challenge_header(headers):
        return True
    text = head[:65536].decode("utf-8", "ignore").lower()
    if any(m in text for m in _STRONG_MARKERS):
        return True
    if status in _CHALLENGE_STATUSES:
        protected = (
            any(k in headers for k in ("cf-ray", "x-iinfo", "x-datadome", "x-sucuri-id", "x-amz-cf-id"))
            or "cloudflare" in headers.get("server", "").lower()
        )
        return protected or any(m in text for m in _WEAK_MARKERS)
    return False

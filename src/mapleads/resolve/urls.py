"""Website canonicalisation and the business's own domain.

Two renderings of one site ("HTTP://WWW.Maya.fi/?utm_source=google", "https://maya.fi") get the same key; the
website a user sees stays a working URL (the host keeps its ``www.``, which some sites need).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import tldextract

from mapleads.normalize import normalize_website

#: Query parameters that track a visit and never select content.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga",
     "_gl", "ref", "ref_src", "spm", "srsltid", "wt.mc_id", "trk", "hsctatracking"}
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__hs", "_hs")
#: Shared hosts where the first path segment names the business (a Facebook page, a Yelp listing).
PATH_PLATFORMS = frozenset(
    {"facebook.com", "instagram.com", "linkedin.com", "twitter.com", "x.com", "youtube.com", "tiktok.com",
     "google.com", "goo.gl", "linktr.ee", "tripadvisor.com", "tripadvisor.fi", "yelp.com", "vk.com", "ok.ru",
     "t.me", "booking.com", "sites.google.com"}
)  # fmt: skip
#: Shared registered domains where the subdomain is the business ("maria.wixsite.com").
SUBDOMAIN_PLATFORMS = frozenset(
    {"wixsite.com", "business.site", "blogspot.com", "wordpress.com", "webnode.fi", "webnode.com",
     "github.io", "square.site", "carrd.co", "weebly.com", "jimdo.com", "jimdosite.com", "site123.me",
     "mystrikingly.com"}
)  # fmt: skip
#: A URL already in canonical form but for trailing slashes (what the resolver's own output and most sources
#: write): lower-case http(s) host, no port, user, query or fragment. Its canonical form needs no parsing.
_PLAIN = re.compile(r"(https?)://([a-z0-9-]+(?:\.[a-z0-9-]+)+)((?:/[\w.~!$&'()*+,=:@%-]*)*)", re.ASCII)
#: Bounded: a run's bulk look-ups memoise per distinct value themselves (see `features.feature_table`).
_CACHE = 16_384
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # bundled list: never fetched


def _is_tracking(param: str) -> bool:
    p = param.lower()
    return p in TRACKING_PARAMS or p.startswith(_TRACKING_PREFIXES)


@lru_cache(maxsize=_CACHE)
def canonical_url(url: str | None) -> str | None:
    """The website as one canonical URL: lower-case scheme and host, no default port, no tracking parameters
    (remaining ones sorted), no fragment, no trailing slash; None when it is not a web address."""
    plain = _PLAIN.fullmatch(url) if url else None
    if plain:
        return f"{plain[1]}://{plain[2]}{plain[3].rstrip('/')}"
    absolute = normalize_website(url)
    if not absolute:
        return None
    try:
        parts = urlsplit(absolute)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or "@" in parts.netloc or "." not in host or " " in host:
        return None
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)))
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, host, path, query, ""))


@lru_cache(maxsize=_CACHE)
def url_key(url: str | None) -> str | None:
    """Canonical URL without scheme and ``www.``: what two renderings of the same page share."""
    canon = canonical_url(url)
    if canon is None:
        return None
    return page_of(canon)


def page_of(canon: str) -> str:
    """A canonical URL without scheme and ``www.``."""
    return canon.partition("://")[2].removeprefix("www.")


@lru_cache(maxsize=_CACHE)
def registered_domain(host_or_url: str | None) -> str | None:
    """The domain a business registered ("shop.example.co.uk" -> "example.co.uk"), from the bundled public
    suffix list; None for IP addresses and bare suffixes."""
    if not host_or_url:
        return None
    host = host_or_url
    if "/" in host or ":" in host:
        canon = canonical_url(host_or_url)
        if canon is None:
            return None
        return registered_domain(urlsplit(canon).hostname or "")
    return _registered(host)


def _registered(host: str) -> str | None:
    return _EXTRACT(host.lower()).top_domain_under_public_suffix or None


@lru_cache(maxsize=_CACHE)
def domain_key(url: str | None) -> str | None:
    """What identifies a business by its website: its registered domain, or on a shared platform (a Facebook
    page, a Wix site) the platform plus the page's first path segment."""
    canon = canonical_url(url)
    if canon is None:
        return None
    hostname, path = _host_and_path(canon)
    return _domain_key(hostname, path, registered_domain(hostname))


def _host_and_path(canon: str) -> tuple[str, str]:
    plain = _PLAIN.fullmatch(canon)
    if plain:
        return plain[2], plain[3]
    parts = urlsplit(canon)
    return parts.hostname or "", parts.path


def _domain_key(hostname: str, path: str, domain: str | None) -> str | None:
    if domain is None:
        return None
    host = hostname.removeprefix("www.").removeprefix("m.")
    if domain in SUBDOMAIN_PLATFORMS:
        return host if host != domain else None
    platform = host if host in PATH_PLATFORMS else domain if domain in PATH_PLATFORMS else None
    if platform is None:
        return domain
    segment = path.strip("/").split("/")[0].casefold()
    return f"{platform}/{segment}" if segment else None


class WebKeys:
    """(domain_key, url_key, registered_domain) of each distinct website of one run, computed once: the
    matcher and the scorer both need them, and a million leads have too many websites for the caches above."""

    def __init__(self) -> None:
        self._seen: dict[str | None, tuple[str | None, str | None, str | None]] = {}

    def __call__(self, url: str | None) -> tuple[str | None, str | None, str | None]:
        keys = self._seen.get(url)
        if keys is None:
            keys = self._seen[url] = self._keys(url)
        return keys

    @staticmethod
    def _keys(url: str | None) -> tuple[str | None, str | None, str | None]:
        """`domain_key`, `url_key` and `registered_domain` from one canonicalisation and one suffix look-up."""
        if not url or not ("/" in url or ":" in url):  # a bare host: `registered_domain` reads it as it is
            return domain_key(url), url_key(url), registered_domain(url)
        canon = canonical_url(url)
        if canon is None:
            return None, None, None
        hostname, path = _host_and_path(canon)
        domain = _registered(hostname)
        return _domain_key(hostname, path, domain), page_of(canon), domain

"""Which pages after the home page are worth a request: contact, imprint, about and privacy, in any language.

Contact details live on those pages (the imprint is a legal duty in the DACH countries, privacy pages name the
data controller). One page of each kind, best match first; no deeper crawling.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from mapleads.enrich.domains import registered_domain
from mapleads.enrich.page import Link

KINDS: dict[str, tuple[str, ...]] = {
    "contact": (
        "contact",
        "contact us",
        "contact-us",
        "contacts",
        "kontakt",
        "kontakti",
        "yhteystiedot",
        "ota yhteytta",
        "ota-yhteytta",
        "yhteys",
        "contacto",
        "contactenos",
        "contatti",
        "contattaci",
        "contato",
        "contactez",
        "nous contacter",
        "nous-contacter",
        "kontakta",
        "kontakta oss",
        "kontakt oss",
        "kontaktieren",
        "get in touch",
        "find us",
        "reach us",
        "locations",
        "anfahrt",
        "sijainti",
        "yhteydenotto",
    ),
    "imprint": (
        "impressum",
        "imprint",
        "legal notice",
        "legal-notice",
        "mentions legales",
        "mentions-legales",
        "aviso legal",
        "aviso-legal",
        "note legali",
        "note-legali",
        "colofon",
        "colophon",
        "yritystiedot",
        "company info",
        "legal",
        "juridisk",
        "anbieterkennzeichnung",
    ),
    "about": (
        "about",
        "about us",
        "about-us",
        "meista",
        "tietoa meista",
        "tietoa",
        "uber uns",
        "ueber uns",
        "ueber-uns",
        "uber-uns",
        "qui sommes nous",
        "qui-sommes-nous",
        "a propos",
        "a-propos",
        "quienes somos",
        "quienes-somos",
        "sobre nosotros",
        "sobre-nosotros",
        "chi siamo",
        "chi-siamo",
        "om oss",
        "om-oss",
        "over ons",
        "over-ons",
        "o nas",
        "o-nas",
        "team",
        "unternehmen",
        "yritys",
    ),
    "privacy": (
        "privacy",
        "privacy policy",
        "privacy-policy",
        "datenschutz",
        "datenschutzerklarung",
        "tietosuoja",
        "tietosuojaseloste",
        "politique de confidentialite",
        "confidentialite",
        "privacidad",
        "politica de privacidad",
        "informativa privacy",
        "integritetspolicy",
        "personuppgifter",
        "privacybeleid",
        "gdpr",
        "rgpd",
        "dsgvo",
    ),
}
_SKIP_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".gif", ".zip", ".doc", ".docx", ".xls", ".xlsx", ".mp4")


def _fold(text: str) -> str:
    """Lower case without accents, separators as spaces: "Über uns" → "uber uns"."""
    ascii_text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return " ".join(re.split(r"[\s/_\-.?=&#]+", ascii_text)).strip()


_PATTERNS: dict[str, tuple[frozenset[str], re.Pattern[str]]] = {}


def _patterns(kind: str) -> tuple[frozenset[str], re.Pattern[str]]:
    """The kind's folded keywords, and one regex that finds any of them as whole words (longest first)."""
    if kind not in _PATTERNS:
        words = sorted({_fold(w) for w in KINDS[kind]}, key=len, reverse=True)
        _PATTERNS[kind] = (frozenset(words), re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b"))
    return _PATTERNS[kind]


def _score(text: str, path: str, kind: str) -> int:
    """4: the link text is the keyword; 3/2: the path ends with / contains it; 1: a short text contains it."""
    words, pattern = _patterns(kind)
    if text in words:
        return 4
    best = 0
    for match in pattern.finditer(path):
        best = max(best, 3 if match.end() == len(path) else 2)
    if not best and text and len(text) <= 40 and pattern.search(text):
        best = 1
    return best


def _strip_fragment(url: str) -> str:
    url = url.split("#", 1)[0]
    return url + "/" if url.count("/") == 2 else url  # "https://x.fi" is "https://x.fi/"


def choose(home_url: str, links: list[Link], limit: int = 4) -> list[tuple[str, str]]:
    """Up to `limit` (kind, url) pairs on the home page's own registered domain, one per kind."""
    domain = registered_domain(urlsplit(home_url).hostname or "")
    home = _strip_fragment(home_url)
    candidates: list[tuple[str, str, str]] = []
    seen: set[str] = {home}
    for link in links:
        url = _strip_fragment(link.url)
        parts = urlsplit(url)
        if registered_domain(parts.hostname or "") != domain or parts.path.lower().endswith(_SKIP_SUFFIXES):
            continue
        if url in seen:
            continue
        seen.add(url)
        candidates.append((url, _fold(link.text), _fold(parts.path)))
    chosen: list[tuple[str, str]] = []
    taken: set[str] = set()
    for kind in KINDS:
        scored = [
            (score, -i, url)
            for i, (url, text, path) in enumerate(candidates)
            if url not in taken and (score := _score(text, path, kind))
        ]
        if scored:
            url = max(scored)[2]
            chosen.append((kind, url))
            taken.add(url)
        if len(chosen) >= limit:
            break
    return chosen

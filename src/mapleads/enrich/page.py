"""One fetched HTML page, decoded and parsed once, with the raw material every extractor reads.

Decoding follows the HTML rules through w3lib: a byte-order mark wins, then the HTTP header, then a <meta>
declaration, then detection. Parsing uses selectolax's Lexbor engine: fast and forgiving of broken HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser
from w3lib.encoding import html_to_unicode

_INVISIBLE = ("script", "style", "template", "svg", "iframe", "object")
MAX_TEXT_CHARS = 200_000
_REFRESH_URL = re.compile(r"url\s*=\s*(.+)$", re.IGNORECASE)


@dataclass(slots=True)
class Link:
    url: str
    text: str


@dataclass(slots=True)
class Page:
    url: str
    html: str
    text: str = ""
    title: str = ""
    links: list[Link] = field(default_factory=list)
    mailtos: list[str] = field(default_factory=list)
    tels: list[str] = field(default_factory=list)
    cf_hex: list[str] = field(default_factory=list)
    jsonld: list[str] = field(default_factory=list)
    generator: str = ""
    refresh: str | None = None  # the target of <meta http-equiv="refresh" content="0; url=...">
    script_count: int = 0
    has_microdata: bool = False


def decode(body: bytes, content_type: str | None) -> str:
    _, text = html_to_unicode(content_type, body)
    return text


def parse_page(url: str, body: bytes, content_type: str | None) -> Page:
    return parse_html(url, decode(body, content_type))


def parse_html(url: str, markup: str) -> Page:
    tree = LexborHTMLParser(markup)
    page = Page(url=url, html=markup)
    base = url
    base_node = tree.css_first("base[href]") if "<base" in markup else None
    if base_node is not None:
        base = urljoin(url, (base_node.attributes.get("href") or "").strip())
    title = tree.css_first("title")
    page.title = title.text(strip=True) if title is not None else ""
    generator = tree.css_first('meta[name="generator" i]')
    if generator is not None:
        page.generator = generator.attributes.get("content") or ""
    refresh = tree.css_first('meta[http-equiv="refresh" i]') if "refresh" in markup.lower() else None
    if refresh is not None:
        match = _REFRESH_URL.search(refresh.attributes.get("content") or "")
        if match:
            page.refresh = urljoin(base, match.group(1).strip("'\" "))
    page.has_microdata = "itemscope" in markup and tree.css_first("[itemscope]") is not None
    if "ld+json" in markup:
        page.jsonld = [node.text(deep=True) or "" for node in tree.css('script[type="application/ld+json" i]')]
    if "data-cfemail" in markup:
        page.cf_hex = [node.attributes.get("data-cfemail") or "" for node in tree.css("[data-cfemail]")]
    for node in tree.css("a[href], area[href]"):
        _take_link(page, base, node.attributes.get("href") or "", node.text(deep=True, separator=" ", strip=True))
    page.script_count = len(tree.css("script"))
    tree.strip_tags(list(_INVISIBLE))
    body = tree.body or tree.root
    text = body.text(deep=True, separator=" ", strip=True) if body is not None else ""
    if "&" in text and ";" in text:  # entities escaped twice in the source ("&amp;#64;") survive one decoding
        text = html.unescape(text)
    page.text = text[:MAX_TEXT_CHARS]
    return page


def _take_link(page: Page, base: str, href: str, text: str) -> None:
    href = href.strip()
    lowered = href[:12].lower()
    if lowered.startswith("mailto:"):
        page.mailtos.append(href[7:])
    elif lowered.startswith(("tel:", "callto:")):
        page.tels.append(href.split(":", 1)[1])
    elif "/cdn-cgi/l/email-protection" in href:
        _, _, fragment = href.partition("#")
        if fragment:
            page.cf_hex.append(fragment)
    elif href and not lowered.startswith(("javascript:", "data:", "#")):
        absolute = href if lowered.startswith(("http://", "https://")) else urljoin(base, href)
        if absolute.startswith(("http://", "https://", "HTTP://", "HTTPS://")):
            page.links.append(Link(absolute, " ".join(text.split())[:200]))

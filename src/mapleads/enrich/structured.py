"""schema.org business data from JSON-LD (each block on its own) and microdata (through extruct).

Real sites ship broken JSON-LD: trailing commas, HTML comments, two objects in one block. Every block is
parsed separately and repaired when it can be, so one bad block never hides the good ones next to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")
_NOT_BUSINESS = _words(
    """WebSite WebPage BreadcrumbList ListItem ImageObject SearchAction Person Product Offer AggregateOffer
    Article BlogPosting NewsArticle FAQPage Question Answer VideoObject Review AggregateRating Rating
    SiteNavigationElement ItemList CollectionPage ContactPage AboutPage ReadAction EntryPoint
    PropertyValue Thing CreativeWork ContactPoint PostalAddress GeoCoordinates OpeningHoursSpecification"""
)
_BUSINESS_HINTS = ("telephone", "address", "email", "openingHours", "openingHoursSpecification", "geo")


def parse_block(text: str) -> list[Any]:
    """The JSON values of one <script type="application/ld+json"> block; [] when it cannot be read."""
    text = text.strip().lstrip("\ufeff")
    if not text:
        return []
    for attempt in (text, _repair(text)):
        try:
            return [json.loads(attempt, strict=False)]
        except ValueError:
            pass
    return _several(_repair(text))


def _repair(text: str) -> str:
    return _TRAILING_COMMA.sub(r"\1", _WRAPPERS.sub("", text)).strip()


def _several(text: str) -> list[Any]:
    """Blocks that hold several JSON documents one after another."""
    decoder = json.JSONDecoder(strict=False)
    values: list[Any] = []
    index = 0
    while index < len(text):
        while index < len(text) and text[index] in " \t\r\n,;":
            index += 1
        if index >= len(text):
            break
        try:
            value, index = decoder.raw_decode(text, index)
        except ValueError:
            break
        values.append(value)
    return values


def nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD value, walking lists, ``@graph`` and nested properties."""
    if isinstance(value, list):
        for item in value:
            yield from nodes(item)
    elif isinstance(value, dict):
        yield value
        for key, item in value.items():
            if key != "@context" and isinstance(item, (dict, list)):
                yield from nodes(item)


def types_of(node: dict[str, Any]) -> list[str]:
    raw = node.get("@type") or node.get("type") or []
    names = raw if isinstance(raw, list) else [raw]
    return [str(n).rsplit("/", 1)[-1].rsplit("#", 1)[-1] for n in names if n]


def is_business(node: dict[str, Any]) -> bool:
    types = types_of(node)
    if not types or any(t in _NOT_BUSINESS for t in types):
        return False
    known = any(t.endswith(("Business", "Organization", "Store", "Restaurant")) for t in types)
    return known or any(node.get(k) for k in _BUSINESS_HINTS)


def business(node: dict[str, Any]) -> dict[str, Any]:
    """The fields a lead can use, flattened; ContactPoint phones and emails included."""
    record: dict[str, Any] = {"type": types_of(node)[0]}
    for key in ("name", "url", "priceRange", "vatID", "taxID", "legalName"):
        value = _text(node.get(key))
        if value:
            record[key] = value
    phones = _texts(node.get("telephone"))
    emails = _texts(node.get("email"))
    for point in _objects(node.get("contactPoint")):
        phones += _texts(point.get("telephone"))
        emails += _texts(point.get("email"))
    if phones:
        record["telephone"] = list(dict.fromkeys(phones))
    if emails:
        record["email"] = list(dict.fromkeys(emails))
    same_as = _texts(node.get("sameAs"))
    if same_as:
        record["sameAs"] = same_as
    address = next(iter(_objects(node.get("address"))), None)
    if address:
        parts = {
            k: _text(address.get(k))
            for k in ("streetAddress", "postalCode", "addressLocality", "addressRegion", "addressCountry")
        }
        record["address"] = {k: v for k, v in parts.items() if v}
    elif isinstance(node.get("address"), str):
        record["address"] = {"streetAddress": node["address"].strip()}
    geo = next(iter(_objects(node.get("geo"))), None)
    if geo and geo.get("latitude") is not None and geo.get("longitude") is not None:
        record["geo"] = {"lat": _text(geo.get("latitude")), "lon": _text(geo.get("longitude"))}
    hours = _texts(node.get("openingHours")) + [
        _hours_spec(spec) for spec in _objects(node.get("openingHoursSpecification"))
    ]
    if hours:
        record["openingHours"] = [h for h in hours if h]
    return record


def businesses_from_jsonld(blocks: list[str]) -> tuple[list[dict[str, Any]], int]:
    """Business records from every block, and how many blocks could not be read."""
    found: list[dict[str, Any]] = []
    bad = 0
    for block in blocks:
        values = parse_block(block)
        if not values and block.strip():
            bad += 1
        for value in values:
            found += [business(n) for n in nodes(value) if is_business(n)]
    return found, bad


def businesses_from_microdata(markup: str, url: str) -> list[dict[str, Any]]:
    import extruct

    try:
        data = extruct.extract(markup, base_url=url, syntaxes=["microdata"], uniform=True)
    except Exception:  # extruct raises whatever lxml raises on hopeless markup
        return []
    return [business(n) for n in nodes(data.get("microdata", [])) if is_business(n)]


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or value.get("@id")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _texts(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [t for t in (_text(i) for i in items) if t]


def _objects(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [i for i in items if isinstance(i, dict)]


def _hours_spec(spec: dict[str, Any]) -> str:
    days = ",".join(d.rsplit("/", 1)[-1][:2] for d in _texts(spec.get("dayOfWeek")))
    opens, closes = _text(spec.get("opens")), _text(spec.get("closes"))
    return f"{days} {opens}-{closes}".strip() if opens and closes else days

"""The one record every pipeline stage reads and writes.

`Lead` is deliberately a plain record (a msgspec Struct: typed fields, no behaviour to speak of): sources build
it, enrichment and resolution add to it, exporters flatten it with `to_row()` and every reader rebuilds it with
`Lead.from_row()` without loss, so a CSV written today can be enriched, resolved or diffed tomorrow.
"""

from __future__ import annotations

from typing import Any

import msgspec
import orjson

#: values of types JSON lacks (in `extra`) are written as their text, as the index's records always were
_ENCODER = msgspec.json.Encoder(enc_hook=str)

ADDRESS_PARTS = ("street", "housenumber", "unit", "postcode", "city", "state", "country_code")
SOCIAL_NETWORKS = ("facebook", "instagram", "linkedin", "twitter", "youtube", "tiktok")
#: the hosts of each network's profile pages (subdomains included), for every module that reads profile URLs
SOCIAL_HOSTS = {
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.me": "facebook",
    "instagram.com": "instagram",
    "linkedin.com": "linkedin",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "youtube.com": "youtube",
    "tiktok.com": "tiktok",
}


class Address(msgspec.Struct):
    """A postal address in parts. msgspec Structs (here and `Provenance`) because a lead has one address and a
    dozen provenances: built twice as fast as slotted dataclasses, and encoded three times as fast."""

    street: str | None = None
    housenumber: str | None = None
    unit: str | None = None
    postcode: str | None = None
    city: str | None = None
    state: str | None = None
    country_code: str | None = None

    @property
    def is_full(self) -> bool:
        """Street, house number and either postcode or city: enough to post a letter."""
        return bool(self.street and self.housenumber and (self.postcode or self.city))

    def formatted(self) -> str:
        """One line in the European order most of our users read: "Street 1 A, 00100 City"."""
        first = " ".join(p for p in (self.street, self.housenumber, self.unit) if p)
        second = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (first, second, self.state, self.country_code) if p)


class Provenance(msgspec.Struct):
    """Where one field's value came from: the source, the tag or page, and the rule that put it there."""

    source: str
    ref: str
    rule: str = "tag"

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "ref": self.ref, "rule": self.rule}


class Lead(msgspec.Struct):
    """One business, from any source. A msgspec Struct like its parts: a file's leads are built and encoded by
    the hundred thousand, and a Struct is made in C, three times as fast as a slotted dataclass."""

    id: str
    name: str
    source: str
    source_id: str
    lat: float | None = None
    lon: float | None = None
    category: str | None = None
    categories: list[str] = msgspec.field(default_factory=list)
    tags: dict[str, str] = msgspec.field(default_factory=dict)
    address: Address = msgspec.field(default_factory=Address)
    phones: list[str] = msgspec.field(default_factory=list)
    phones_raw: list[str] = msgspec.field(default_factory=list)
    website: str | None = None
    emails: list[str] = msgspec.field(default_factory=list)
    socials: dict[str, str] = msgspec.field(default_factory=dict)
    opening_hours: str | None = None
    brand: str | None = None
    brand_wikidata: str | None = None
    wikidata: str | None = None
    snapshot_date: str | None = None
    provenance: dict[str, Provenance] = msgspec.field(default_factory=dict)
    extra: dict[str, Any] = msgspec.field(default_factory=dict)

    @property
    def phone(self) -> str | None:
        return self.phones[0] if self.phones else (self.phones_raw[0] if self.phones_raw else None)

    @property
    def email(self) -> str | None:
        return self.emails[0] if self.emails else None

    def note(self, field_name: str, source: str, ref: str, rule: str = "tag") -> None:
        self.provenance[field_name] = Provenance(source, ref, rule)

    # --- serialisation -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Nested, JSON-ready form (JSON, NDJSON, GeoJSON properties): a copy the caller may change."""
        d = self._plain()
        d["categories"] = list(self.categories)
        d["tags"] = dict(self.tags)
        d["phones"] = list(self.phones)
        d["phones_raw"] = list(self.phones_raw)
        d["emails"] = list(self.emails)
        d["socials"] = dict(self.socials)
        d["extra"] = orjson.loads(orjson.dumps(self.extra)) if self.extra else {}  # a copy, never shared
        return d

    def _plain(self) -> dict[str, Any]:
        """`to_dict()` sharing the lead's own lists and dicts: for serialising at once."""
        a = self.address
        return {
            "id": self.id,
            "name": self.name,
            "source": self.source,
            "source_id": self.source_id,
            "lat": self.lat,
            "lon": self.lon,
            "category": self.category,
            "categories": self.categories,
            "tags": self.tags,
            "address": {
                "street": a.street,
                "housenumber": a.housenumber,
                "unit": a.unit,
                "postcode": a.postcode,
                "city": a.city,
                "state": a.state,
                "country_code": a.country_code,
            },
            "phones": self.phones,
            "phones_raw": self.phones_raw,
            "website": self.website,
            "emails": self.emails,
            "socials": self.socials,
            "opening_hours": self.opening_hours,
            "brand": self.brand,
            "brand_wikidata": self.brand_wikidata,
            "wikidata": self.wikidata,
            "snapshot_date": self.snapshot_date,
            "provenance": {k: {"source": v.source, "ref": v.ref, "rule": v.rule} for k, v in self.provenance.items()},
            "extra": self.extra,
        }

    def to_json(self) -> bytes:
        """`to_dict()` as JSON bytes. msgspec encodes the Structs directly, fields in declaration order (the order
        of `to_dict`): a fifth of the time of building a plain dict for orjson, and the same bytes."""
        return _ENCODER.encode(self)

    def json_into(self, out: bytearray) -> None:
        """`to_json()` appended to `out`: no bytes object per lead when many are written at once."""
        _ENCODER.encode_into(self, out, -1)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Lead:
        d = dict(d)
        d["address"] = Address(**{k: d.get("address", {}).get(k) for k in ADDRESS_PARTS})
        d["provenance"] = {k: Provenance(**v) for k, v in (d.get("provenance") or {}).items()}
        names = set(cls.__struct_fields__)
        return cls(**{k: v for k, v in d.items() if k in names})

    def to_row(self) -> dict[str, Any]:
        """Flat form with plain column names (CSV, XLSX, Parquet); nested parts as JSON text."""
        row: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "categories": ";".join(self.categories),
            "phone": self.phone,
            "phones": ";".join(self.phones),
            "phones_raw": ";".join(self.phones_raw),
            "website": self.website,
            "email": self.email,
            "emails": ";".join(self.emails),
            "address": self.address.formatted() or None,
        }
        for part in ADDRESS_PARTS:
            row[part] = getattr(self.address, part)
        for net in SOCIAL_NETWORKS:
            row[net] = self.socials.get(net)
        row.update(
            {
                "opening_hours": self.opening_hours,
                "lat": self.lat,
                "lon": self.lon,
                "brand": self.brand,
                "brand_wikidata": self.brand_wikidata,
                "wikidata": self.wikidata,
                "source": self.source,
                "source_id": self.source_id,
                "snapshot_date": self.snapshot_date,
                "socials": _json(self.socials),
                "tags": _json(self.tags),
                "provenance": _json({k: v.as_dict() for k, v in self.provenance.items()}),
                "extra": _json(self.extra),
            }
        )
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Lead:
        """Inverse of `to_row`; tolerant of missing columns and of empty strings from CSV."""

        def s(key: str) -> str | None:
            v = row.get(key)
            if v is None or (isinstance(v, float) and v != v):
                return None
            v = str(v)
            return v if v != "" else None

        def lst(key: str) -> list[str]:
            v = s(key)
            return [p for p in v.split(";") if p] if v else []

        def num(key: str) -> float | None:
            v = s(key)
            return float(v) if v is not None else None

        socials = _unjson(s("socials")) or {n: s(n) for n in SOCIAL_NETWORKS if s(n)}
        return cls(
            id=s("id") or "",
            name=s("name") or "",
            source=s("source") or "file",
            source_id=s("source_id") or (s("id") or ""),
            lat=num("lat"),
            lon=num("lon"),
            category=s("category"),
            categories=lst("categories"),
            tags=_unjson(s("tags")) or {},
            address=Address(**{p: s(p) for p in ADDRESS_PARTS}),
            phones=lst("phones") or ([p] if (p := s("phone")) and p.startswith("+") else []),
            phones_raw=lst("phones_raw"),
            website=s("website"),
            emails=lst("emails") or ([e] if (e := s("email")) else []),
            socials=socials,
            opening_hours=s("opening_hours"),
            brand=s("brand"),
            brand_wikidata=s("brand_wikidata"),
            wikidata=s("wikidata"),
            snapshot_date=s("snapshot_date"),
            provenance={k: Provenance(**v) for k, v in (_unjson(s("provenance")) or {}).items()},
            extra=_unjson(s("extra")) or {},
        )


def _json(value: Any) -> str | None:
    return orjson.dumps(value).decode() if value else None


def _unjson(text: str | None) -> Any:
    return orjson.loads(text) if text else None


ROW_COLUMNS: tuple[str, ...] = tuple(Lead(id="", name="", source="", source_id="").to_row().keys())

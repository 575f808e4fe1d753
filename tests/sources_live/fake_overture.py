"""Overture places GeoParquet written by the tests, in Overture's schema, from real OSM objects of Helsinki;
and a fake S3 release bucket (ListObjectsV2 XML + Range requests) serving such files on 127.0.0.1."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from aiohttp import web

from .fake_osm import helsinki_elements, point_of

NAMES = pa.struct([("primary", pa.string()), ("common", pa.map_(pa.string(), pa.string()))])
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("geometry", pa.binary()),
        (
            "bbox",
            pa.struct(
                [
                    ("xmin", pa.float32()),
                    ("xmax", pa.float32()),
                    ("ymin", pa.float32()),
                    ("ymax", pa.float32()),
                ]
            ),
        ),
        ("version", pa.int32()),
        (
            "sources",
            pa.list_(
                pa.struct(
                    [
                        ("property", pa.string()),
                        ("dataset", pa.string()),
                        ("record_id", pa.string()),
                        ("update_time", pa.string()),
                        ("confidence", pa.float64()),
                    ]
                )
            ),
        ),
        ("names", NAMES),
        ("categories", pa.struct([("primary", pa.string()), ("alternate", pa.list_(pa.string()))])),
        ("confidence", pa.float64()),
        ("websites", pa.list_(pa.string())),
        ("socials", pa.list_(pa.string())),
        ("emails", pa.list_(pa.string())),
        ("phones", pa.list_(pa.string())),
        ("brand", pa.struct([("wikidata", pa.string()), ("names", NAMES)])),
        (
            "addresses",
            pa.list_(
                pa.struct(
                    [
                        ("freeform", pa.string()),
                        ("locality", pa.string()),
                        ("postcode", pa.string()),
                        ("region", pa.string()),
                        ("country", pa.string()),
                    ]
                )
            ),
        ),
        ("operating_status", pa.string()),
    ]
)
# OSM amenity/shop value -> Overture primary category (and an alternate), as Overture names them
OVERTURE_OF = {
    "cafe": ("coffee_shop", ["cafe"]),
    "restaurant": ("restaurant", []),
    "dentist": ("dentist", ["general_dentistry"]),
    "hairdresser": ("hair_salon", ["barber"]),
    "pharmacy": ("pharmacy", ["drugstore"]),
    "bar": ("bar", ["cocktail_bar"]),
    "clothes": ("clothing_store", []),
}
CUISINE = {"italian": "italian_restaurant", "sushi": "sushi_restaurant", "thai": "thai_restaurant"}


def overture_rows(seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for el in helsinki_elements():
        tags = el["tags"]
        value = tags.get("amenity") or tags.get("shop")
        if value not in OVERTURE_OF:
            continue
        primary, alternates = OVERTURE_OF[value]
        if value == "restaurant" and tags.get("cuisine") in CUISINE:
            primary, alternates = CUISINE[tags["cuisine"]], ["restaurant"]
        lon, lat = point_of(el)
        street = " ".join(p for p in (tags.get("addr:street"), tags.get("addr:housenumber")) if p)
        rows.append(
            {
                "id": f"08f{el['id']:013x}",
                "geometry": shapely.to_wkb(shapely.Point(lon, lat)),
                "bbox": {"xmin": lon, "xmax": lon, "ymin": lat, "ymax": lat},
                "version": 1,
                "sources": [
                    {
                        "property": "",
                        "dataset": rng.choice(["meta", "Microsoft"]),
                        "record_id": str(el["id"]),
                        "update_time": "2025-05-01T00:00:00Z",
                        "confidence": 0.9,
                    }
                ],
                "names": {"primary": tags["name"], "common": [("fi", tags["name"])]},
                "categories": {"primary": primary, "alternate": alternates},
                "confidence": round(rng.uniform(0.2, 0.99), 3),
                "websites": [tags["website"]] if tags.get("website") else None,
                "socials": [f"https://www.facebook.com/{el['id']}"] if rng.random() < 0.5 else None,
                "emails": [tags["email"]] if tags.get("email") else None,
                "phones": [tags["phone"]] if tags.get("phone") else None,
                "brand": {
                    "wikidata": tags["brand:wikidata"],
                    "names": {"primary": tags.get("brand"), "common": None},
                }
                if tags.get("brand:wikidata")
                else None,
                "addresses": [
                    {
                        "freeform": street or None,
                        "locality": tags.get("addr:city"),
                        "postcode": tags.get("addr:postcode"),
                        "region": None,
                        "country": "FI",
                    }
                ],
                "operating_status": "permanently_closed" if rng.random() < 0.03 else "open",
            }
        )
    rows.sort(key=lambda r: (r["bbox"]["xmin"], r["bbox"]["ymin"]))  # spatially sorted, like Overture's files
    return rows


def write_places(path: Path, rows: list[dict[str, Any]], row_group_size: int = 64) -> Path:
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    xs = [r["bbox"]["xmin"] for r in rows] or [0.0]
    ys = [r["bbox"]["ymin"] for r in rows] or [0.0]
    geo = {
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {
            "geometry": {
                "encoding": "WKB",
                "geometry_types": ["Point"],
                "bbox": [min(xs), min(ys), max(xs), max(ys)],
            }
        },
    }
    table = table.replace_schema_metadata({b"geo": orjson.dumps(geo)})
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=row_group_size, compression="zstd")
    return path


class FakeRelease:
    """An S3-style bucket: GET /?list-type=2&prefix=... lists keys, GET /<key> serves bytes (Range)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bytes_served = 0
        self.server: Any = None

    def install(self, server: Any) -> FakeRelease:
        server.route("GET", "/", self.listing)
        server.route("GET", "/{key:.+}", self.object)
        self.server = server
        return self

    @property
    def url(self) -> str:
        return f"{self.server.url}/release"

    async def listing(self, request: web.Request) -> web.Response:
        prefix = request.query.get("prefix", "")
        delimiter = request.query.get("delimiter")
        keys = sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())
        keys = [k for k in keys if k.startswith(prefix)]
        contents, prefixes = [], set()
        for key in keys:
            rest = key[len(prefix) :]
            if delimiter and delimiter in rest:
                prefixes.add(prefix + rest.split(delimiter)[0] + delimiter)
            else:
                contents.append(f"<Contents><Key>{key}</Key><Size>{(self.root / key).stat().st_size}</Size></Contents>")
        common = "".join(f"<CommonPrefixes><Prefix>{p}</Prefix></CommonPrefixes>" for p in sorted(prefixes))
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<Name>overture</Name><Prefix>{prefix}</Prefix><KeyCount>{len(contents)}</KeyCount>"
            f"<IsTruncated>false</IsTruncated>{''.join(contents)}{common}</ListBucketResult>"
        )
        return web.Response(text=xml, content_type="application/xml")

    async def object(self, request: web.Request) -> web.StreamResponse:
        path = self.root / request.match_info["key"]
        if not path.is_file():
            return web.Response(status=404, text="<Error><Code>NoSuchKey</Code></Error>")
        data = path.read_bytes()
        rng = request.http_range
        chunk = data[rng.start or 0 : rng.stop]
        self.bytes_served += len(chunk)
        if request.headers.get("Range"):
            start = rng.start or 0
            headers = {"Content-Range": f"bytes {start}-{start + len(chunk) - 1}/{len(data)}"}
            return web.Response(status=206, body=chunk, headers=headers)
        return web.Response(body=data)

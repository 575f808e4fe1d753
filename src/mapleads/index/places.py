"""Named areas in an index: the .pbf source's `Place` records, stored at build time and read back as its
`PlaceCatalog`, so "--in Kamppi" resolves from an index exactly as from the file (same rules for incomplete
boundaries, same ambiguity reports)."""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from mapleads.sources.pbf.places import Place, PlaceCatalog

AREAS_SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("kind", pa.string()),
        ("admin_level", pa.string()),
        ("fields", pa.string()),  # every other Place field, JSON
        ("geometry", pa.binary()),  # WKB, null when the place has no usable area
    ]
)
_TUPLES = ("names", "label")


#: the fields stored as JSON, in the dataclass's order, and a getter of their values
_FIELDS = tuple(f.name for f in dataclasses.fields(Place) if f.name != "wkb")
_values = attrgetter(*_FIELDS)


def write_places(path: Path, places: list[Place]) -> int:
    columns = {
        "name": [p.name for p in places],
        "kind": [p.kind for p in places],
        "admin_level": [p.admin_level for p in places],
        "fields": [orjson.dumps(dict(zip(_FIELDS, _values(p), strict=True))).decode() for p in places],
        "geometry": [p.wkb for p in places],
    }
    pq.write_table(pa.Table.from_pydict(columns, schema=AREAS_SCHEMA), path, compression="zstd")
    return len(places)


def read_places(path: Path) -> list[Place]:
    table = pq.read_table(path, columns=["fields", "geometry"])
    places = []
    for fields_json, wkb in zip(table.column("fields").to_pylist(), table.column("geometry").to_pylist(), strict=True):
        fields: dict[str, Any] = orjson.loads(fields_json)
        for name in _TUPLES:
            if fields.get(name) is not None:
                fields[name] = tuple(fields[name])
        places.append(Place(**fields, wkb=wkb))
    return places


def catalog_from(path: Path, data_box: list[float] | None) -> PlaceCatalog:
    box = (data_box[0], data_box[1], data_box[2], data_box[3]) if data_box else None
    return PlaceCatalog(read_places(path), box)


def knows_place(catalog: PlaceCatalog, text: str) -> bool:
    """Whether a name, "name, parent" (or ref like "relation/123") means a place of this catalog, ambiguous or not."""
    return catalog.knows(text)

"""Copies of a real .pbf with a few businesses opened, changed and closed: a "newer snapshot" for updates."""

from __future__ import annotations

from pathlib import Path

import osmium
from osmium.osm.mutable import Node

NEW_NODE_ID = 9_000_000_001


def edited_copy(
    src: Path,
    dst: Path,
    timestamp: str,
    *,
    drop: set[int] = frozenset(),  # type: ignore[assignment]
    rename: dict[int, str] | None = None,
    add_cafe_at: tuple[float, float] | None = None,
) -> Path:
    """Nodes in `drop` removed, nodes in `rename` renamed, and one new named cafe (lon, lat) added."""
    header = osmium.io.Header()
    header.set("osmosis_replication_timestamp", timestamp)
    with osmium.io.Reader(str(src), osmium.osm.NOTHING) as reader:  # keep the extract's bbox, as Geofabrik does
        header.add_box(reader.header().box())
    rename = rename or {}
    added = add_cafe_at is None
    with osmium.SimpleWriter(str(dst), header=header, overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(src)):
            if not obj.is_node() and not added:
                writer.add_node(_cafe(add_cafe_at))  # type: ignore[arg-type]
                added = True
            if obj.is_node() and obj.id in drop:
                continue
            if obj.is_node() and obj.id in rename:
                tags = dict(obj.tags)
                tags["name"] = rename[obj.id]
                writer.add_node(obj.replace(tags=tags))
                continue
            writer.add(obj)
    return dst


def _cafe(lon_lat: tuple[float, float]) -> Node:
    return Node(
        id=NEW_NODE_ID,
        location=lon_lat,
        version=1,
        tags={"amenity": "cafe", "name": "Uusi Kahvila", "addr:street": "Testikatu", "addr:housenumber": "1"},
    )

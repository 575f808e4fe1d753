"""Build a large, realistic .osm.pbf for benchmarks by tiling a real extract N times on a grid.

Usage: python bench/tile_pbf.py IN.osm.pbf OUT.osm.pbf N [COLS] [POI_EVERY]

Each copy is shifted on a grid so copies never overlap; tags are kept verbatim. Ids are renumbered densely as
they are written (copy 0's nodes get 1..n, copy 1's n+1..2n, ...), so node-location indexes stay small, the file
stays sorted by type and id like a real extract, and no separate `osmium renumber` step is needed. Members that are
missing from the input (relations clipped at the extract's edge) stay missing in every copy. The header declares
the tiled bounding box and the sort order, as every Geofabrik extract's header does.
With POI_EVERY=K only every K-th copy keeps its business keys: a "country-like" file with 1/K of the density.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import osmium
from osmium.osm.mutable import Node, Relation, Way

POI_KEYS = frozenset({"amenity", "shop", "office", "craft", "tourism", "healthcare", "leisure", "club"})


@dataclass
class Extract:
    nodes: list[tuple[int, float, float, dict[str, str], int, object]] = field(default_factory=list)
    ways: list[tuple[int, list[int], dict[str, str], int, object]] = field(default_factory=list)
    rels: list[tuple[int, list[tuple[str, int, str]], dict[str, str], int, object]] = field(default_factory=list)
    bounds: list[float] = field(default_factory=lambda: [180.0, 90.0, -180.0, -90.0])


def load(path: str) -> Extract:
    ex = Extract()
    b = ex.bounds
    for obj in osmium.FileProcessor(path):
        tags = dict(obj.tags)
        if obj.is_node():
            lon, lat = obj.location.lon, obj.location.lat
            b[0], b[1], b[2], b[3] = min(b[0], lon), min(b[1], lat), max(b[2], lon), max(b[3], lat)
            ex.nodes.append((obj.id, lon, lat, tags, obj.version, obj.timestamp))
        elif obj.is_way():
            ex.ways.append((obj.id, [n.ref for n in obj.nodes], tags, obj.version, obj.timestamp))
        elif obj.is_relation():
            members = [(m.type, m.ref, m.role) for m in obj.members]
            ex.rels.append((obj.id, members, tags, obj.version, obj.timestamp))
    return ex


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    src, dst, copies = argv[0], argv[1], int(argv[2])
    cols = int(argv[3]) if len(argv) > 3 else 10
    poi_every = int(argv[4]) if len(argv) > 4 else 1
    ex = load(src)
    # dense new ids: position in the input, per type; missing members get ids after every real one
    index = {
        "n": {old[0]: i for i, old in enumerate(ex.nodes)},
        "w": {old[0]: i for i, old in enumerate(ex.ways)},
        "r": {old[0]: i for i, old in enumerate(ex.rels)},
    }
    for _, refs, *_ in ex.ways:
        for ref in refs:
            index["n"].setdefault(ref, len(index["n"]))
    for _, members, *_ in ex.rels:
        for mtype, ref, _role in members:
            index[mtype].setdefault(ref, len(index[mtype]))
    span = {t: len(m) for t, m in index.items()}
    dx = (ex.bounds[2] - ex.bounds[0]) * 1.05
    dy = (ex.bounds[3] - ex.bounds[1]) * 1.05

    def new_id(mtype: str, old: int, k: int) -> int:
        return k * span[mtype] + index[mtype][old] + 1

    def tags_for(tags: dict[str, str], k: int) -> dict[str, str]:
        return tags if k % poi_every == 0 else {t: v for t, v in tags.items() if t not in POI_KEYS}

    rows = -(-copies // cols)
    header = osmium.io.Header()
    header.set("generator", "mapleads bench/tile_pbf.py")
    header.set("sorting", "Type_then_ID")  # written so, and declared, as Geofabrik's extracts are
    header.add_box(
        osmium.osm.Box(
            osmium.osm.Location(ex.bounds[0], ex.bounds[1]),
            osmium.osm.Location(ex.bounds[2] + (min(copies, cols) - 1) * dx, ex.bounds[3] + (rows - 1) * dy),
        )
    )
    writer = osmium.SimpleWriter(dst, overwrite=True, header=header)
    try:
        for k in range(copies):
            ox, oy = (k % cols) * dx, (k // cols) * dy
            for oid, lon, lat, tags, version, ts in ex.nodes:
                writer.add_node(
                    Node(
                        id=new_id("n", oid, k),
                        location=(lon + ox, lat + oy),
                        tags=tags_for(tags, k),
                        version=version,
                        timestamp=ts,
                    )
                )
        for k in range(copies):
            for oid, refs, tags, version, ts in ex.ways:
                writer.add_way(
                    Way(
                        id=new_id("w", oid, k),
                        nodes=[new_id("n", r, k) for r in refs],
                        tags=tags_for(tags, k),
                        version=version,
                        timestamp=ts,
                    )
                )
        for k in range(copies):
            for oid, members, tags, version, ts in ex.rels:
                mems = [(t, new_id(t, r, k), role) for t, r, role in members]
                writer.add_relation(
                    Relation(
                        id=new_id("r", oid, k),
                        members=mems,
                        tags=tags_for(tags, k),
                        version=version,
                        timestamp=ts,
                    )
                )
    finally:
        writer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

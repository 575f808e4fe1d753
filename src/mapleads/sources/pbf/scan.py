"""The streaming pass over a .pbf file that collects business candidates and address carriers.

Memory model: libosmium keeps one node-location index (setting `node_locations`; `flex_mem` switches from a
sparse to a dense array as the file grows, a `*_file_array` keeps it on disk) so way geometries can be built;
Python holds only the candidates: named business objects (their tags and a WKB geometry) and address carriers
(a few strings and coordinates each). Everything else streams past in C++, filtered by libosmium's KeyFilter,
and is never turned into a Python object. Nothing is loaded whole into RAM.

Ways arrive after nodes and relations after ways, so multipolygon relations (a few per city) need their member
ways from one extra ways-only pass, whose node coordinates come from the location index of the first pass.
"""

from __future__ import annotations

import os
import struct
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from sys import intern
from typing import Any, TypeVar, cast

import msgspec
import osmium
from msgspec.structs import astuple
from osmium.filter import GeoInterfaceFilter, IdFilter, KeyFilter

from mapleads.settings import get_settings
from mapleads.sources.base import Progress
from mapleads.sources.pbf.blocks import BlockRuns, block_runs, buffers, reader
from mapleads.sources.pbf.place_objects import PlaceObjects
from mapleads.sources.pbf.reader import READ_ERRORS, ReadPosition, corrupt
from mapleads.taxonomy import BUSINESS_KEYS, Taxonomy

NODE, WAY, RELATION = 0, 1, 2
KINDS = ("node", "way", "relation")
AREA_RELATION_TYPES = frozenset({"multipolygon", "boundary"})
ALL_KINDS: frozenset[type] = frozenset({osmium.osm.Node, osmium.osm.Way, osmium.osm.Relation})

#: (street, housenumber, unit, postcode, city, country)
AddressTuple = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


class Candidate(msgspec.Struct, gc=False):
    """A named business object. Its tags are held as two tuples, the keys shared by every candidate with the
    same key set (`TagStore`): a dict per candidate with its own key strings was half the scan's memory.
    A msgspec Struct made in C and never tracked by the garbage collector (it holds no cycles): a scan makes a
    million of these (and of `AddressCarrier`s, tens of thousands), and a shared scan reads half of them again."""

    kind: int
    osm_id: int
    keys: tuple[str, ...]
    values: tuple[str, ...]
    categories: tuple[str, ...]
    #: its own address parts, read once in the scan (completion starts from them)
    address: AddressTuple
    #: (a node's location is in the scan's `CandidateColumns`; ways and relations get a point from their shape)
    wkb: bytes | None = None  # ways: the way as a WKB linestring
    members: list[tuple[int, str]] | None = None  # relations: (way id, role)

    @property
    def tags(self) -> dict[str, str]:
        return dict(zip(self.keys, self.values))  # noqa: B905  # equal lengths by construction (TagStore)


class TagStore:
    """One tuple of key strings per distinct key set: businesses share a few thousand key sets, so the key strings
    of a million candidates are held a few thousand times."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, ...], tuple[str, ...]] = {}

    def candidate(
        self,
        kind: int,
        osm_id: int,
        tags: dict[str, str],
        categories: tuple[str, ...],
        address: AddressTuple,
        *,
        wkb: bytes | None = None,
        members: list[tuple[int, str]] | None = None,
    ) -> Candidate:
        keys = tuple(tags)
        keys = self._keys.setdefault(keys, keys)
        # values repeat too ("yes", a city, a street, opening hours): one string each
        values = tuple(map(intern, tags.values()))
        return Candidate(kind, osm_id, keys, values, categories, address, wkb, members)


class AddressCarrier(msgspec.Struct, gc=False):
    """A way or relation with an address, which businesses inside it may take (the address nodes are columns of
    their own, `AddressPoints`)."""

    kind: int
    osm_id: int
    address: AddressTuple
    wkb: bytes | None = None
    members: list[tuple[int, str]] | None = None


@dataclass(slots=True)
class AddressPoints:
    """The address nodes as columns: ids and coordinates in arrays, which cross between processes as bytes and
    become NumPy arrays without a copy; a record each (`AddressCarrier`, 120 bytes) cost a tiled city's scan
    0.07 s to hand over, and a pass to gather the coordinates again."""

    ids: array[int] = field(default_factory=lambda: array("q"))
    lons: array[float] = field(default_factory=lambda: array("d"))
    lats: array[float] = field(default_factory=lambda: array("d"))
    addresses: list[AddressTuple] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def __add__(self, other: AddressPoints) -> AddressPoints:
        return AddressPoints(
            self.ids + other.ids, self.lons + other.lons, self.lats + other.lats, self.addresses + other.addresses
        )

    def ref(self, index: int) -> str:
        return f"node/{self.ids[index]}"

    def rows(self) -> tuple[bytes, bytes, bytes, list[AddressTuple]]:
        return self.ids.tobytes(), self.lons.tobytes(), self.lats.tobytes(), self.addresses

    @classmethod
    def from_rows(cls, rows: tuple[bytes, bytes, bytes, list[AddressTuple]]) -> AddressPoints:
        ids, lons, lats, addresses = rows
        points = cls(addresses=addresses)
        points.ids.frombytes(ids)
        points.lons.frombytes(lons)
        points.lats.frombytes(lats)
        return points


NO_LOCATION = float("nan")


@dataclass(slots=True)
class CandidateColumns:
    """Each candidate's kind and, for a node, its location (NaN for ways and relations), in arrays beside the
    candidates: placing them reads the arrays as they are (gathering 140,000 locations from the records took
    0.02 s), and they cross between processes as bytes."""

    kinds: array[int] = field(default_factory=lambda: array("b"))
    lons: array[float] = field(default_factory=lambda: array("d"))
    lats: array[float] = field(default_factory=lambda: array("d"))

    def __len__(self) -> int:
        return len(self.kinds)

    def __add__(self, other: CandidateColumns) -> CandidateColumns:
        return CandidateColumns(self.kinds + other.kinds, self.lons + other.lons, self.lats + other.lats)

    def __getitem__(self, part: slice) -> CandidateColumns:
        return CandidateColumns(self.kinds[part], self.lons[part], self.lats[part])

    def rows(self) -> tuple[bytes, bytes, bytes]:
        return self.kinds.tobytes(), self.lons.tobytes(), self.lats.tobytes()

    @classmethod
    def from_rows(cls, rows: tuple[bytes, bytes, bytes]) -> CandidateColumns:
        kinds, lons, lats = rows
        columns = cls()
        columns.kinds.frombytes(kinds)
        columns.lons.frombytes(lons)
        columns.lats.frombytes(lats)
        return columns


@dataclass(slots=True)
class ScanResult:
    candidates: list[Candidate] = field(default_factory=list)
    #: the candidates' kinds and node locations, in their order
    columns: CandidateColumns = field(default_factory=CandidateColumns)
    address_points: AddressPoints = field(default_factory=AddressPoints)
    address_areas: list[AddressCarrier] = field(default_factory=list)
    countries: Counter[str] = field(default_factory=Counter)
    latest: str | None = None
    #: way id -> WKB linestring, for relation members (filled by the second pass) and way places
    member_ways: dict[int, bytes] = field(default_factory=dict)
    #: node id -> (lon, lat) of the place labels asked for, from the location index
    label_points: dict[int, tuple[float, float]] = field(default_factory=dict)

    def rows(self) -> tuple[Any, ...]:
        """The result as plain tuples, lists and dicts (`from_rows` makes it again), for `marshal`: a shared scan's
        million candidates cross between processes, and marshal writes and reads them in about 70 % of pickle's
        time (0.26 s and 0.12 s for all of the benchmark file's). Shared key tuples stay shared, interned strings
        come back interned."""
        return (
            list(map(astuple, self.candidates)),
            self.columns.rows(),
            self.address_points.rows(),
            list(map(astuple, self.address_areas)),
            dict(self.countries),
            self.latest,
            self.member_ways,
            self.label_points,
        )

    @classmethod
    def from_rows(cls, rows: tuple[Any, ...]) -> ScanResult:
        candidates, columns, points, areas, countries, latest, member_ways, label_points = rows
        return cls(
            [Candidate(*row) for row in candidates],
            CandidateColumns.from_rows(columns),
            AddressPoints.from_rows(points),
            [AddressCarrier(*row) for row in areas],
            Counter(countries),
            latest,
            member_ways,
            label_points,
        )


def address_tuple(tags: Mapping[str, str]) -> AddressTuple:
    """The address parts a carrier lends; streets, postcodes and cities repeat, so each is held once."""
    street = tags.get("addr:street") or tags.get("addr:place")
    postcode = tags.get("addr:postcode")
    city = tags.get("addr:city")
    return (
        intern(street) if street else None,
        tags.get("addr:housenumber"),
        tags.get("addr:unit"),
        intern(postcode) if postcode else None,
        intern(city) if city else None,
        (tags.get("addr:country") or "").upper() or None,
    )


F = TypeVar("F", bound=osmium.BaseFilter)


def only_for(filt: F, entities: osmium.osm.osm_entity_bits) -> F:
    """The filter, applied to these entity types only (others pass it untouched)."""
    filt.enable_for(entities)
    return filt


def _way_wkb(factory: osmium.geom.WKBFactory, way: osmium.osm.Way) -> bytes | None:
    """The way as WKB; ways cut at the extract's edge keep the nodes that are there."""
    try:
        return bytes.fromhex(factory.create_linestring(way))
    except READ_ERRORS:
        return _cut_way_wkb(way)


#: a little-endian WKB LineString's start: byte order, geometry type (2), then its number of points
_LINESTRING_WKB = struct.Struct("<BII")


def _cut_way_wkb(way: osmium.osm.Way) -> bytes | None:
    """The WKB LineString of the way's nodes that have a location (None below two), written here: each location
    read once, and no shapely geometry made on the way (a tiled city's 1,500 cut ways took 44 µs each, now
    24)."""
    coords: list[float] = []
    for node in way.nodes:
        location = node.location
        if location.valid():
            coords += (location.lon, location.lat)
    points = len(coords) // 2
    if points < 2:
        return None
    return _LINESTRING_WKB.pack(1, 2, points) + struct.pack(f"<{len(coords)}d", *coords)


@dataclass(slots=True)
class ScanShare:
    """What one process's share of a scan found, before the shares are joined."""

    result: ScanResult
    latest: datetime | None = None
    relation_ways: set[int] = field(default_factory=set)
    places: PlaceObjects | None = None


class OutOfOrder(Exception):
    """An object of a kind its share of the file's blocks should not hold: the file is not sorted by type."""


class Scanner:
    """The scan's rules for each object a pass hands over; one per share of the file.

    `kinds`: the kinds of object this share's blocks may hold (an object of another kind raises `OutOfOrder`).
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        categories: Iterable[str] | None,
        bbox: tuple[float, float, float, float] | None,
        dated: bool,
        places: PlaceObjects | None,
        kinds: frozenset[type] = ALL_KINDS,
    ) -> None:
        self.share = ScanShare(ScanResult(), places=places)
        self.taxonomy, self.bbox, self.dated, self.kinds = taxonomy, bbox, dated, kinds
        self.wanted = set(categories) if categories is not None else None
        self.store = TagStore()

    def handlers(self, locations: osmium.NodeLocationsForWays | None = None) -> list[osmium.BaseHandler]:
        """The C++ filters (and the location index's handler) in front of `feed`: objects no rule reads never
        become Python objects. Keep the list while reading: the iterator does not keep its handlers alive."""
        places = self.share.places

        def wanted() -> list[osmium.BaseFilter]:
            return [
                # (name or address) and (business or address) = a named business or an address carrier: unnamed
                # benches, bins and parking never reach Python. The two-key test first: each key is a pass over the
                # object's tags, and most tagged objects (unnamed buildings, crossings, trees) fail it
                KeyFilter("name", "addr:housenumber"),
                KeyFilter(*BUSINESS_KEYS, "addr:housenumber", *(("place", "boundary") if places is not None else ())),
            ]

        # nodes' tags and coordinates as one dict built in C++: ten times faster than reading a TagList
        tags = only_for(GeoInterfaceFilter(True), osmium.osm.NODE)
        if locations is None:
            return [*wanted(), tags]
        # every node goes into the index; only the ways that pass have their nodes looked up (and are not tested
        # again after it)
        others = osmium.osm.NODE | osmium.osm.RELATION
        return [
            *(only_for(f, osmium.osm.WAY) for f in wanted()),
            locations,
            *(only_for(f, others) for f in wanted()),
            tags,
        ]

    def feed(self, objects: osmium.OsmFileIterator, position: ReadPosition | None = None) -> None:
        share, result, store, places, wanted = self.share, self.share.result, self.store, self.share.places, self.wanted
        factory = osmium.geom.WKBFactory()
        classify = self.taxonomy.classify
        dated, kinds = self.dated, self.kinds
        w, s, e, n = self.bbox if self.bbox else (-180.0, -90.0, 180.0, 90.0)
        # a margin so address carriers just outside the area can still complete addresses inside it
        mw, ms, me, mn = (w - 0.001, s - 0.001, e + 0.001, n + 0.001) if self.bbox else (w, s, e, n)
        latest = share.latest
        tick = 0
        # looked up once, not per object: a scan hands over a million of them
        Node, Way, Relation = osmium.osm.Node, osmium.osm.Way, osmium.osm.Relation
        points = result.address_points
        add_point_id, add_point_lon, add_point_lat = points.ids.append, points.lons.append, points.lats.append
        add_point, add_area = points.addresses.append, result.address_areas.append
        add_candidate, new_candidate = result.candidates.append, store.candidate
        columns = result.columns
        add_kind, add_lon, add_lat = columns.kinds.append, columns.lons.append, columns.lats.append
        for obj in objects:
            if type(obj) not in kinds:
                raise OutOfOrder(f"{type(obj).__name__} {obj.id}")
            tick += 1
            if position is not None and not tick & 0x3FFF:
                position.report()
            # every object read counts, so the date is the file's whatever area or category the query asked for
            stamp = obj.timestamp if dated else None  # type: ignore[union-attr]
            if stamp is not None and (latest is None or stamp > latest):
                latest = stamp
            if isinstance(obj, Node):
                feature = obj.__geo_interface__  # type: ignore[attr-defined]  # added by GeoInterfaceFilter
                tags = feature["properties"]
                lon, lat = feature["geometry"]["coordinates"]
                if places is not None and "place" in tags:
                    places.add_node(obj.id, tags, lon, lat)
                if not (mw <= lon <= me and ms <= lat <= mn):
                    continue
                osm_id = obj.id
                has_address = "addr:housenumber" in tags
                address = address_tuple(tags) if has_address else None
                if address is not None:
                    add_point_id(osm_id)
                    add_point_lon(lon)
                    add_point_lat(lat)
                    add_point(address)
                if "name" in tags and w <= lon <= e and s <= lat <= n:
                    cats = classify(tags)
                    if cats is not None and (wanted is None or not wanted.isdisjoint(cats)):
                        own = address or address_tuple(tags)
                        add_candidate(new_candidate(NODE, osm_id, tags, cats, own))
                        add_kind(NODE)
                        add_lon(lon)
                        add_lat(lat)
            elif isinstance(obj, Way):
                otags = obj.tags
                has_address = "addr:housenumber" in otags and obj.is_closed()
                named = "name" in otags
                if not (has_address or named):
                    continue
                # a dict of all its tags only for what may become a lead: a named way with a business key (a TagList
                # is read in Python, 15 µs a way; half the named ways of a city are buildings with an address and
                # no business); of the others' TagList only `in` and .get are asked
                tags = cast("dict[str, str]", otags)
                if places is not None and places.is_way_place(tags, obj.is_closed()):
                    places.add_way(obj.id, tags)
                    if (line := _way_wkb(factory, obj)) is not None:
                        result.member_ways[obj.id] = line
                business = named and any(map(otags.__contains__, BUSINESS_KEYS))
                if business:
                    tags = dict(otags)
                way_cats = classify(tags) if business else None
                if way_cats is not None and wanted is not None and wanted.isdisjoint(way_cats):
                    way_cats = None
                if way_cats is None and not has_address:
                    continue
                wkb = _way_wkb(factory, obj)
                if wkb is None:
                    continue
                address = address_tuple(tags)
                if has_address:
                    add_area(AddressCarrier(WAY, obj.id, address, wkb=wkb))
                if way_cats is not None:
                    add_candidate(new_candidate(WAY, obj.id, tags, way_cats, address, wkb=wkb))
                    add_kind(WAY)
                    add_lon(NO_LOCATION)
                    add_lat(NO_LOCATION)
            elif isinstance(obj, Relation):
                otags = obj.tags
                is_area = otags.get("type") in AREA_RELATION_TYPES
                named_place = places is not None and "name" in otags
                if not (is_area or named_place):
                    continue
                tags = dict(otags)  # once: reading a TagList is slow
                if places is not None and named_place:
                    places.add_relation(obj.id, tags, ((m.type, m.ref, m.role) for m in obj.members))
                if not is_area:
                    continue
                has_address = "addr:housenumber" in tags
                rel_cats = classify(tags) if "name" in tags else None
                if rel_cats is not None and wanted is not None and wanted.isdisjoint(rel_cats):
                    rel_cats = None
                members = [(m.ref, m.role) for m in obj.members if m.type == "w"]
                if not members or (rel_cats is None and not has_address):
                    continue
                share.relation_ways.update(ref for ref, _ in members)
                address = address_tuple(tags)
                if has_address:
                    result.address_areas.append(AddressCarrier(RELATION, obj.id, address, members=members))
                if rel_cats is not None:
                    add_candidate(new_candidate(RELATION, obj.id, tags, rel_cats, address, members=members))
                    add_kind(RELATION)
                    add_lon(NO_LOCATION)
                    add_lat(NO_LOCATION)
                continue
            if has_address and (country := tags.get("addr:country")):
                result.countries[country.upper()] += 1
        share.latest = latest


def scan(
    path: Path,
    taxonomy: Taxonomy,
    categories: Iterable[str] | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    progress: Progress | None = None,
    dated: bool = True,
    places: PlaceObjects | None = None,
    places_read: Callable[[dict[int, bytes], dict[int, tuple[float, float]]], None] | None = None,
) -> ScanResult:
    """One pass over the file (plus a ways-only pass when multipolygon candidates need their members).

    `categories` (our keys) and `bbox` (W, S, E, N) narrow the candidates early; address carriers are kept
    whatever the category, since any business may need its neighbour's address. `dated` asks for the newest
    timestamp of the objects read as the snapshot date (needless when the file's header states one). `places`,
    when given, collects the file's place objects in the same pass (their lines and labels land in the result);
    `places_read(lines, label_points)` is then called as soon as they are complete (the lines as WKB by way id),
    before a shared scan's candidates are loaded, so what is built from them can start meanwhile.
    A large sorted file is read by two processes (`mapleads.sources.pbf.shared_scan`).
    """
    from mapleads.sources.pbf.shared_scan import scan_shared

    runs = block_runs(path)

    def share_scanner(kinds: frozenset[type]) -> Scanner:
        """A scanner for one process's share (its places joined into `places` afterwards)."""
        return Scanner(taxonomy, categories, bbox, dated, PlaceObjects() if places is not None else None, kinds)

    label_points: dict[int, tuple[float, float]] = {}
    try:
        read = scan_shared(path, runs, share_scanner, progress)
        if read is None:
            scanner = Scanner(taxonomy, categories, bbox, dated, places)
            read = _scan_alone(path, scanner, new_locations(), progress)
        elif places is not None and read.places is not None:
            places.absorb(read.places)
        relation_ways = read.relation_ways
        if places is not None:
            relation_ways |= places.way_ids() - read.way_lines.keys()
            label_points = _points_of(places.label_ids(), read.locations)
        relation_ways -= read.searched
        member_ways = read_member_ways(path, runs, relation_ways, read.locations) if relation_ways else {}
        member_ways.update(read.member_ways)
        read.locations = None  # the index goes before the findings of a shared scan are loaded
        if places_read is not None:
            places_read({**read.way_lines, **member_ways}, label_points)
        found = read.findings()
    except READ_ERRORS as exc:
        raise corrupt(path, exc) from None
    result = found.result
    result.member_ways.update(member_ways)
    result.label_points = label_points
    result.latest = found.latest.date().isoformat() if found.latest is not None else None
    return result


def new_locations() -> osmium.index.LocationTable:
    """An empty node-location index of the kind the `node_locations` setting names."""
    return osmium.index.create_map(get_settings().node_locations)


def location_filler(locations: object) -> osmium.NodeLocationsForWays:
    """The handler that puts nodes into `locations` and gives ways their nodes' locations from it; a way cut at
    the extract's edge keeps the nodes that are there (`_way_wkb`) instead of failing."""
    handler = osmium.NodeLocationsForWays(locations)  # type: ignore[arg-type]
    handler.ignore_errors()
    return handler


@dataclass(slots=True)
class ReadFile:
    """A file's scanning pass done: what the geometry passes after it need, and its findings when asked (a shared
    scan loads the child's findings only then, once the location index is gone)."""

    locations: osmium.index.LocationTable | None
    relation_ways: set[int]
    #: the lines of the way places the pass read
    way_lines: dict[int, bytes]
    places: PlaceObjects | None
    findings: Callable[[], ScanShare]
    #: member ways already looked for (a shared scan's child reads its relations' while this process reads the
    #: ways), and the lines of those found
    searched: set[int] = field(default_factory=set)
    member_ways: dict[int, bytes] = field(default_factory=dict)


def _scan_alone(
    path: Path, scanner: Scanner, locations: osmium.index.LocationTable, progress: Progress | None
) -> ReadFile:
    """The whole scan in this process: one pass over the file by its path."""
    position = ReadPosition(path, progress)
    handlers = scanner.handlers(location_filler(locations))
    with osmium.io.Reader(str(path)) as objects:
        scanner.feed(osmium.OsmFileIterator(objects, *handlers), position)
    position.finish()
    share = scanner.share
    return ReadFile(locations, share.relation_ways, share.result.member_ways, share.places, lambda: share)


def _points_of(node_ids: set[int], locations: object) -> dict[int, tuple[float, float]]:
    """(lon, lat) of these nodes from the pass's location index (the ones it has)."""
    get = locations.get  # type: ignore[attr-defined]
    found = {}
    for node_id in node_ids:
        try:
            loc = get(node_id)
        except (KeyError, *READ_ERRORS):
            continue
        if loc.valid():
            found[node_id] = (loc.lon, loc.lat)
    return found


def read_member_ways(
    path: Path, runs: BlockRuns | None, way_ids: set[int], locations: object, *, alone: bool = True
) -> dict[int, bytes]:
    """Geometries of relation member ways, from a ways-only pass (over the way blocks alone in a sorted file):
    libosmium fills in their node locations from the first pass's index and builds the WKB (a boundary has
    hundreds of long ways: per node in Python, this pass cost more than the scan's handling of them). `alone`:
    nothing else runs meanwhile, so every core decodes."""
    found: dict[int, bytes] = {}
    factory = osmium.geom.WKBFactory()
    fill = location_filler(locations)
    wanted = IdFilter(way_ids)  # held here: the iterator does not keep its handlers alive
    try:
        if runs is None:
            _ways_into(found, osmium.io.Reader(str(path), osmium.osm.WAY), factory, wanted, fill)
        else:
            pool = osmium.io.ThreadPool(os.cpu_count() or 1) if alone else None
            for data, _ in buffers(path, runs.way_blocks, runs.blocks[0]):
                _ways_into(found, reader(data, osmium.osm.WAY, pool), factory, wanted, fill)
    except READ_ERRORS as exc:
        raise corrupt(path, exc) from None
    return found


def _ways_into(
    found: dict[int, bytes],
    ways: osmium.io.Reader,
    factory: osmium.geom.WKBFactory,
    wanted: IdFilter,
    fill: osmium.NodeLocationsForWays,
) -> None:
    with ways:
        # the id filter first, so only the wanted ways get their locations looked up
        for way in osmium.OsmFileIterator(ways, wanted, fill):
            if isinstance(way, osmium.osm.Way) and (line := _way_wkb(factory, way)) is not None:
                found[way.id] = line

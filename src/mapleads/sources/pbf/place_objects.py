"""The raw place objects of a file (place nodes, administrative boundaries and place areas), as a pass over it
sees them: collected by the place reader's own pass, or by the lead scan in the same pass as the leads (so an
index build reads the file once)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

LABEL_ROLES = frozenset({"label", "admin_centre"})


@dataclass(slots=True)
class RawPlace:
    ref: str
    tags: dict[str, str]
    members: list[tuple[int, str]] = field(default_factory=list)
    label_nodes: list[int] = field(default_factory=list)
    point: tuple[float, float] | None = None


@dataclass(slots=True)
class PlaceObjects:
    relations: list[RawPlace] = field(default_factory=list)
    #: closed ways that are a place or an administrative area themselves
    ways: list[RawPlace] = field(default_factory=list)
    nodes: dict[int, RawPlace] = field(default_factory=dict)

    def add_node(self, osm_id: int, tags: Mapping[str, str], lon: float, lat: float) -> None:
        if "name" in tags and "place" in tags:
            self.nodes[osm_id] = RawPlace(f"node/{osm_id}", dict(tags), point=(lon, lat))

    @staticmethod
    def is_way_place(tags: Mapping[str, str], closed: bool) -> bool:
        return closed and "name" in tags and ("place" in tags or tags.get("boundary") == "administrative")

    def add_way(self, osm_id: int, tags: Mapping[str, str]) -> None:
        self.ways.append(RawPlace(f"way/{osm_id}", dict(tags), members=[(osm_id, "outer")]))

    def add_relation(self, osm_id: int, tags: Mapping[str, str], members: Iterable[tuple[str, int, str]]) -> None:
        """`members`: (type, ref, role) as in the file."""
        if "name" not in tags or not (tags.get("boundary") == "administrative" or "place" in tags):
            return
        listed = list(members)
        ways = [(ref, role) for kind, ref, role in listed if kind == "w"]
        labels = [ref for kind, ref, role in listed if kind == "n" and role in LABEL_ROLES]
        self.relations.append(RawPlace(f"relation/{osm_id}", dict(tags), ways, labels))

    def absorb(self, other: PlaceObjects) -> None:
        """Take in the places another share of the file found (a share read earlier in the file first)."""
        self.nodes.update(other.nodes)
        self.ways.extend(other.ways)
        self.relations.extend(other.relations)

    def has_areas(self) -> bool:
        """Boundaries or place areas (whose edges may need the data's extent)."""
        return bool(self.relations or self.ways)

    def way_ids(self) -> set[int]:
        """The ways whose lines the areas are made of."""
        return {ref for r in (*self.relations, *self.ways) for ref, _ in r.members}

    def label_ids(self) -> set[int]:
        """Label / admin_centre nodes that are not place nodes themselves (their points come from elsewhere)."""
        return {n for r in self.relations for n in r.label_nodes if n not in self.nodes}

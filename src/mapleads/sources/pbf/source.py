"""`PbfSource`: business leads from a local OpenStreetMap .pbf file, fully offline."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mapleads.forked import Forked
from mapleads.memory import paused_gc
from mapleads.sources.base import LeadParts, Progress, Query
from mapleads.sources.pbf.place_objects import PlaceObjects
from mapleads.sources.pbf.reader import READ_ERRORS, check_pbf, corrupt, header_timestamp
from mapleads.sources.pbf.scan import ScanResult, scan
from mapleads.taxonomy import get_taxonomy

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from mapleads.areas import Area
    from mapleads.lead import Lead
    from mapleads.sources.pbf.placement import Placement
    from mapleads.sources.pbf.places import Place


@dataclass(slots=True)
class Scanned:
    """A file read once for a query: the candidates placed and clipped, their leads built on demand, in parts if
    asked (consecutive slices in the file's order, each buildable in a process of its own: a lead's completion
    depends on the address carriers, never on other leads)."""

    result: ScanResult
    area: Area | None
    snapshot: str | None
    placement: Placement

    def __len__(self) -> int:
        return len(self.placement.chosen)

    def leads(self, part: int = 0, parts: int = 1) -> Iterator[Lead]:
        from mapleads.sources.pbf.placement import build_leads

        with paused_gc():
            yield from build_leads(self.result, self.area, self.snapshot, (part, parts), self.placement)


#: processes building a file's places side by side (a country's tens of thousands of areas, in one process, were
#: the last thing an index build waited for)
PLACE_PROCESSES = 2


class PlacesBuilding:
    """A file's places from its place objects, being built in background processes."""

    def __init__(
        self,
        objects: PlaceObjects,
        lines: dict[int, BaseGeometry],
        label_points: dict[int, tuple[float, float]],
        data_box: tuple[float, float, float, float] | None,
    ) -> None:
        from mapleads.sources.pbf.places import build_place_share

        args = (objects, lines, label_points, data_box)
        # in child processes (a thread building the areas held the GIL the lead building needs), in the background:
        # at the same priority they slowed down the two processes building the leads
        self._shares = [
            Forked(build_place_share, *args, (k, PLACE_PROCESSES), background=True) for k in range(PLACE_PROCESSES)
        ]

    def result(self) -> list[Place]:
        from mapleads.sources.pbf.places import joined_places

        return joined_places([share.result() for share in self._shares])


@dataclass(slots=True)
class WholeScan(Scanned):
    """One scan of a whole file, for an index: also the named places (being built in child processes) and the
    data's box."""

    places: PlacesBuilding
    data_box: tuple[float, float, float, float] | None


class PbfSource:
    name = "pbf"

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        if path is None:
            from mapleads.errors import InputError

            raise InputError("the pbf source needs a file: --from FILE.osm.pbf")
        self.path = check_pbf(path)

    def resolve_place(self, name: str) -> Area:
        from mapleads.sources.pbf.places import PlaceCatalog

        return PlaceCatalog.for_file(self.path).resolve(name)

    def extent(self) -> tuple[float, float, float, float] | None:
        """The box (W, S, E, N) the file's header declares, if any: read from the header alone, so an empty
        result can tell an area that misses the data from one with no matches without another pass."""
        from mapleads.sources.pbf.places import header_box

        try:
            return header_box(self.path)
        except READ_ERRORS as exc:
            raise corrupt(self.path, exc) from None

    def scan_whole(self, progress: Progress | None = None) -> WholeScan:
        """One scan for everything the file holds: its leads (built on demand, in parts if asked) and its named
        places (their geometry built meanwhile in a child process) with the data box. What an index holds."""
        import shapely

        from mapleads.sources.pbf.placement import place_candidates
        from mapleads.sources.pbf.places import data_extent, header_box

        stated = header_timestamp(self.path)
        objects = PlaceObjects()
        started: list[tuple[PlacesBuilding, tuple[float, float, float, float] | None]] = []

        def build_places(wkb: dict[int, bytes], label_points: dict[int, tuple[float, float]]) -> None:
            """The places' areas started as soon as the scan has their lines, while it loads the rest."""
            ids = [w for w in objects.way_ids() if w in wkb]
            lines = dict(zip(ids, shapely.from_wkb([wkb[w] for w in ids]).tolist(), strict=True))  # at once: 33 k lines
            data_box = data_extent(self.path) if objects.has_areas() else header_box(self.path)
            started.append((PlacesBuilding(objects, lines, label_points, data_box), data_box))

        with paused_gc():
            result = scan(
                self.path,
                get_taxonomy(),
                None,
                None,
                progress,
                dated=stated is None,
                places=objects,
                places_read=build_places,
            )
            places, data_box = started[0]
            placement = place_candidates(result, None)  # while the areas are built
        return WholeScan(result, None, stated or result.latest, placement, places, data_box)

    def scanned(self, query: Query, progress: Progress | None = None) -> Scanned:
        """The file read for a query; its leads are built when asked for (`Scanned.leads`)."""
        stated = header_timestamp(self.path)
        bounds = query.area.bounds if query.area is not None else None
        with paused_gc():
            result = scan(self.path, get_taxonomy(), query.categories, bounds, progress, dated=stated is None)
            from mapleads.sources.pbf.placement import place_candidates  # with NumPy and shapely: after the scan

            return Scanned(result, query.area, stated or result.latest, place_candidates(result, query.area))

    def leads(self, query: Query, progress: Progress | None = None) -> Iterator[Lead]:
        with paused_gc():  # from the read to the last lead: no collection walks the candidates in between
            yield from self.scanned(query, progress).leads()

    def lead_parts(self, query: Query, progress: Progress | None = None, parts: int = 2) -> LeadParts:
        """The file read now; its leads as `parts` streams, which separate processes may build and write."""
        found = self.scanned(query, progress)
        return LeadParts([found.leads(k, parts) for k in range(parts)], len(found))

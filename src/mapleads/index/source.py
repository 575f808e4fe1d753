"""`IndexSource`: the source registered as "index"; answers queries from a region index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from mapleads.areas import Area
from mapleads.errors import MapleadsError
from mapleads.index.pick import index_for, open_index, pick_index
from mapleads.index.reader import RegionIndex
from mapleads.lead import Lead
from mapleads.sources.base import Progress, Query


class IndexSource:
    name = "index"

    def __init__(self, path: str | Path | None = None, index: str | Path | None = None) -> None:
        """`index`: an index folder; `path`: a region, .pbf file or index folder; neither: pick by area."""
        self._index: RegionIndex | None = None
        if index is not None:
            self._index = open_index(Path(index))
        elif path is not None:
            self._index = index_for(path)
            if self._index is None:
                raise MapleadsError(f"no current index for '{path}'; build it with 'mapleads index build {path}'")

    @property
    def index(self) -> RegionIndex | None:
        return self._index

    def extent(self) -> tuple[float, float, float, float] | None:
        """The data box (W, S, E, N) recorded when the index was built, if it has one."""
        box = self._index.manifest.get("data_box") if self._index is not None else None
        return (box[0], box[1], box[2], box[3]) if box else None

    def resolve_place(self, name: str) -> Area:
        index = self._index or pick_index(place=name)
        if index is None:
            raise MapleadsError(f"no local index has a place named '{name}'; give --from REGION or a .pbf file")
        self._index = index
        return index.places.resolve(name)

    def leads(self, query: Query, progress: Progress | None = None) -> Iterator[Lead]:
        index = self._index or pick_index(area=query.area)
        if index is None:
            raise MapleadsError("no local index covers this area; give --from REGION or a .pbf file")
        yield from index.leads(query.categories, query.area, query.limit)

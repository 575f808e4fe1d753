"""Overture Maps Places as a lead source: a local GeoParquet file, or a bbox downloaded from a release."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mapleads.areas import Area
from mapleads.errors import AreaError, MapleadsError
from mapleads.lead import Lead
from mapleads.settings import get_settings
from mapleads.sources.base import Progress, Query
from mapleads.sources.nominatim import Nominatim
from mapleads.sources.overture.download import OvertureRelease
from mapleads.sources.overture.mapping import lead_from_row
from mapleads.sources.overture.reader import read_places

CLOSED = frozenset({"permanently_closed"})


class OvertureSource:
    name = "overture"

    def __init__(
        self,
        path: str | Path | None = None,
        url: str | None = None,
        release: str | None = None,
        min_confidence: float | None = None,
        nominatim_url: str | None = None,
        **_: Any,
    ) -> None:
        settings = get_settings()
        self.path = Path(path) if path else None
        self.url = url
        self.release = release
        self.min_confidence = settings.overture_min_confidence if min_confidence is None else float(min_confidence)
        if not 0.0 <= self.min_confidence <= 1.0:
            raise MapleadsError(f"confidence threshold {self.min_confidence} must be between 0 and 1")
        self.nominatim_url = nominatim_url

    def resolve_place(self, name: str) -> Area:
        return Nominatim(self.nominatim_url).resolve(name)

    def leads(self, query: Query, progress: Progress | None = None) -> Iterator[Lead]:
        path = self.path
        if path is None:
            if query.area is None:
                raise AreaError("downloading Overture places needs an area: --in, --bbox, --near or --polygon")
            path = OvertureRelease(self.url, self.release).download(query.area.bounds, progress)
        wanted = set(query.categories) if query.categories is not None else None
        emitted = 0
        for row, lon, lat in read_places(path, query.area, self.min_confidence):
            if row.get("operating_status") in CLOSED:
                continue
            lead = lead_from_row(row, lon, lat)
            if not lead.name:
                continue
            # "all" keeps places whose Overture category we do not map (category None, raw ones in extra)
            if wanted is not None and wanted.isdisjoint(lead.categories):
                continue
            yield lead
            emitted += 1
            if query.limit is not None and emitted >= query.limit:
                return

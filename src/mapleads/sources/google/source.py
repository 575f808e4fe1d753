"""The Google Places API (New) as a lead source: tiled searches, a printed cost estimate, a hard budget cap.

Before the first request the run prints its SKU, price and the most requests the budget allows; every request
is checked against the cap first, so the bill can never exceed it. When the cap stops a run, the leads found
so far are still returned and the shortfall is printed. Named places are resolved through Nominatim (OSM).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np

from mapleads.areas import Area
from mapleads.errors import AreaError, MapleadsError
from mapleads.lead import Lead
from mapleads.settings import get_settings
from mapleads.sources.base import Progress, Query
from mapleads.sources.google.catalog import ENDPOINTS, FIELD_SETS, GOOGLE_TYPES
from mapleads.sources.google.client import Cell, CellAnswer, PlacesClient
from mapleads.sources.google.mapping import lead_from_place
from mapleads.sources.google.tiling import TilingReport, tile
from mapleads.sources.nominatim import Nominatim
from mapleads.taxonomy import get_taxonomy


class GooglePlacesSource:
    name = "google"

    def __init__(
        self,
        url: str | None = None,
        api_key: str | None = None,
        budget: float | None = None,
        fields: str | None = None,
        search: str | None = None,
        min_cell_m: float | None = None,
        nominatim_url: str | None = None,
        notify: Callable[[str], None] | None = None,
        **_: Any,
    ) -> None:
        settings = get_settings()
        self.url = url or settings.google_places_url
        self.api_key = api_key or settings.google_api_key
        self.budget = settings.google_budget if budget is None else float(budget)
        self.fields = FIELD_SETS.get(fields or settings.google_fields)
        if self.fields is None:
            raise MapleadsError(f"unknown Google field set '{fields}'; use one of: {', '.join(FIELD_SETS)}")
        self.endpoint = search or settings.google_search
        if self.endpoint not in ENDPOINTS:
            raise MapleadsError(f"unknown Google search '{self.endpoint}'; use text or nearby")
        price = settings.google_price if settings.google_price is not None else self.fields.price[self.endpoint]
        self.price = price / 1000.0
        self.min_cell_m = min_cell_m or settings.google_min_cell_m
        self.nominatim_url = nominatim_url
        self.notify = notify or _to_stderr
        self.report = TilingReport()
        self.spent = 0.0

    def resolve_place(self, name: str) -> Area:
        return Nominatim(self.nominatim_url).resolve(name)

    # --- budget ----------------------------------------------------------------------------------------
    def _may_send(self) -> bool:
        if self.spent + self.price > self.budget + 1e-9:
            self.report.stopped_by_budget = True
            return False
        self.spent += self.price
        return True

    def max_requests(self) -> int | None:
        return int((self.budget + 1e-9) // self.price) if self.price > 0 else None

    # --- leads -----------------------------------------------------------------------------------------
    def leads(self, query: Query, progress: Progress | None = None) -> Iterator[Lead]:
        if query.area is None:
            raise AreaError("the google source needs an area: --in PLACE, --bbox, --near/--radius or --polygon")
        if not self.api_key:
            raise MapleadsError("the google source needs an API key: set MAPLEADS_GOOGLE_API_KEY")
        searches = self._searches(query.categories)
        self._announce(len(searches))
        client = PlacesClient(self.url, self.api_key, self.fields.mask, self.endpoint)  # type: ignore[union-attr]
        fetched = datetime.now(UTC).date().isoformat()
        seen: set[str] = set()
        emitted = 0
        area = query.area
        try:
            for done, (text, place_type) in enumerate(searches, start=1):

                def search(cell: Cell, text: str = text, place_type: str | None = place_type) -> CellAnswer:
                    return client.search(cell, text, place_type, self._may_send)

                for place in tile(area.geometry, search, self.min_cell_m, self.report, client.cap):
                    lead = lead_from_place(place, fetched)
                    if lead.id in seen or lead.lat is None or lead.lon is None:
                        continue
                    if not area.mask(np.array([lead.lon]), np.array([lead.lat]))[0]:
                        continue
                    seen.add(lead.id)
                    yield lead
                    emitted += 1
                    if query.limit is not None and emitted >= query.limit:
                        return
                if progress is not None:
                    progress(done, len(searches))
                if self.report.stopped_by_budget:
                    break
        finally:
            self.report.requests = client.billed
            self._summarise(len(seen))

    def _searches(self, categories: list[str] | None) -> list[tuple[str, str | None]]:
        """(text query, Google type) per category; every mapped category for "all"."""
        taxonomy = get_taxonomy()
        keys = categories if categories is not None else [k for k in taxonomy.categories if k in GOOGLE_TYPES]
        out = []
        for key in keys:
            label = taxonomy.categories[key].label if key in taxonomy.categories else key.replace("_", " ")
            types = GOOGLE_TYPES.get(key)
            out.append((label, types[0] if types else None))
        return out

    def _announce(self, searches: int) -> None:
        name, _ = ENDPOINTS[self.endpoint]
        sku = f"{name} {self.fields.sku}"  # type: ignore[union-attr]
        most = self.max_requests()
        ceiling = f"at most {most} requests" if most is not None else "no request limit (free SKU)"
        self.notify(
            f"Google Places: SKU {sku} at ${self.price * 1000:.2f} per 1000 requests; at least {searches} "
            f"request(s) (${searches * self.price:.2f}), more where cells are dense; budget cap "
            f"${self.budget:.2f} = {ceiling}. Data © Google Maps, under Google's terms."
        )

    def _summarise(self, found: int) -> None:
        r = self.report
        self.notify(
            f"Google Places: {r.requests} requests (${r.requests * self.price:.2f}) over {r.cells} cells, "
            f"{found} places."
        )
        if r.stopped_by_budget:
            self.notify(
                f"Google Places: stopped at the budget cap (${self.budget:.2f}); results are incomplete — "
                "raise --budget (MAPLEADS_GOOGLE_BUDGET) to go on."
            )
        if r.saturated:
            self.notify(
                f"Google Places: {len(r.saturated)} cell(s) still full at the minimum cell size "
                f"({self.min_cell_m:g} m); some places there may be missing."
            )


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)

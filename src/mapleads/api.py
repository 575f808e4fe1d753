"""The Python API. The CLI and the web service are thin layers over `extract`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapleads.lead import Lead
from mapleads.pipeline import run
from mapleads.sources import LeadParts, PartedSource, Progress, Query, Source, get_source
from mapleads.taxonomy import get_taxonomy

if TYPE_CHECKING:
    from mapleads.areas import Area


def resolve_area(
    source: Source,
    *,
    place: str | None = None,
    bbox: str | None = None,
    near: str | None = None,
    radius: str | float | None = None,
    polygon: str | Path | None = None,
) -> Area | None:
    """At most one way of naming the area; None means everywhere the source covers."""
    if not any(option is not None for option in (place, bbox, near, radius, polygon)):
        return None  # without importing the geometry libraries, which a run of the whole file needs only later
    from mapleads.areas import area_from_bbox, area_from_polygon_file, area_from_radius, check_area_options

    check_area_options(place=place, bbox=bbox, near=near, radius=radius, polygon=polygon)
    if place:
        return source.resolve_place(place)
    if bbox:
        return area_from_bbox(bbox)
    if near:
        return area_from_radius(near, radius if radius is not None else "500m")
    if polygon:
        return area_from_polygon_file(polygon)
    return None


def extract(
    what: str | Iterable[str] = "all",
    *,
    source: str | Source = "auto",
    path: str | Path | None = None,
    place: str | None = None,
    bbox: str | None = None,
    near: str | None = None,
    radius: str | float | None = None,
    polygon: str | Path | None = None,
    area: Area | None = None,
    limit: int | None = None,
    enrich: bool = False,
    resolve: bool = False,
    progress: Progress | None = None,
    source_options: dict[str, Any] | None = None,
) -> Iterator[Lead]:
    """Leads for categories (words in any supported language, or "all") in an area, from one source: a name
    (with `source_options`) or a source already made (the CLI's, which resolved the area with it).

    ``mapleads.extract("dentist", path="data/demo/helsinki.osm.pbf", place="Kamppi")``
    """
    categories = get_taxonomy().resolve(what)
    if isinstance(source, str):
        options = dict(source_options or {})
        if path is not None:
            options["path"] = path
        if source == "auto":  # a current local index when one covers the query, else the .pbf
            from mapleads.index import auto_source

            source, options = auto_source(
                options, place=place, bbox=bbox, near=near, radius=radius, polygon=polygon, area=area
            )
        src = get_source(source, **options)
    else:
        src = source
    if area is None:
        area = resolve_area(src, place=place, bbox=bbox, near=near, radius=radius, polygon=polygon)
    query = Query(categories=categories, area=area, limit=None if (enrich or resolve) else limit)
    stages: dict[str, dict[str, Any]] = {"normalize": {}}
    if enrich:
        stages["enrich"] = {}
    if resolve:
        stages["resolve"] = {}
    return run(src.leads(query, progress), stages, limit=limit)


def extract_parts(
    what: str | Iterable[str],
    source: Source,
    *,
    area: Area | None = None,
    progress: Progress | None = None,
    parts: int = 2,
) -> LeadParts | None:
    """A plain extraction (normalised leads; no enrichment, resolution or limit) as `parts` streams that separate
    processes can build and write; the input is read before this returns. None when the source cannot split its
    work (a .pbf can; a live source cannot), so the caller runs `extract` instead."""
    categories = get_taxonomy().resolve(what)
    if not isinstance(source, PartedSource):
        return None
    found = source.lead_parts(Query(categories=categories, area=area), progress, parts)
    return LeadParts([run(stream, {"normalize": {}}) for stream in found.streams], found.count)

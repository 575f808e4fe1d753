"""Choosing an index for a query: the one the user named, or the one whose region covers the area.

`extract(source="auto")` asks `pick_index`; None means "no fresh index covers this", and the caller falls back
to reading the .pbf. Only indexes that are current (built from the extract now on disk, same format and
taxonomy) are picked automatically, so "auto" never answers from stale data.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapleads.errors import AreaError, MapleadsError
from mapleads.index.locate import region_for
from mapleads.index.store import MANIFEST, index_summary
from mapleads.regions.store import LocalRegion, list_local

if TYPE_CHECKING:  # the reader (and pyarrow, 30 MB) is loaded only when there is an index to open
    from mapleads.areas import Area
    from mapleads.index.reader import RegionIndex

_OPEN: dict[Path, tuple[int, RegionIndex]] = {}


def open_index(folder: Path) -> RegionIndex:
    """An opened index, reused while its manifest is unchanged (a rebuild swaps in a new manifest)."""
    folder = Path(folder).resolve()
    stamp = (folder / MANIFEST).stat().st_mtime_ns if (folder / MANIFEST).exists() else -1
    cached = _OPEN.get(folder)
    if cached is None or cached[0] != stamp:
        from mapleads.index.reader import RegionIndex

        cached = (stamp, RegionIndex(folder))
        _OPEN[folder] = cached
    return cached[1]


def _fresh(region: LocalRegion) -> bool:
    return index_summary(region).state == "ready"


def index_for(path: str | Path) -> RegionIndex | None:
    """The current index of a region name, .pbf file or index folder; None when there is none."""
    folder = Path(str(path)).expanduser()
    if folder.is_dir() and (folder / MANIFEST).exists():
        return open_index(folder)
    try:
        region = region_for(path)
    except MapleadsError:
        return None
    return open_index(region.index_dir) if _fresh(region) else None


def pick_index(
    *,
    path: str | Path | None = None,
    place: str | None = None,
    area: Area | None = None,
) -> RegionIndex | None:
    """The index to answer a query from, or None to read the .pbf instead."""
    if path is not None:
        return index_for(path)
    indexes = [open_index(r.index_dir) for r in list_local() if _fresh(r)]
    if place:
        from mapleads.index.places import knows_place

        having = [ix for ix in indexes if knows_place(ix.places, place)]
        if len(having) > 1:
            names = ", ".join(str(ix.manifest.get("region")) for ix in having)
            raise AreaError(f"'{place}' is a place in several indexed regions ({names}); add --from REGION")
        return having[0] if having else None
    if area is not None:
        covering = [(c.area, ix) for ix in indexes if (c := ix.coverage) is not None and c.covers(area.geometry)]
        return min(covering, key=lambda pair: pair[0])[1] if covering else None
    return None


def auto_source(
    options: dict[str, Any],
    *,
    place: str | None = None,
    bbox: str | None = None,
    near: str | None = None,
    radius: str | float | None = None,
    polygon: str | Path | None = None,
    area: Area | None = None,
) -> tuple[str, dict[str, Any]]:
    """(source name, options) for extract(source="auto"): "index" when one covers the query, else "pbf"."""
    if any(option is not None for option in (place, bbox, near, radius, polygon)):
        # the geometry libraries only for an area: a run over the whole file needs them once it is read
        from mapleads.areas import area_from_bbox, area_from_polygon_file, area_from_radius, check_area_options

        check_area_options(place=place, bbox=bbox, near=near, radius=radius, polygon=polygon)
        if area is None and not place:
            if bbox:
                area = area_from_bbox(bbox)
            elif near:
                area = area_from_radius(near, radius if radius is not None else "500m")
            elif polygon:
                area = area_from_polygon_file(polygon)
    chosen = pick_index(path=options.get("path"), place=place, area=area)
    if chosen is None:
        return "pbf", _with_region_file(options)
    return "index", {**{k: v for k, v in options.items() if k != "path"}, "index": chosen.folder}


def _with_region_file(options: dict[str, Any]) -> dict[str, Any]:
    """`--from berlin` without an index: read the downloaded extract of that region."""
    given = options.get("path")
    if given is None or Path(str(given)).expanduser().exists():
        return options
    try:
        region = region_for(given)
    except MapleadsError:
        if Path(str(given)).suffix:  # a file name ("x.osm.pbf"): the pbf source says it is missing
            return options
        raise  # a region name: say which regions there are and how to get this one
    return {**options, "path": region.pbf}

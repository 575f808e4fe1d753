"""A job's request, validated with the engine's own parsers and turned into `mapleads.extract` arguments."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from mapleads.areas import area_from_bbox, area_from_polygon_file, area_from_radius
from mapleads.errors import AreaError, MapleadsError
from mapleads.settings import get_settings
from mapleads.sources.base import available_sources
from mapleads.taxonomy import get_taxonomy

AREA_KINDS = ("place", "bbox", "radius", "polygon", "everywhere")


@dataclass(slots=True)
class JobSpec:
    """What the user asks for; `validate()` raises MapleadsError with a message a user can act on."""

    what: str = "all"
    area_kind: str = "place"
    place: str = ""
    bbox: str = ""
    near: str = ""
    radius: str = ""
    polygon: dict[str, Any] | None = None
    source: str = "pbf"
    enrich: bool = False
    limit: int | None = None
    title: str = ""
    notes: list[str] = field(default_factory=list)

    def validate(self) -> JobSpec:
        self.what = ", ".join(w.strip() for w in (self.what or "all").split(",") if w.strip()) or "all"
        get_taxonomy().resolve(self.what)  # unknown words -> UnknownCategoryError with suggestions
        if self.source not in available_sources():
            raise MapleadsError(f"unknown source '{self.source}'; available: {', '.join(available_sources())}")
        if self.area_kind not in AREA_KINDS:
            raise AreaError(f"unknown area kind '{self.area_kind}'; use one of {', '.join(AREA_KINDS)}")
        if self.limit is not None and self.limit < 1:
            raise MapleadsError("limit must be at least 1")
        check = getattr(self, f"_check_{self.area_kind}")
        check()
        return self

    def _check_place(self) -> None:
        self.place = self.place.strip()
        if not self.place:
            raise AreaError("give a place name, e.g. Kamppi")

    def _check_bbox(self) -> None:
        area_from_bbox(self.bbox)

    def _check_radius(self) -> None:
        area_from_radius(self.near, self.radius or "500m")

    def _check_polygon(self) -> None:
        if not isinstance(self.polygon, dict):
            raise AreaError("draw an area on the map (a GeoJSON Polygon)")
        with tempfile.TemporaryDirectory() as tmp:
            area_from_polygon_file(write_polygon(self.polygon, Path(tmp)))

    def _check_everywhere(self) -> None:
        pass


def write_polygon(polygon: dict[str, Any], folder: Path) -> Path:
    """The engine reads polygons from GeoJSON files: write the drawn one where the job keeps its files."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "area.geojson"
    path.write_bytes(orjson.dumps(polygon))
    return path


def source_options(source: str) -> dict[str, Any]:
    """Per-source settings of the service, e.g. which .pbf file the 'pbf' source reads."""
    if source == "pbf":
        pbf = get_settings().web_pbf_path
        if pbf is None:
            raise MapleadsError("the service has no .pbf file configured (set MAPLEADS_WEB_PBF_PATH)")
        return {"path": pbf}
    return {}


def extract_arguments(spec: JobSpec, workdir: Path) -> dict[str, Any]:
    """Keyword arguments for `mapleads.extract` (without progress)."""
    kwargs: dict[str, Any] = {
        "source": spec.source,
        "limit": spec.limit,
        "enrich": spec.enrich,
        "source_options": source_options(spec.source),
    }
    if spec.area_kind == "place":
        kwargs["place"] = spec.place
    elif spec.area_kind == "bbox":
        kwargs["bbox"] = spec.bbox
    elif spec.area_kind == "radius":
        kwargs["near"] = spec.near
        kwargs["radius"] = spec.radius or "500m"
    elif spec.area_kind == "polygon" and spec.polygon is not None:
        kwargs["polygon"] = write_polygon(spec.polygon, workdir)
    return kwargs

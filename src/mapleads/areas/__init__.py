"""Where to look: a place name, a bbox, a centre + radius or a GeoJSON polygon, as one exact geometry."""

from mapleads.areas.model import (
    Area,
    area_from_bbox,
    area_from_polygon_file,
    area_from_radius,
    check_area_options,
    parse_distance,
)

__all__ = [
    "Area",
    "area_from_bbox",
    "area_from_polygon_file",
    "area_from_radius",
    "check_area_options",
    "parse_distance",
]

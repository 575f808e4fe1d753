"""Areas given by bbox, centre + radius or a GeoJSON polygon: exact membership, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest

from mapleads.areas import (
    area_from_bbox,
    area_from_polygon_file,
    area_from_radius,
    check_area_options,
    parse_distance,
)
from mapleads.areas.model import haversine_m
from mapleads.errors import AreaError


def test_it_parses_distances_with_units() -> None:
    assert parse_distance("500m") == 500
    assert parse_distance("1.5 km") == 1500
    assert parse_distance("800") == 800
    with pytest.raises(AreaError):
        parse_distance("far")


def test_a_radius_area_is_exact_in_metres() -> None:
    area = area_from_radius("60.17,24.94", "300m")
    lats = np.array([60.17 + 299 / 111_195, 60.17 + 301 / 111_195])
    lons = np.array([24.94, 24.94])
    assert haversine_m(60.17, 24.94, lats, lons) == pytest.approx([299, 301], abs=0.5)
    assert area.mask(lons, lats).tolist() == [True, False]


def test_a_bbox_includes_its_edges_and_nothing_outside() -> None:
    area = area_from_bbox("24.0,60.0,25.0,61.0")
    assert area.mask(np.array([24.0, 25.0, 25.0001]), np.array([60.5, 61.0, 60.5])).tolist() == [
        True,
        True,
        False,
    ]


@pytest.mark.parametrize("text", ["24,60,25", "25,60,24,61", "a,b,c,d", "24,95,25,96"])
def test_it_rejects_bad_bboxes(text: str) -> None:
    with pytest.raises(AreaError, match="invalid bbox"):
        area_from_bbox(text)


def test_it_reads_a_feature_collection_polygon(tmp_path: Path) -> None:
    path = tmp_path / "area.geojson"
    ring = [[24.93, 60.16], [24.95, 60.16], [24.95, 60.18], [24.93, 60.18], [24.93, 60.16]]
    path.write_bytes(
        orjson.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        )
    )
    area = area_from_polygon_file(path)
    assert area.contains(60.17, 24.94) and not area.contains(60.19, 24.94)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (orjson.dumps({"type": "Point", "coordinates": [24.9, 60.1]}), "Polygon or MultiPolygon"),
        (
            orjson.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [[[60.1, 124.9], [60.2, 124.9], [60.2, 125.0], [60.1, 124.9]]],
                }
            ),
            "outside lon",
        ),
    ],
)
def test_it_rejects_unusable_polygon_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.geojson"
    path.write_bytes(content)
    with pytest.raises(AreaError, match=message):
        area_from_polygon_file(path)


RING = [[24.93, 60.16], [24.95, 60.16], [24.95, 60.18], [24.93, 60.18], [24.93, 60.16]]


def test_it_says_a_feature_collection_without_features_has_no_polygon(tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    path.write_bytes(orjson.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(AreaError, match="has no polygon"):
        area_from_polygon_file(path)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_it_reads_polygon_files_saved_with_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "area.geojson"
    path.write_bytes(orjson.dumps({"type": "Polygon", "coordinates": [RING]}).decode().encode(encoding))
    assert area_from_polygon_file(path).contains(60.17, 24.94)


def test_it_reads_the_polygons_of_a_geometry_collection(tmp_path: Path) -> None:
    path = tmp_path / "area.geojson"
    polygon = {"type": "Polygon", "coordinates": [RING]}
    path.write_bytes(orjson.dumps({"type": "GeometryCollection", "geometries": [polygon]}))
    assert area_from_polygon_file(path).contains(60.17, 24.94)


def test_it_says_a_directory_is_not_a_polygon_file(tmp_path: Path) -> None:
    with pytest.raises(AreaError, match="is a directory"):
        area_from_polygon_file(tmp_path)


@pytest.mark.parametrize("radius", [0.0, -5.0, float("nan")])
def test_it_rejects_a_numeric_radius_that_is_not_positive(radius: float) -> None:
    with pytest.raises(AreaError, match="more than 0"):
        area_from_radius("60.17,24.94", radius)


@pytest.mark.parametrize("flag", ["place", "bbox", "near", "radius"])
def test_it_refuses_a_blank_area_option_instead_of_reading_everywhere(flag: str) -> None:
    options = {flag: " "} if flag != "radius" else {"near": "60.17,24.94", "radius": ""}
    with pytest.raises(AreaError, match="is empty"):
        check_area_options(**options)


@pytest.mark.parametrize(
    ("text", "metres"), [("1,5 km", 1500), ("3 miles", 4828.032), ("2 Kilometres", 2000), ("250 metres", 250)]
)
def test_it_reads_distances_as_people_write_them(text: str, metres: float) -> None:
    assert parse_distance(text) == pytest.approx(metres)


@pytest.mark.parametrize(("text", "message"), [("-5m", "more than 0"), ("5 parsecs", "use e.g. 500m")])
def test_it_says_why_a_distance_is_refused(text: str, message: str) -> None:
    with pytest.raises(AreaError, match=message):
        parse_distance(text)

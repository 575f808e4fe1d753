"""The Overture source on GeoParquet files written in Overture's schema, locally and from a fake release
bucket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mapleads
from mapleads.areas import Area, area_from_bbox, area_from_radius
from mapleads.errors import InputError
from mapleads.sources import Query
from mapleads.sources.live_http import ServiceError
from mapleads.sources.overture import OvertureSource
from mapleads.sources.overture.mapping import category_table
from mapleads.taxonomy import get_taxonomy

from .fake_overture import FakeRelease, overture_rows, write_places

CENTRE = "24.935,60.163,24.955,60.175"
FOOD = {
    "coffee_shop": "cafe",
    "restaurant": "restaurant",
    "sushi_restaurant": "restaurant",
    "italian_restaurant": "restaurant",
    "thai_restaurant": "restaurant",
}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return overture_rows()


@pytest.fixture
def places_file(tmp_path: Path, rows: list[dict[str, Any]]) -> Path:
    return write_places(tmp_path / "helsinki_places.parquet", rows)


def expected(rows: list[dict[str, Any]], area: Area, min_confidence: float, primaries: set[str]) -> set[str]:
    return {
        f"overture:{r['id']}"
        for r in rows
        if r["confidence"] >= min_confidence
        and r["operating_status"] != "permanently_closed"
        and r["categories"]["primary"] in primaries
        and area.contains(r["bbox"]["ymin"], r["bbox"]["xmin"])
    }


def test_it_reads_overture_geoparquet_and_clips_exactly(places_file: Path, rows) -> None:  # type: ignore[no-untyped-def]
    area = area_from_radius("60.1699,24.9410", "400m")
    leads = list(OvertureSource(path=places_file).leads(Query(categories=["cafe", "restaurant"], area=area)))
    assert {lead.id for lead in leads} == expected(rows, area, 0.5, set(FOOD))
    assert len(leads) > 10


def test_it_maps_primary_and_alternate_categories_into_our_taxonomy(places_file: Path) -> None:
    leads = list(OvertureSource(path=places_file, min_confidence=0).leads(Query(area=area_from_bbox(CENTRE))))
    by_primary = {lead.extra["overture_categories"][0]: lead.categories for lead in leads}
    assert by_primary["sushi_restaurant"] == ["restaurant"]
    assert by_primary["coffee_shop"] == ["cafe"]
    assert by_primary["hair_salon"] == ["hairdresser"]
    assert by_primary["pharmacy"] == ["pharmacy", "chemist_shop"]  # alternate "drugstore" adds a key
    assert by_primary["dentist"] == ["dentist"]


def test_it_drops_places_below_the_confidence_threshold(places_file: Path, rows) -> None:  # type: ignore[no-untyped-def]
    area = area_from_bbox(CENTRE)
    strict = list(OvertureSource(path=places_file, min_confidence=0.9).leads(Query(area=area, categories=["cafe"])))
    loose = list(OvertureSource(path=places_file, min_confidence=0.0).leads(Query(area=area, categories=["cafe"])))
    assert {lead.id for lead in strict} == expected(rows, area, 0.9, {"coffee_shop"})
    assert {lead.id for lead in loose} == expected(rows, area, 0.0, {"coffee_shop"})
    assert len(strict) < len(loose)
    assert all(lead.extra["confidence"] >= 0.9 for lead in strict)


def test_it_maps_websites_phones_socials_and_the_address(places_file: Path, rows) -> None:  # type: ignore[no-untyped-def]
    leads = list(OvertureSource(path=places_file, min_confidence=0).leads(Query(area=area_from_bbox(CENTRE))))
    by_id = {r["id"]: r for r in rows}
    with_all = [
        lead for lead in leads if lead.website and lead.phones_raw and lead.socials and lead.address.housenumber
    ]
    assert with_all
    lead = with_all[0]
    row = by_id[lead.source_id]
    assert lead.website == row["websites"][0] and lead.phones_raw == row["phones"]
    assert lead.socials["facebook"] == row["socials"][0]
    assert f"{lead.address.street} {lead.address.housenumber}" == row["addresses"][0]["freeform"]
    assert lead.address.country_code == "FI" and lead.source == "overture"
    assert lead.provenance["website"].source == "overture"


def test_it_skips_permanently_closed_places(places_file: Path, rows) -> None:  # type: ignore[no-untyped-def]
    closed = {f"overture:{r['id']}" for r in rows if r["operating_status"] == "permanently_closed"}
    assert closed
    leads = OvertureSource(path=places_file, min_confidence=0).leads(Query(area=area_from_bbox("24.8,60.1,25.1,60.3")))
    assert closed.isdisjoint(lead.id for lead in leads)


def test_every_category_of_our_taxonomy_has_an_overture_mapping() -> None:
    table = category_table()
    mapped = {key for keys in table.exact.values() for key in keys} | {key for _, key in table.suffixes}
    assert set(get_taxonomy().categories) <= mapped


def test_it_runs_through_the_public_api(places_file: Path) -> None:
    leads = list(mapleads.extract("ravintola", source="overture", path=places_file, bbox=CENTRE))
    assert leads and all("restaurant" in lead.categories for lead in leads)


def test_it_refuses_a_file_that_is_not_overture_places(tmp_path: Path) -> None:
    other = tmp_path / "other.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"x": [1]}), other)
    with pytest.raises(InputError, match="not an Overture places file"):
        list(OvertureSource(path=other).leads(Query(area=area_from_bbox(CENTRE))))
    with pytest.raises(InputError, match="not found"):
        list(OvertureSource(path=tmp_path / "missing.parquet").leads(Query()))
    (tmp_path / "junk.parquet").write_text("not parquet")
    with pytest.raises(InputError, match="not a readable GeoParquet"):
        list(OvertureSource(path=tmp_path / "junk.parquet").leads(Query()))


def shifted(row: dict[str, Any], k: int) -> dict[str, Any]:
    import shapely

    box = row["bbox"]
    lon = box["xmin"] + 2.0 * k
    return {
        **row,
        "id": f"{row['id']}-{k}",
        "geometry": shapely.to_wkb(shapely.Point(lon, box["ymin"])),
        "bbox": {**box, "xmin": lon, "xmax": lon},
    }


@pytest.fixture
def release(server, tmp_path: Path, rows) -> FakeRelease:  # type: ignore[no-untyped-def]
    bucket = tmp_path / "bucket"
    old = [r for r in rows if r["categories"]["primary"] == "bar"]
    write_places(bucket / "release/2025-01-22.0/theme=places/type=place/part-00000.zstd.parquet", old)
    latest = bucket / "release/2025-05-21.0/theme=places/type=place"
    write_places(latest / "part-00000.zstd.parquet", rows, row_group_size=64)
    # another file, further east, that the Helsinki bbox must not download
    elsewhere = [shifted(r, k) for k in range(1, 6) for r in rows]
    write_places(latest / "part-00001.zstd.parquet", elsewhere, row_group_size=256)
    write_places(bucket / "release/2025-05-21.0/theme=buildings/type=building/part-00000.zstd.parquet", rows[:5])
    return FakeRelease(bucket).install(server)


def test_it_downloads_only_the_row_groups_of_a_bbox_from_the_latest_release(release: FakeRelease, rows) -> None:  # type: ignore[no-untyped-def]
    area = area_from_bbox("24.940,60.165,24.946,60.171")
    source = OvertureSource(url=release.url)
    leads = list(source.leads(Query(categories=["cafe", "restaurant"], area=area)))
    assert {lead.id for lead in leads} == expected(rows, area, 0.5, set(FOOD))
    assert leads
    total = sum(p.stat().st_size for p in (release.root / "release/2025-05-21.0/theme=places").rglob("*.parquet"))
    assert 0 < release.bytes_served < total  # footers and matching row groups only
    served = release.bytes_served
    assert list(OvertureSource(url=release.url).leads(Query(categories=["cafe", "restaurant"], area=area))) == leads
    assert release.bytes_served == served  # the second run reads the local copy


def test_it_downloads_a_named_release(release: FakeRelease) -> None:
    area = area_from_bbox("24.90,60.15,24.99,60.19")
    leads = list(OvertureSource(url=release.url, release="2025-01-22.0").leads(Query(area=area)))
    assert leads and all(lead.extra["overture_categories"][0] == "bar" for lead in leads)


def test_it_reports_a_release_without_places(release: FakeRelease) -> None:
    with pytest.raises(ServiceError, match="has no places files"):
        list(OvertureSource(url=release.url, release="2030-01-01.0").leads(Query(area=area_from_bbox(CENTRE))))

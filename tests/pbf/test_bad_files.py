"""Files passed where a .pbf belongs: each is named for what it is, with what to do about it."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from mapleads.errors import InputError
from mapleads.regions.store import pbf_snapshot_date
from mapleads.sources.pbf.reader import check_pbf
from tests.conftest import DEMO_PBF

XML = b"<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\" generator=\"test\"></osm>\n"


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("area.osm", lambda: XML, "it is OSM XML: convert it with 'osmium cat"),
        ("area.osm.pbf.gz", lambda: gzip.compress(DEMO_PBF.read_bytes()), "gzip-compressed"),
    ],
)
def test_it_names_a_file_that_is_another_format(tmp_path: Path, name: str, make, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    for check in (check_pbf, pbf_snapshot_date):  # extract and index build
        with pytest.raises(InputError, match=message):
            check(path)

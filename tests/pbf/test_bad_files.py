"""Files passed where a .pbf belongs: each is named for what it is, with what to do about it."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from mapleads.errors import InputError
from mapleads.regions.store import pbf_snapshot_date
from mapleads.sources.pbf.reader import check_pbf
from tests.conftest import DEMO_PBF, block_starts

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


def cuts_near_block_starts(data: bytes) -> list[int]:
    """Cut points just past every block start but the first: in its length, in its header, early in its data."""
    return [start + k for start in block_starts(data)[1:] for k in (1, 2, 3, 4, 9, 30)]


def test_it_finds_a_file_cut_just_past_a_block_boundary(tmp_path: Path) -> None:
    """libosmium reads a file cut within a block's length as a shorter, valid file; the leads past it are lost."""
    data = DEMO_PBF.read_bytes()
    cuts = cuts_near_block_starts(data)
    assert len(cuts) >= 12
    for cut in cuts:
        path = tmp_path / f"cut-{cut}.osm.pbf"
        path.write_bytes(data[:cut])
        with pytest.raises(InputError, match="is corrupt or truncated"):
            check_pbf(path)


def test_it_finds_a_download_whose_tail_is_still_zeros(tmp_path: Path) -> None:
    """A preallocating downloader leaves zeros where the unread blocks belong: libosmium takes them for the end."""
    data = DEMO_PBF.read_bytes()
    last = block_starts(data)[-1]
    path = tmp_path / "partial.osm.pbf"
    path.write_bytes(data[:last] + bytes(len(data) - last))
    with pytest.raises(InputError, match=f"corrupt or truncated .*byte {last}"):
        check_pbf(path)

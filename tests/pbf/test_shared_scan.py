"""A sorted file scanned by two processes: the same findings as one process, in the same order."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import osmium
import pytest

from mapleads.errors import InputError
from mapleads.settings import get_settings
from mapleads.sources.base import Query
from mapleads.sources.pbf import PbfSource, shared_scan
from mapleads.sources.pbf.blocks import block_runs
from mapleads.sources.pbf.scan import ReadFile


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ReadFile | None]]:
    """Two processes even for the demo file's four node blocks; what each scan's sharing gave, in a list."""
    monkeypatch.setattr(shared_scan, "MIN_NODE_BLOCKS", 2)
    outcomes: list[ReadFile | None] = []
    scan_shared = shared_scan.scan_shared

    def noted(*args: object) -> ReadFile | None:
        outcomes.append(scan_shared(*args))  # type: ignore[arg-type]
        return outcomes[-1]

    monkeypatch.setattr(shared_scan, "scan_shared", noted)
    yield outcomes
    get_settings.cache_clear()


def _alone(monkeypatch: pytest.MonkeyPatch, fn: Callable[[], object]) -> object:
    monkeypatch.setenv("MAPLEADS_SCAN_PROCESSES", "1")
    get_settings.cache_clear()
    try:
        return fn()
    finally:
        monkeypatch.delenv("MAPLEADS_SCAN_PROCESSES")
        get_settings.cache_clear()


def _leads(path: Path) -> list[dict[str, object]]:
    return [lead.to_dict() for lead in PbfSource(path).leads(Query())]


def test_two_processes_find_the_leads_one_finds(
    sorted_pbf: Path, shared: list[ReadFile | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = _leads(sorted_pbf)
    assert shared and shared[0] is not None  # the scan was shared
    assert len(ours) > 1000
    assert {lead["source_id"].split("/")[0] for lead in ours} == {"node", "way", "relation"}  # type: ignore[union-attr]
    assert ours == _alone(monkeypatch, lambda: _leads(sorted_pbf))


def test_two_processes_find_what_one_finds_for_a_category_in_a_district(
    sorted_pbf: Path, shared: list[ReadFile | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = PbfSource(sorted_pbf)
    query = Query(categories=["restaurant", "cafe"], area=source.resolve_place("Kamppi"))

    def leads() -> list[dict[str, object]]:
        return [lead.to_dict() for lead in PbfSource(sorted_pbf).leads(query)]

    ours = leads()
    assert shared and shared[-1] is not None
    assert 20 < len(ours) < 1000
    assert all({"restaurant", "cafe"} & set(lead["categories"]) for lead in ours)  # type: ignore[call-overload]
    assert ours == _alone(monkeypatch, leads)


def test_two_processes_find_the_places_one_finds(
    sorted_pbf: Path, shared: list[ReadFile | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = PbfSource(sorted_pbf).scan_whole()
    places = whole.places.result()
    assert shared and shared[0] is not None
    alone = _alone(monkeypatch, lambda: PbfSource(sorted_pbf).scan_whole())
    assert [(p.ref, p.wkb, p.label) for p in places] == [(p.ref, p.wkb, p.label) for p in alone.places.result()]  # type: ignore[attr-defined]
    assert any(p.name == "Kamppi" and p.wkb for p in places)
    assert [lead.to_dict() for lead in whole.leads()] == [lead.to_dict() for lead in alone.leads()]  # type: ignore[attr-defined]


def test_a_file_out_of_order_is_read_again_by_one_process(
    sorted_pbf: Path, tmp_path: Path, shared: list[ReadFile | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The way block moved among the node blocks, under a header that still says the file is sorted."""
    runs = block_runs(sorted_pbf)
    assert runs is not None and runs.relations == runs.ways + 1
    data = sorted_pbf.read_bytes()
    blocks = [data[start:end] for start, end in runs.blocks]
    header, first, ways = blocks[0], blocks[1], blocks[runs.ways]
    path = tmp_path / "unsorted.osm.pbf"
    path.write_bytes(header + first + ways + b"".join(blocks[2 : runs.ways]) + b"".join(blocks[runs.relations :]))
    moved = block_runs(path)
    assert moved is not None and moved.node_blocks >= 2  # it looks sorted from where its blocks' kinds change
    ours = _leads(path)
    assert shared == [None]  # the child met the ways and the file was read again alone
    assert ours == _alone(monkeypatch, lambda: _leads(path))
    assert any(lead["source_id"].startswith("node/") for lead in ours)  # type: ignore[union-attr]


def test_a_file_without_relations_is_shared_too(
    sorted_pbf: Path, tmp_path: Path, shared: list[ReadFile | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = block_runs(sorted_pbf)
    assert runs is not None
    data = sorted_pbf.read_bytes()
    path = tmp_path / "no-relations.osm.pbf"
    path.write_bytes(data[: runs.blocks[runs.relations][0]])
    ours = _leads(path)
    assert shared and shared[0] is not None
    assert not any(lead["source_id"].startswith("relation/") for lead in ours)  # type: ignore[union-attr]
    assert ours == _alone(monkeypatch, lambda: _leads(path))


def test_it_reports_its_progress_in_order_to_the_end(sorted_pbf: Path, shared: list[ReadFile | None]) -> None:
    seen: list[tuple[int, int]] = []
    list(PbfSource(sorted_pbf).leads(Query(), progress=lambda done, total: seen.append((done, total))))
    assert shared and shared[0] is not None
    size = sorted_pbf.stat().st_size
    assert len(seen) > 2
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (size, size) and {total for _, total in seen} == {size}


def test_a_corrupt_block_in_the_childs_share_is_reported(
    sorted_pbf: Path, tmp_path: Path, shared: list[ReadFile | None]
) -> None:
    path = _corrupted(sorted_pbf, tmp_path, 1)  # a block the child reads
    with pytest.raises(InputError, match="corrupt"):
        _leads(path)
    assert shared == []  # raised from the shared scan, nothing returned


def _corrupted(sorted_pbf: Path, tmp_path: Path, block: int) -> Path:
    """The file with the zlib checksum of one of its blocks broken."""
    runs = block_runs(sorted_pbf)
    assert runs is not None
    end = runs.blocks[block][1]
    data = bytearray(sorted_pbf.read_bytes())
    data[end - 4 : end] = bytes(b ^ 0xFF for b in data[end - 4 : end])
    path = tmp_path / "corrupt.osm.pbf"
    path.write_bytes(bytes(data))
    return path


def test_a_corrupt_block_in_this_process_share_is_reported_and_leaves_no_index_files(
    sorted_pbf: Path, tmp_path: Path, shared: list[ReadFile | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = block_runs(sorted_pbf)
    assert runs is not None
    cut = 1 + round(runs.node_blocks * shared_scan.CHILD_NODE_SHARE)  # the first node block this process reads
    path = _corrupted(sorted_pbf, tmp_path, cut)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with pytest.raises(InputError, match="corrupt"):
        _leads(path)
    assert shared == []
    assert list(temp.iterdir()) == []


def test_the_node_index_files_are_gone_after_a_scan(
    sorted_pbf: Path, tmp_path: Path, shared: list[ReadFile | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert _leads(sorted_pbf)
    assert shared and shared[0] is not None
    assert list(tmp_path.iterdir()) == []


def test_a_dense_index_setting_is_filled_by_this_process_alone(
    sorted_pbf: Path, shared: list[ReadFile | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index kind the setting names that is not a sparse array (a dense one for a planet file, or here the
    tree map): the child's node blocks are read into it by this process, and the leads are the same."""
    monkeypatch.setenv("MAPLEADS_NODE_LOCATIONS", "sparse_mem_map")
    get_settings.cache_clear()
    assert shared_scan.NodeFiles.for_setting(4) is None
    ours = _leads(sorted_pbf)
    assert shared and shared[0] is not None
    assert ours == _alone(monkeypatch, lambda: _leads(sorted_pbf))


def test_node_index_records_out_of_order_are_sorted_before_they_are_looked_up(tmp_path: Path) -> None:
    path = tmp_path / "nodes.idx"
    given = [(7, 249_000_000, 601_000_000), (3, 248_000_000, 600_000_000), (12, 250_000_000, 602_000_000)]
    np.array(given, dtype=shared_scan.NODE_RECORD).tofile(path)
    shared_scan._sort_if_needed(path)
    assert [int(i) for i in np.fromfile(path, dtype=shared_scan.NODE_RECORD)["id"]] == [3, 7, 12]
    table = osmium.index.create_map(f"sparse_file_array,{path}")
    for node_id, x, y in given:
        location = table.get(node_id)
        assert (location.x, location.y) == (x, y)


def test_without_room_for_the_index_files_this_process_fills_an_index_in_memory(
    sorted_pbf: Path, tmp_path: Path, shared: list[ReadFile | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A memory-mapped file that cannot grow on a full disk would kill its process: with too little room in the
    temporary folder the index is one this process fills in memory, and the leads are the same."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(shared_scan, "INDEX_BYTES_PER_BLOCK", 1 << 60)
    assert shared_scan.NodeFiles.for_setting(4) is None
    assert list(tmp_path.iterdir()) == []
    ours = _leads(sorted_pbf)
    assert shared and shared[0] is not None
    assert ours == _alone(monkeypatch, lambda: _leads(sorted_pbf))


def test_the_index_files_go_beside_the_file_the_setting_names(
    sorted_pbf: Path, tmp_path: Path, shared: list[ReadFile | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "big-disk"
    chosen.mkdir()
    monkeypatch.setenv("MAPLEADS_NODE_LOCATIONS", f"sparse_file_array,{chosen / 'nodes.cache'}")
    get_settings.cache_clear()
    files = shared_scan.NodeFiles.for_setting(4)
    assert files is not None and files.folder.parent == chosen
    files.close()
    assert list(chosen.iterdir()) == []
    ours = _leads(sorted_pbf)
    assert shared and shared[0] is not None
    assert ours == _alone(monkeypatch, lambda: _leads(sorted_pbf))


def test_the_index_files_close_each_pipe_end_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An end closed early (the other process's) may have its number taken by a file opened later: closing
    the rest must leave that file open."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    files = shared_scan.NodeFiles.for_setting(4)
    assert files is not None
    files.take_parent_side()
    with open(tmp_path / "other", "wb") as other:
        files.close()
        os.fstat(other.fileno())  # still open
        other.write(b"still mine")
    assert (tmp_path / "other").read_bytes() == b"still mine"
    assert [p.name for p in tmp_path.iterdir()] == ["other"]


def test_the_index_files_are_joined_where_the_kernel_cannot_copy_files(
    sorted_pbf: Path, shared: list[ReadFile | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(*_: object) -> int:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", unsupported)
    ours = _leads(sorted_pbf)
    assert shared and shared[0] is not None
    assert ours == _alone(monkeypatch, lambda: _leads(sorted_pbf))

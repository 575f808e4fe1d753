"""A lead file written in parts by several processes is byte for byte the file one process writes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

import mapleads
from mapleads.errors import WorkerError
from mapleads.export import FORMATS, formats, read_leads, write_leads
from mapleads.export import parts as parts_module
from mapleads.export.parts import write_lead_parts
from mapleads.lead import Lead
from tests.conftest import DEMO_PBF


@pytest.fixture(scope="module")
def leads() -> list[Lead]:
    return list(mapleads.extract("all", path=DEMO_PBF, place="Kluuvi"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_writes_the_same_file_as_one_process(fmt: str, leads: list[Lead], tmp_path: Path) -> None:
    whole, parted = tmp_path / f"whole.{fmt}", tmp_path / f"parted.{fmt}"
    write_leads(iter(leads), whole, metadata={"query": "all"})
    third = len(leads) // 3
    parts = [iter(leads[:third]), iter(leads[third : 2 * third]), iter(leads[2 * third :])]
    count, _ = write_lead_parts(parts, parted, metadata={"query": "all"})
    assert count == len(leads)
    if fmt in ("xlsx", "parquet"):  # zipped or compressed: compared by content
        assert [b.to_dict() for b in read_leads(parted)] == [a.to_dict() for a in leads]
    else:
        assert parted.read_bytes() == whole.read_bytes()


def test_a_piece_left_by_a_killed_run_is_not_joined(leads: list[Lead], tmp_path: Path) -> None:
    """Pieces are made anew: the writers open theirs without truncating them (a truncated file is written out
    to disk at its next close on ext4), so what an earlier run left in one must go first."""
    whole, parted = tmp_path / "whole.geojson", tmp_path / "parted.geojson"
    write_leads(iter(leads), whole)
    (tmp_path / ".parted.geojson.part1").write_bytes(b"left over " * 100_000)
    half = len(leads) // 2
    write_lead_parts([iter(leads[:half]), iter(leads[half:])], parted)
    assert parted.read_bytes() == whole.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parted.geojson", "whole.geojson"]


@pytest.mark.parametrize("fmt", ["json", "geojson", "csv", "ndjson"])
def test_it_joins_parts_when_the_first_ones_are_empty(fmt: str, leads: list[Lead], tmp_path: Path) -> None:
    whole, parted = tmp_path / f"whole.{fmt}", tmp_path / f"parted.{fmt}"
    write_leads(iter(leads[:5]), whole, bom=True)
    count, _ = write_lead_parts([iter([]), iter([]), iter(leads[:5])], parted, bom=True)
    assert count == 5
    assert parted.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_it_copies_a_part_while_its_writer_is_still_writing_it(
    fmt: str, leads: list[Lead], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first part ends at once; the second comes slowly, a few records a write, and is appended as it grows
    (more than one copy while its writer works), to the same bytes."""
    monkeypatch.setattr(formats, "_WRITE_AT", 256)  # a write every record or two
    copies: list[tuple[int, int]] = []
    real_copy = parts_module.copy_range

    def counting(part: BinaryIO, fh: BinaryIO, offset: int, size: int) -> int:
        if size > offset:
            copies.append((offset, size))
        return real_copy(part, fh, offset, size)

    monkeypatch.setattr(parts_module, "copy_range", counting)

    def slowly(items: list[Lead]) -> Iterator[Lead]:
        for lead in items:
            time.sleep(0.02)
            yield lead

    whole, parted = tmp_path / f"whole.{fmt}", tmp_path / f"parted.{fmt}"
    write_leads(iter(leads), whole)
    write_lead_parts([iter(leads[:1]), slowly(leads[1:])], parted)
    assert parted.read_bytes() == whole.read_bytes()
    assert len(copies) > 1
    # after an empty first part the slow part's leading separator goes, though it was not written when first looked at
    copies.clear()
    write_lead_parts([iter([]), slowly(leads)], parted)
    assert parted.read_bytes() == whole.read_bytes()
    assert len(copies) > 1


@pytest.mark.parametrize("fmt", ["json", "geojson", "csv", "ndjson"])
def test_it_joins_parts_where_the_kernel_cannot_copy_files(
    fmt: str, leads: list[Lead], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(*_: object) -> int:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", unsupported)
    whole, parted = tmp_path / f"whole.{fmt}", tmp_path / f"parted.{fmt}"
    write_leads(iter(leads), whole)
    half = len(leads) // 2
    write_lead_parts([iter([]), iter(leads[:half]), iter(leads[half:])], parted)
    assert parted.read_bytes() == whole.read_bytes()


def test_it_writes_a_valid_empty_file_from_empty_parts(tmp_path: Path) -> None:
    out = tmp_path / "none.geojson"
    count, _ = write_lead_parts([iter([]), iter([])], out)
    assert count == 0
    assert list(read_leads(out)) == []


def test_it_brings_back_what_each_part_reported(leads: list[Lead], tmp_path: Path) -> None:
    seen = [0, 0]

    def counted(k: int, part: list[Lead]) -> Iterator[Lead]:
        for lead in part:
            seen[k] += 1
            yield lead

    parts = [counted(0, leads[:7]), counted(1, leads[7:])]
    count, reports = write_lead_parts(parts, tmp_path / "x.ndjson", report=lambda k: (k, seen[k], os.getpid()))
    assert count == len(leads)
    assert [r[:2] for r in reports if r] == [(0, 7), (1, len(leads) - 7)]
    pids = [r[2] for r in reports if r]
    assert pids[0] == os.getpid() and pids[1] != os.getpid()  # the second part was written by another process


def test_a_failing_part_leaves_the_old_file_and_no_pieces(leads: list[Lead], tmp_path: Path) -> None:
    out = tmp_path / "leads.csv"
    out.write_text("the old file\n")

    def broken() -> Iterator[Lead]:
        yield leads[0]
        raise ValueError("a lead that cannot be built")

    with pytest.raises(ValueError, match="cannot be built"):
        write_lead_parts([iter(leads[1:]), broken()], out)
    assert out.read_text() == "the old file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.csv"]


def test_a_killed_part_is_a_one_line_worker_error(leads: list[Lead], tmp_path: Path) -> None:
    out = tmp_path / "leads.json"

    def killed() -> Iterator[Lead]:
        yield leads[0]
        os.kill(os.getpid(), 9)

    with pytest.raises(WorkerError, match="SIGKILL"):
        write_lead_parts([iter(leads), killed()], out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []

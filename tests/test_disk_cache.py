"""Results kept between commands under data_dir/cache: made once, made again when the entry is bad."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mapleads.disk_cache import disk_cached


def _counting(value: object) -> tuple[Callable[[], object], list[int]]:
    calls: list[int] = []

    def make() -> object:
        calls.append(1)
        return value

    return make, calls


def test_it_makes_a_value_once_and_reads_it_back_after(tmp_path: Path, env: Callable[..., None]) -> None:
    env(MAPLEADS_DATA_DIR=str(tmp_path))
    make, calls = _counting({"dentist": ["amenity=dentist"]})
    assert disk_cached("things", "k1", make) == {"dentist": ["amenity=dentist"]}
    assert disk_cached("things", "k1", make) == {"dentist": ["amenity=dentist"]}
    assert len(calls) == 1
    assert (tmp_path / "cache" / "things" / "k1.pickle").is_file()


def test_another_key_is_made_anew(tmp_path: Path, env: Callable[..., None]) -> None:
    env(MAPLEADS_DATA_DIR=str(tmp_path))
    make, calls = _counting([1, 2])
    disk_cached("things", "k1", make)
    disk_cached("things", "k2", make)
    assert len(calls) == 2


def test_a_corrupt_entry_is_made_again(tmp_path: Path, env: Callable[..., None]) -> None:
    env(MAPLEADS_DATA_DIR=str(tmp_path))
    entry = tmp_path / "cache" / "things" / "k1.pickle"
    entry.parent.mkdir(parents=True)
    entry.write_bytes(b"\x80\x05not a pickle")
    make, calls = _counting("fresh")
    assert disk_cached("things", "k1", make) == "fresh"
    assert disk_cached("things", "k1", make) == "fresh"
    assert len(calls) == 1


def test_a_data_dir_that_cannot_be_written_still_gives_the_value(tmp_path: Path, env: Callable[..., None]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env(MAPLEADS_DATA_DIR=str(blocker / "data"))
    make, calls = _counting("value")
    assert disk_cached("things", "k1", make) == "value"
    assert disk_cached("things", "k1", make) == "value"
    assert len(calls) == 2

"""The collector is paused while many acyclic objects are made, and what the pause kept comes back as old."""

from __future__ import annotations

import gc
import weakref

import pytest

from mapleads import memory
from mapleads.memory import ending_without_teardown, paused_gc, release_at_exit


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_it_turns_the_collector_off_and_back_on() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_leaves_an_outer_pause_alone() -> None:
    with paused_gc():
        with paused_gc():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_what_the_block_kept_is_in_the_oldest_generation() -> None:
    with paused_gc():
        kept = [[i] for i in range(1000)]
    assert gc.get_count()[0] < 100  # no backlog of young objects for the next collection to walk
    assert any(obj is kept for obj in gc.get_objects(generation=2))


def test_cyclic_garbage_made_in_the_block_is_still_collected() -> None:
    with paused_gc():
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
    del a, b
    assert gone() is not None  # a cycle: reference counting alone does not free it
    gc.collect()
    assert gone() is None


class Noted:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    def __del__(self) -> None:
        self.log.append("released")


def test_it_releases_at_once_in_a_process_with_teardown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_held", None)
    log: list[str] = []
    release_at_exit(Noted(log))
    assert log == ["released"]


def test_it_holds_until_the_end_in_a_process_without_teardown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_held", None)
    ending_without_teardown()
    log: list[str] = []
    release_at_exit(Noted(log))
    assert log == []
    memory._held = None  # what a teardown does: the held object goes
    assert log == ["released"]

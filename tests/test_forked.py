"""`Forked`: work in a child process, its result (or its error) back in the parent."""

from __future__ import annotations

import gc
import os
import signal
from pathlib import Path

import pytest

from mapleads.errors import WorkerError
from mapleads.forked import Forked


def _total(values: list[int]) -> int:
    return sum(values)


def _pid() -> int:
    return os.getpid()


def _fail(message: str) -> None:
    raise ValueError(message)


def _die() -> None:
    os._exit(3)


class _Unpicklable(Exception):
    def __init__(self, a: str, b: str) -> None:  # pickles as Exception(args) and fails to come back
        super().__init__(f"{a} {b}")


def _fail_oddly() -> None:
    raise _Unpicklable("odd", "failure")


def _big() -> bytes:
    return b"x" * (8 * 1024 * 1024)  # far more than a pipe holds: the child blocks until it is read


def test_it_returns_what_the_function_returns_on_objects_it_inherited() -> None:
    values = list(range(100_000))
    assert Forked(_total, values).result() == sum(values)


def test_it_runs_in_another_process() -> None:
    assert Forked(_pid).result() != os.getpid()


def test_it_raises_what_the_child_raised() -> None:
    with pytest.raises(ValueError, match="bad area"):
        Forked(_fail, "bad area").result()


def test_an_error_that_cannot_be_pickled_comes_back_as_its_message() -> None:
    with pytest.raises(RuntimeError, match="_Unpicklable: odd failure"):
        Forked(_fail_oddly).result()


def test_it_says_so_when_the_child_ends_without_an_answer() -> None:
    with pytest.raises(WorkerError, match=r"ended without its result \(exit code 3\)"):
        Forked(_die).result()


def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_it_says_how_a_killed_child_ended() -> None:
    with pytest.raises(WorkerError, match="killed by SIGKILL, perhaps out of memory"):
        Forked(_killed).result()


def test_a_result_larger_than_a_pipe_comes_back_whole() -> None:
    assert Forked(_big).result() == _big()


def test_an_abandoned_call_leaves_no_child_behind() -> None:
    call = Forked(_big)
    pid = call._pid
    del call
    gc.collect()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped already: no such child


def _unpicklable_result() -> object:
    return lambda: None  # a lambda cannot be pickled: the child fails while sending


def test_a_result_that_cannot_be_sent_is_a_worker_error() -> None:
    with pytest.raises(WorkerError, match="exit code 1"):
        Forked(_unpicklable_result).result()


def _niceness() -> int:
    return os.nice(0)


def test_a_background_child_runs_at_the_lowest_priority() -> None:
    assert Forked(_niceness, background=True).result() == 19
    assert Forked(_niceness).result() == os.nice(0)


def _state(pid: int) -> str | None:
    """The process's state letter ("Z" for one that has exited but is not collected), None once collected."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads process states from /proc")
def test_a_child_whose_result_is_in_is_collected_by_a_later_result() -> None:
    """`result()` does not wait for a child's teardown (20–30 ms for a few hundred MB): a later one collects it."""
    import time

    first = Forked(_pid)
    first_pid = first.result()
    deadline = time.monotonic() + 10
    while _state(first_pid) not in ("Z", None) and time.monotonic() < deadline:
        time.sleep(0.01)  # its teardown, after the result was sent
    assert Forked(_total, [1, 2]).result() == 3  # collects the first on the way
    assert _state(first_pid) is None


def _holding(path: str) -> int:
    """Open `path` and keep it open (it is released when the process ends); this process's id."""
    _kept.append(open(path, "rb"))  # noqa: SIM115
    return os.getpid()


_kept: list[object] = []


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads process states from /proc")
def test_a_lingering_child_holds_what_it_opened_until_it_is_let_go(tmp_path: Path) -> None:
    """With `linger`, the child sends its result, then keeps its files open until the parent closes its end of
    the pipe: a file the parent removes meanwhile is released by the child, not by the parent."""
    import time

    held = tmp_path / "held"
    held.write_bytes(b"x" * 100_000)
    release = os.pipe()
    child = Forked(_holding, str(held), linger=release)
    os.close(release[0])
    pid = child.result()
    held.unlink()  # the name goes; the child still holds the file
    time.sleep(0.05)
    assert _state(pid) not in ("Z", None)  # still waiting, with the removed file open
    assert any("held (deleted)" in os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd"))
    os.close(release[1])
    deadline = time.monotonic() + 10
    while _state(pid) not in ("Z", None) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _state(pid) in ("Z", None)  # ended once let go
    Forked(_pid).result()  # collects it

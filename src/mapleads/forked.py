"""Python work run beside the main thread in a forked child process, its result collected later.

A thread would not do: CPU-bound Python holds the GIL the main thread needs (an index build's area geometry held
it for 11 of its 16 seconds, and the lead encoding waited). A forked child sees the parent's objects as they are
(nothing to pickle on the way in) and runs on the other core; only its result comes back, pickled. Where fork is
missing (Windows) the work runs in a thread instead.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, BinaryIO, Generic, TypeVar

from mapleads.errors import WorkerError

T = TypeVar("T")
#: bytes read and written through the result pipe at a time: a result of a million records moved in 8 KB reads
#: and writes spent most of its time in system calls
PIPE_BUFFER = 1 << 20


class Forked(Generic[T]):
    """`fn(*args)` started now in a child process; `result()` waits for it (and raises what it raised)."""

    def __init__(
        self, fn: Callable[..., T], *args: Any, background: bool = False, linger: tuple[int, int] | None = None
    ) -> None:
        """`background`: the child runs at the lowest priority, on a core the parent's other work leaves idle
        (work that would otherwise slow down what the result is needed after). `linger`: a pipe (read end, write
        end) whose write end the parent closes when it no longer needs the child: the child sends its result, lets
        go of its standard streams and waits for that before it ends, so what it still holds open (files the
        parent removes meanwhile) is released by it, not by the parent."""
        self._future: Future[T] | None = None
        if not hasattr(os, "fork"):
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="forked")
            self._future = pool.submit(fn, *args)
            pool.shutdown(wait=False)
            return
        read, write = os.pipe()
        _widen(read)
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read)
            if background:
                with contextlib.suppress(OSError):
                    os.nice(19)
            _run_child(write, fn, args, linger)
        os.close(write)
        self._pid, self._read = pid, read
        # a parent that fails before asking for the result must not leave the child blocked on a full pipe
        self._reaper = weakref.finalize(self, _reap, pid, read)

    def done(self) -> bool:
        """Whether the result is there (or the child has ended without one): `result()` would not wait."""
        if self._future is not None:
            return self._future.done()
        readable, _, _ = select.select([self._read], [], [], 0)
        return bool(readable)

    def result(self) -> T:
        if self._future is not None:
            return self._future.result()
        self._reaper.detach()
        with os.fdopen(self._read, "rb", buffering=PIPE_BUFFER) as pipe:
            try:
                # unpickled as it streams in: the result is never held twice (half an index's records are GBs)
                ok, value = pickle.load(pipe)
            except (EOFError, pickle.UnpicklingError):
                ok, value = None, None
        if ok is None:
            _, status = os.waitpid(self._pid, 0)
            raise WorkerError(f"a worker process ended without its result ({_how_it_ended(status)}): try again")
        _reap_later(self._pid)
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]


def spool_file() -> BinaryIO:
    """An anonymous file in memory (Linux's memfd; a temporary file elsewhere) for a large result a child writes
    while its parent is still busy: through the result pipe the child waits for the parent to read it, and its
    writing no longer overlaps the parent's work."""
    if hasattr(os, "memfd_create"):
        return os.fdopen(os.memfd_create("mapleads-spool"), "w+b")
    import tempfile

    return tempfile.TemporaryFile()  # the caller closes it


#: children whose result came back but whose exit had not been collected yet
_exiting: set[int] = set()


def _reap_later(pid: int) -> None:
    """Collect the exit of a child whose result is in, without waiting for it: a child that held a few hundred MB
    takes 20–30 ms to be torn down after sending its result, time its parent need not spend. Children seen
    before are collected too if they are gone; a CLI run's last ones are collected by the system at its exit."""
    _exiting.add(pid)
    for child in list(_exiting):
        try:
            done, _ = os.waitpid(child, os.WNOHANG)
        except ChildProcessError:  # collected elsewhere
            done = child
        if done:
            _exiting.discard(child)


def _widen(pipe: int) -> None:
    """Let the pipe hold PIPE_BUFFER bytes (Linux; 64 KB by default): the child writes while the parent reads."""
    with contextlib.suppress(ImportError, AttributeError, OSError):  # not Linux, or above the system's limit
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_BUFFER)


def _how_it_ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        return f"killed by {name}" + (", perhaps out of memory" if name == "SIGKILL" else "")
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def _run_child(
    write: int, fn: Callable[..., Any], args: tuple[Any, ...], linger: tuple[int, int] | None = None
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C ends the child quietly; the parent reports it
    code = 0
    try:
        if linger is not None:
            os.close(linger[1])  # the parent's end: only the parent's own copy may keep this child waiting
        with os.fdopen(write, "wb", buffering=PIPE_BUFFER) as pipe:
            try:
                value = fn(*args)
            except BaseException as exc:  # the parent raises it
                pipe.write(_error_payload(exc))
            else:
                pickle.dump((True, value), pipe, protocol=pickle.HIGHEST_PROTOCOL)
        if linger is not None:
            _wait_for_release(linger[0])
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no flushing of what the parent owns


def _wait_for_release(read: int) -> None:
    """Wait until the parent closes its end of the pipe, with the standard streams let go first: a caller that
    reads the parent's output until its end must not wait for this child too."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    while os.read(read, 1):
        pass


def _error_payload(exc: BaseException) -> bytes:
    try:
        payload = pickle.dumps((False, exc))
        pickle.loads(payload)  # an exception that cannot come back as itself comes back as its message
    except Exception:
        payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    return payload


def _reap(pid: int, read: int) -> None:
    with contextlib.suppress(OSError):
        os.close(read)
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass

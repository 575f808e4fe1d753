"""`mapleads serve`: the web service and a job worker in one command, migrations applied on start."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import typer

from mapleads.errors import MapleadsError


def _manage(*args: str) -> list[str]:
    return [sys.executable, "-m", "mapleads.web", *args]


def _start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A child in a process group of its own, so stopping it reaches the processes it forks (server workers)."""
    return subprocess.Popen(cmd, env=env, start_new_session=True)


def _signal_group(proc: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signum)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Ask each child's group to stop; a group still there after 15 s is killed whole (Granian swallows a SIGTERM
    that arrives while it starts, and killing only its main process would orphan its workers on the port)."""
    for proc in procs:
        _signal_group(proc, signal.SIGTERM)
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
        _signal_group(proc, signal.SIGKILL)
        proc.wait()


#: the web server's defaults: a process per core of a small machine, one request thread each
WEB_WORKERS = 2
THREADS = 1


def server_command(host: str, port: int, workers: int, threads: int, access_log: bool = True) -> list[str]:
    """Granian (HTTP in Rust) serving the Django WSGI app: `workers` processes of `threads` request threads.

    Few threads on purpose: threads of one process contend for the GIL, and under load some requests then wait
    seconds (Granian's WSGI default is hundreds per process). bench/bench_api.py on 2 cores: 2 processes x 1
    thread gave the steadiest p99; more concurrency is better bought with processes than with threads.
    """
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
        "--workers", str(workers), "--blocking-threads", str(threads), "--log-level", "warning",
        "--access-log" if access_log else "--no-access-log", "mapleads.web.wsgi:application",
    ]  # fmt: skip


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
        web_workers: int = typer.Option(WEB_WORKERS, min=1, help="Web server processes."),
        threads: int = typer.Option(THREADS, min=1, help="Request threads per web server process."),
        pbf: Path | None = typer.Option(None, help="The .pbf file jobs read (MAPLEADS_WEB_PBF_PATH)."),
    ) -> None:
        """Run the web app and a job worker (SQLite + SqliteHuey unless MAPLEADS_DATABASE_URL / _REDIS_URL)."""
        env = dict(os.environ)
        env.setdefault("DJANGO_SETTINGS_MODULE", "mapleads.web.settings")
        if pbf is not None:
            if not pbf.is_file():
                raise MapleadsError(f"file not found: {pbf}")
            env["MAPLEADS_WEB_PBF_PATH"] = str(pbf.resolve())
        host_names = {h for h in env.get("MAPLEADS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h}
        if host not in ("0.0.0.0", "::"):
            env["MAPLEADS_ALLOWED_HOSTS"] = ",".join(sorted(host_names | {host}))
        if subprocess.run(_manage("migrate", "--no-input", "-v", "0"), env=env).returncode != 0:
            raise MapleadsError("could not prepare the database (see the message above)")
        server_cmd = server_command(host, port, web_workers, threads)
        procs = [_start(_manage("run_huey"), env), _start(server_cmd, env)]

        def on_signal(signum: int, frame: FrameType | None) -> None:
            _stop(procs)
            raise typer.Exit(0)

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        typer.echo(f"MapLeadExtractor is running at http://{shown}:{port}/  (Ctrl+C to stop)", err=True)
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        _stop(procs)
        raise MapleadsError("the web server or the worker stopped unexpectedly (see the messages above)")

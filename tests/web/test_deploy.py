"""Production settings (MAPLEADS_TLS=1, a real secret key, debug off) pass `check --deploy` without warnings;
`mapleads serve` starts the web app and a worker, applying migrations on first start."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .conftest import DEMO_PBF, REPO


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAPLEADS_", "DJANGO_"))}
    env.update({"MAPLEADS_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO / "src"), **extra})
    return env


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = clean_env(
        tmp_path,
        MAPLEADS_TLS="1",
        MAPLEADS_SECRET_KEY=secrets.token_urlsafe(60),
        MAPLEADS_ALLOWED_HOSTS="leads.example.com",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mapleads.web", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_migrates_and_answers_on_the_chosen_port(tmp_path: Path) -> None:
    port = free_port()
    env = clean_env(tmp_path)
    cmd = [sys.executable, "-m", "mapleads", "serve", "--port", str(port), "--web-workers", "1", "--pbf", str(DEMO_PBF)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                if health.status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            raise AssertionError("mapleads serve did not answer within 90 s")
        home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert "Business leads from map data" in home.text
        assert "Content-Security-Policy" in home.headers
        assert (tmp_path / "web.sqlite3").exists()
        css = httpx.get(f"http://127.0.0.1:{port}/static/vendor/leaflet/leaflet.css", timeout=5)
        assert css.status_code == 200 and ".leaflet-container" in css.text
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out.decode()
    assert f"http://127.0.0.1:{port}/" in out.decode()


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
def test_serve_stopped_while_starting_leaves_no_process_behind(tmp_path: Path) -> None:
    port = free_port()
    cmd = [sys.executable, "-m", "mapleads", "serve", "--port", str(port), "--web-workers", "2"]
    proc = subprocess.Popen(cmd, env=clean_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    for line in proc.stdout:
        if b"is running at" in line:
            break
    deadline = time.monotonic() + 30
    while len(_processes_mentioning(f"--port {port}")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's workers exist but are still importing Django: stop it mid-start
    proc.terminate()
    proc.communicate(timeout=60)
    assert _processes_mentioning(f"--port {port}") == []
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # nothing is left listening on it


def test_serve_refuses_a_missing_pbf_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mapleads", "serve", "--pbf", str(tmp_path / "none.osm.pbf")],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "file not found" in result.stderr and "Traceback" not in result.stderr

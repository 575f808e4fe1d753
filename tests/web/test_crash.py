"""A real worker process killed with SIGKILL in the middle of a job: another worker takes the job over and it
completes with exactly the expected leads, none lost, none twice. Run on SqliteHuey and on RedisHuey (Redis on
127.0.0.1:6379), and on whichever database the suite runs on (SQLite, or PostgreSQL in the second run)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

import mapleads
from mapleads.web.jobs.models import Job, StoredLead

from .conftest import DEMO_PBF, REPO

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
REDIS_URL = "redis://127.0.0.1:6379/13"


def database_url() -> str:
    """The test database as a URL the worker processes can open."""
    cfg = connection.settings_dict
    if cfg["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{cfg['NAME']}"
    host, port, user = cfg["HOST"] or "127.0.0.1", cfg["PORT"] or 5432, cfg["USER"] or "postgres"
    password = f":{cfg['PASSWORD']}" if cfg.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{cfg['NAME']}"


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def worker_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "MAPLEADS_DATA_DIR": str(tmp_path),
            "MAPLEADS_DATABASE_URL": database_url(),
            "MAPLEADS_WEB_PBF_PATH": str(DEMO_PBF),
            "MAPLEADS_WORKERS": "1",
            "MAPLEADS_JOB_BATCH_SIZE": "2",  # small transactions: the kill lands mid-job even on a busy machine
            "MAPLEADS_JOB_HEARTBEAT_S": "0.2",
            "MAPLEADS_JOB_STALE_AFTER_S": "2",
            "PYTHONPATH": str(REPO / "src"),
        }
    )
    env.pop("MAPLEADS_REDIS_URL", None)
    if request.param == "redis":
        redis = pytest.importorskip("redis")
        client = redis.Redis.from_url(REDIS_URL)
        try:
            client.ping()
        except redis.ConnectionError:
            pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
        client.flushdb()
        env["MAPLEADS_REDIS_URL"] = REDIS_URL
    return env


def manage(env: dict[str, str], *args: str) -> list[str]:
    return [sys.executable, "-m", "mapleads.web", *args]


@pytest.fixture
def start_worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"worker-{len(procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(manage(worker_env, "run_huey"), env=worker_env, stdout=log, stderr=log)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def test_a_worker_killed_mid_job_loses_and_duplicates_no_lead(
    alice: Any, worker_env: dict[str, str], start_worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    expected = [lead.id for lead in mapleads.extract("all", path=DEMO_PBF)]
    job = Job.objects.create(owner=alice, what="all", area_kind="everywhere")
    first = start_worker()
    enqueue = f"from mapleads.web.jobs.tasks import run_job_task; run_job_task('{job.pk}', '{job.lease}')"
    subprocess.run(manage(worker_env, "shell", "-c", enqueue), env=worker_env, check=True, timeout=60)

    def stored() -> int:
        return StoredLead.objects.filter(job=job).count()

    wait_for(lambda: stored() >= 100, 60, "the first worker to store leads")
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    killed_at = stored()
    job.refresh_from_db()
    assert job.state == "running" and 100 <= killed_at < len(expected), "the kill must land mid-job"

    time.sleep(2.5)  # MAPLEADS_JOB_STALE_AFTER_S: the dead worker's heartbeat is now stale
    start_worker()  # its start-up reaper re-queues the job (a running service also reaps every minute)
    wait_for(lambda: Job.objects.filter(pk=job.pk, state="done").exists(), 90, "the second worker to finish")

    job.refresh_from_db()
    ids = list(StoredLead.objects.filter(job=job).values_list("lead_id", flat=True))
    assert len(ids) == len(set(ids)) == len(expected)
    assert sorted(ids) == sorted(expected)
    assert job.lead_count == len(expected) and job.attempts == 2

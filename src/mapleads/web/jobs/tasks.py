"""Huey tasks: run a job; re-queue stale jobs every minute and whenever a worker starts."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from mapleads.web.jobs import runner

log = logging.getLogger(__name__)


@db_task()
def run_job_task(job_id: str, lease: str) -> str:
    return runner.run_job(job_id, lease)


@db_periodic_task(crontab(minute="*"))
def reap_stale_jobs_task() -> None:
    requeued = runner.reap_stale_jobs()
    if requeued:
        log.warning("re-queued stale jobs: %s", ", ".join(requeued))


@on_startup()
def reap_on_startup() -> None:
    from django.db import close_old_connections

    try:
        requeued = runner.reap_stale_jobs()
        if requeued:
            log.warning("worker start: re-queued stale jobs: %s", ", ".join(requeued))
    finally:
        close_old_connections()

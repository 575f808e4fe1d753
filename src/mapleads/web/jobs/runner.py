"""Running one job in a worker, crash-safe.

A worker claims the job with its lease, streams `mapleads.extract` into the database in batches and beats a
heartbeat from a side thread. Every batch is an idempotent upsert keyed by (job, lead id), committed together
with the checkpoint, and only while the lease is held: a worker killed at any point leaves whole batches, and
the worker that takes over skips the leads already stored, so nothing is lost or written twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

import mapleads
from mapleads.errors import MapleadsError
from mapleads.lead import Lead
from mapleads.settings import get_settings
from mapleads.web.jobs.leadrows import UPDATE_FIELDS, row_values
from mapleads.web.jobs.models import Job, StoredLead
from mapleads.web.jobs.services import requeue, spec_of
from mapleads.web.jobs.spec import extract_arguments

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """The job was cancelled or handed to another worker: stop without writing."""


def job_folder(job_id: object) -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / str(job_id)


class Heartbeat:
    """Proves the worker is alive every `job_heartbeat_s` and notices a lost lease; carries progress."""

    def __init__(self, job: Job) -> None:
        self.job_id, self.lease = job.pk, job.lease
        self.done, self.total = job.progress_done, job.progress_total
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"heartbeat-{job.pk}", daemon=True)

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if self.lost.is_set():
            raise LeaseLost()

    def beat(self) -> None:
        alive = Job.objects.filter(pk=self.job_id, lease=self.lease, state=Job.State.RUNNING).update(
            heartbeat_at=timezone.now(), progress_done=self.done, progress_total=self.total
        )
        if not alive:
            self.lost.set()

    def _loop(self) -> None:
        interval = get_settings().job_heartbeat_s
        try:
            while not self._stop.wait(interval):
                self.beat()
        finally:
            connection.close()

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def claim(job_id: str, lease: str) -> Job | None:
    """Take a queued job for this lease; None if it was cancelled, finished or re-leased meanwhile."""
    now = timezone.now()
    taken = Job.objects.filter(pk=job_id, lease=lease, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        heartbeat_at=now,
        started_at=Coalesce(F("started_at"), now),
        attempts=F("attempts") + 1,
    )
    return Job.objects.get(pk=job_id) if taken else None


def write_batch(
    job: Job,
    rows: list[dict[str, object]],
    written: int,
    *,
    final: bool = False,
    progress: tuple[int, int] | None = None,
) -> None:
    """Upsert one batch and move the checkpoint (and the progress, when given: a job may end before the
    heartbeat's first beat), atomically, only while our lease holds."""
    with transaction.atomic():
        extra = {"progress_done": progress[0], "progress_total": progress[1]} if progress else {}
        held = Job.objects.filter(pk=job.pk, lease=job.lease, state=Job.State.RUNNING).update(
            heartbeat_at=timezone.now(),
            lead_count=written,
            stage=Job.Stage.FINALIZE if final else Job.Stage.EXTRACT,
            **extra,
        )
        if not held:
            raise LeaseLost()
        if rows:
            StoredLead.objects.bulk_create(
                [StoredLead(job_id=job.pk, **row) for row in rows],
                update_conflicts=True,
                unique_fields=["job", "lead_id"],
                update_fields=UPDATE_FIELDS,
            )


def extract_stage(job: Job, leads: Iterable[Lead], heartbeat: Heartbeat) -> None:
    stored = set(StoredLead.objects.filter(job=job).values_list("lead_id", flat=True))
    written = len(stored)
    batch_size = max(1, get_settings().job_batch_size)
    batch: list[dict[str, object]] = []
    for position, lead in enumerate(leads):
        if heartbeat.lost.is_set():
            raise LeaseLost()
        if lead.id in stored:  # resumed: written before the crash
            continue
        stored.add(lead.id)
        batch.append(row_values(lead, position))
        if len(batch) >= batch_size:
            written += len(batch)
            write_batch(job, batch, written, progress=(heartbeat.done, heartbeat.total))
            batch = []
    written += len(batch)
    write_batch(job, batch, written, final=True, progress=(heartbeat.done, heartbeat.total))


def finalize_stage(job: Job) -> None:
    with transaction.atomic():
        count = StoredLead.objects.filter(job=job).count()
        done = Job.objects.filter(pk=job.pk, lease=job.lease, state=Job.State.RUNNING).update(
            state=Job.State.DONE,
            lead_count=count,
            finished_at=timezone.now(),
            progress_done=F("progress_total"),
        )
        if not done:
            raise LeaseLost()


def fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk, lease=job.lease, state=Job.State.RUNNING).update(
        state=Job.State.FAILED, error=message[:2000], finished_at=timezone.now()
    )


def run_job(job_id: str, lease: str) -> str:
    """Run a job to its end for this lease; returns the state it ended in (or 'skipped')."""
    job = claim(job_id, lease)
    if job is None:
        return "skipped"
    try:
        if job.stage == Job.Stage.EXTRACT:
            with Heartbeat(job) as heartbeat:
                kwargs = extract_arguments(spec_of(job), job_folder(job.pk))
                leads = mapleads.extract(job.what, progress=heartbeat.progress, **kwargs)
                extract_stage(job, leads, heartbeat)
        finalize_stage(job)
    except LeaseLost:
        log.info("job %s: lease lost (cancelled or re-queued); stopping", job_id)
        return "lease-lost"
    except MapleadsError as exc:
        fail(job, str(exc))
    except Exception as exc:
        log.exception("job %s failed", job_id)
        fail(job, f"internal error ({type(exc).__name__}); the job can be retried")
    finally:
        close_old_connections()
    job.refresh_from_db()
    return job.state


def reap_stale_jobs() -> list[str]:
    """Re-queue running jobs whose worker stopped beating (killed, machine lost)."""
    cutoff = timezone.now() - timedelta(seconds=get_settings().job_stale_after_s)
    stale = Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=cutoff)
    return [str(job.pk) for job in stale if requeue(job)]

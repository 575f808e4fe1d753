"""Creating, cancelling and retrying jobs: the only place the UI and the API change a job's state."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from mapleads.web.jobs.models import Job
from mapleads.web.jobs.spec import JobSpec


def spec_of(job: Job) -> JobSpec:
    return JobSpec(
        what=job.what,
        area_kind=job.area_kind,
        place=job.place,
        bbox=job.bbox,
        near=job.near,
        radius=job.radius,
        polygon=job.polygon,
        source=job.source,
        enrich=job.enrich,
        limit=job.limit,
        title=job.title,
    )


def _enqueue(job: Job) -> None:
    from mapleads.web.jobs.tasks import run_job_task

    job_id, lease = str(job.pk), str(job.lease)
    transaction.on_commit(lambda: run_job_task(job_id, lease))


@transaction.atomic
def create_job(owner: Any, spec: JobSpec) -> Job:
    """Validate (MapleadsError on bad input), store and queue a job."""
    spec.validate()
    job = Job.objects.create(
        owner=owner,
        title=spec.title[:200],
        what=spec.what,
        area_kind=spec.area_kind,
        place=spec.place,
        bbox=spec.bbox,
        near=spec.near,
        radius=spec.radius,
        polygon=spec.polygon,
        source=spec.source,
        enrich=spec.enrich,
        limit=spec.limit,
    )
    _enqueue(job)
    return job


@transaction.atomic
def cancel_job(job: Job) -> bool:
    """Stop a queued or running job; its worker notices at the next heartbeat. False if it had ended."""
    changed = Job.objects.filter(pk=job.pk, state__in=Job.ACTIVE).update(
        state=Job.State.CANCELLED, lease=uuid.uuid4(), finished_at=timezone.now()
    )
    job.refresh_from_db()
    return bool(changed)


@transaction.atomic
def retry_job(job: Job) -> bool:
    """Queue a failed or cancelled job again; it resumes from its checkpoint and keeps the leads found."""
    lease = uuid.uuid4()
    changed = Job.objects.filter(pk=job.pk, state__in=(Job.State.FAILED, Job.State.CANCELLED)).update(
        state=Job.State.QUEUED, lease=lease, error="", finished_at=None
    )
    job.refresh_from_db()
    if changed:
        _enqueue(job)
    return bool(changed)


def requeue(job: Job) -> bool:
    """Hand a stale running job to a new worker (the reaper); the old worker loses its lease."""
    with transaction.atomic():
        changed = Job.objects.filter(pk=job.pk, lease=job.lease, state=Job.State.RUNNING).update(
            state=Job.State.QUEUED, lease=uuid.uuid4()
        )
        if changed:
            job.refresh_from_db()
            _enqueue(job)
    return bool(changed)

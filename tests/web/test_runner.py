"""The job runner on the real Helsinki data: the stored leads are exactly the engine's; re-runs, takeovers and
cancels never duplicate or lose a lead."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

import mapleads
from mapleads.settings import get_settings
from mapleads.web.jobs import runner, services
from mapleads.web.jobs.leadrows import row_values
from mapleads.web.jobs.models import Job, StoredLead
from mapleads.web.jobs.spec import JobSpec

from .conftest import DEMO_PBF

CENTRE_BOX = "24.925,60.160,24.950,60.172"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def expected_ids() -> list[str]:
    return [lead.id for lead in mapleads.extract("all", path=DEMO_PBF, bbox=CENTRE_BOX)]


@pytest.fixture
def job(alice: Any) -> Job:
    return services.create_job(alice, JobSpec(what="all", area_kind="bbox", bbox=CENTRE_BOX))


def stored_ids(job: Job) -> list[str]:
    return list(StoredLead.objects.filter(job=job).order_by("position").values_list("lead_id", flat=True))


def test_it_stores_exactly_the_leads_the_engine_yields(job: Job, expected_ids: list[str]) -> None:
    assert len(expected_ids) > 50
    assert runner.run_job(str(job.pk), str(job.lease)) == "done"
    job.refresh_from_db()
    assert stored_ids(job) == expected_ids
    assert job.lead_count == len(expected_ids) and job.stage == "finalize" and job.finished_at is not None
    assert job.progress_total > 0 and job.attempts == 1


def test_a_stale_job_is_requeued_and_finishes_without_duplicates(job: Job, expected_ids: list[str]) -> None:
    head = list(mapleads.extract("all", path=DEMO_PBF, bbox=CENTRE_BOX, limit=30))
    StoredLead.objects.bulk_create([StoredLead(job=job, **row_values(lead, i)) for i, lead in enumerate(head)])
    old_lease = job.lease
    Job.objects.filter(pk=job.pk).update(
        state="running", heartbeat_at=timezone.now() - timezone.timedelta(seconds=60), lead_count=30
    )
    assert runner.reap_stale_jobs() == [str(job.pk)]
    job.refresh_from_db()
    assert job.state == "queued" and job.lease != old_lease
    assert runner.run_job(str(job.pk), str(old_lease)) == "skipped"  # the dead worker's lease is void
    assert runner.run_job(str(job.pk), str(job.lease)) == "done"
    assert sorted(stored_ids(job)) == sorted(expected_ids)
    assert len(stored_ids(job)) == len(set(stored_ids(job)))


def test_a_job_with_a_live_heartbeat_is_left_alone(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(state="running", heartbeat_at=timezone.now())
    assert runner.reap_stale_jobs() == []


def test_a_finished_extract_stage_resumes_at_the_finalize_checkpoint(job: Job, expected_ids: list[str]) -> None:
    assert runner.run_job(str(job.pk), str(job.lease)) == "done"
    Job.objects.filter(pk=job.pk).update(state="queued", lead_count=0)
    StoredLead.objects.filter(job=job, lead_id=expected_ids[0]).update(name="kept, not rewritten")
    assert runner.run_job(str(job.pk), str(job.lease)) == "done"
    job.refresh_from_db()
    assert job.lead_count == len(expected_ids) and job.attempts == 2
    assert StoredLead.objects.get(job=job, lead_id=expected_ids[0]).name == "kept, not rewritten"


def test_a_cancelled_job_writes_nothing_more(job: Job) -> None:
    claimed = runner.claim(str(job.pk), str(job.lease))
    assert claimed is not None
    services.cancel_job(job)
    lead = next(iter(mapleads.extract("all", path=DEMO_PBF, bbox=CENTRE_BOX, limit=1)))
    with pytest.raises(runner.LeaseLost):
        runner.write_batch(claimed, [row_values(lead, 0)], 1)
    assert not StoredLead.objects.filter(job=job).exists()
    assert runner.run_job(str(job.pk), str(job.lease)) == "skipped"


@pytest.fixture
def missing_pbf(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    monkeypatch.setenv("MAPLEADS_WEB_PBF_PATH", str(tmp_path / "gone.osm.pbf"))
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_an_engine_error_fails_the_job_with_its_message(job: Job, missing_pbf: None) -> None:
    assert runner.run_job(str(job.pk), str(job.lease)) == "failed"
    job.refresh_from_db()
    assert "gone.osm.pbf" in job.error and job.finished_at is not None


def test_a_retried_job_resumes_and_completes(job: Job, missing_pbf: None, expected_ids: list[str]) -> None:
    runner.run_job(str(job.pk), str(job.lease))
    get_settings.cache_clear()
    import os

    os.environ["MAPLEADS_WEB_PBF_PATH"] = str(DEMO_PBF)
    get_settings.cache_clear()
    assert services.retry_job(job)
    assert runner.run_job(str(job.pk), str(job.lease)) == "done"
    assert stored_ids(job) == expected_ids


@pytest.fixture
def no_heartbeat(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MAPLEADS_JOB_HEARTBEAT_S", "3600")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_a_job_that_ends_before_its_first_heartbeat_still_saves_its_progress(job: Job, no_heartbeat: None) -> None:
    assert runner.run_job(str(job.pk), str(job.lease)) == "done"
    job.refresh_from_db()
    assert job.progress_total > 0 and job.progress_done == job.progress_total

"""Job downloads in every export format, written by `mapleads.export.write_leads` from the stored leads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from mapleads.export import FORMATS, ExportError, write_leads
from mapleads.lead import Lead
from mapleads.web.jobs.leadrows import to_lead
from mapleads.web.jobs.models import Job

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "ndjson": "application/x-ndjson",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
}


def _stored_leads(job: Job) -> Iterator[Lead]:
    for data in job.leads.order_by("position", "id").values_list("data", flat=True).iterator(chunk_size=2000):
        yield to_lead(data)


def export_file(job: Job, fmt: str, folder: Path) -> Path:
    """The job's leads as one file; a finished job's file is written once and then served from disk."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    stamp = job.finished_at.strftime("%Y%m%d%H%M%S%f") if job.finished_at and job.state == Job.State.DONE else None
    name = f"leads-{stamp}.{fmt}" if stamp else f"leads-partial-{job.lead_count}.{fmt}"
    path = folder / "exports" / name
    if stamp is None or not path.exists():
        write_leads(_stored_leads(job), path, metadata={"job": str(job.pk), "query": job.describe()})
    return path


def download_name(job: Job, fmt: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in job.describe().lower()).strip("-")[:60] or "leads"
    return f"{slug}.{fmt}"

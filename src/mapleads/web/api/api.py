"""REST API: jobs create / list / get / cancel / retry, leads with cursor pagination and filters, exports.

Thin: it validates input, scopes every query to the key's owner and calls the jobs services.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, ValidationError

from mapleads.errors import MapleadsError
from mapleads.export import FORMATS
from mapleads.web.api.auth import API_AUTH, DEFERRED_AUTH
from mapleads.web.api.leadpage import owned_lead_page
from mapleads.web.api.schemas import Error, JobIn, JobList, JobOut, LeadPage
from mapleads.web.jobs import exports, queries, services
from mapleads.web.jobs.models import Job
from mapleads.web.jobs.runner import job_folder
from mapleads.web.jobs.spec import JobSpec

api = NinjaAPI(
    title="MapLeadExtractor API",
    version="1",
    description="Business leads from map data. Authenticate with an API key created on your profile page: "
    "`Authorization: Bearer mlx_…` or `X-API-Key: mlx_…`.",
    auth=API_AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


@api.exception_handler(MapleadsError)
def bad_input(request: HttpRequest, exc: MapleadsError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    parts = []
    for err in exc.errors:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload"))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return api.create_response(request, {"detail": "; ".join(parts), "errors": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "missing, invalid or revoked API key"}, status=401)


def _spec(payload: JobIn) -> JobSpec:
    given = {k: v for k in ("place", "bbox", "near", "polygon") if (v := getattr(payload, k))}
    if len(given) > 1:
        raise MapleadsError("give only one of place, bbox, near (+radius), polygon")
    if payload.radius and not payload.near:
        raise MapleadsError("radius needs near (LAT,LON)")
    kind = {"near": "radius"}.get(next(iter(given), ""), next(iter(given), "everywhere"))
    what = payload.what if isinstance(payload.what, str) else ", ".join(payload.what)
    return JobSpec(
        what=what,
        area_kind=kind,
        place=payload.place or "",
        bbox=payload.bbox or "",
        near=payload.near or "",
        radius=payload.radius or "",
        polygon=payload.polygon,
        source=payload.source,
        enrich=payload.enrich,
        limit=payload.limit,
        title=payload.title,
    )


@api.post("/jobs", response={201: JobOut, 400: Error, 422: Error}, tags=["jobs"])
def create_job(request: HttpRequest, payload: JobIn) -> Status[Job]:
    """Queue a lead job; poll GET /jobs/{id} for its progress."""
    return Status(201, services.create_job(request.user, _spec(payload)))


def _job_cursor(job: Job) -> str:
    return base64.urlsafe_b64encode(f"{job.created_at.isoformat()}|{job.pk}".encode()).decode()


@api.get("/jobs", response={200: JobList, 400: Error}, tags=["jobs"])
def list_jobs(
    request: HttpRequest,
    state: str | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    """Your jobs, newest first."""
    jobs = queries.owned_jobs(request.user).order_by("-created_at", "-id")
    if state:
        if state not in Job.State.values:
            raise MapleadsError(f"unknown state '{state}'; use one of {', '.join(Job.State.values)}")
        jobs = jobs.filter(state=state)
    if cursor:
        try:
            stamp, _, pk = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
            when, last = datetime.fromisoformat(stamp), UUID(pk)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise MapleadsError("invalid cursor: use the next_cursor value of the previous page") from None
        jobs = jobs.filter(created_at__lte=when).exclude(created_at=when, id__gte=last)
    page = list(jobs[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {"items": page, "next_cursor": _job_cursor(page[-1]) if more and page else None}


@api.get("/jobs/{job_id}", response={200: JobOut, 404: Error}, tags=["jobs"])
def get_job(request: HttpRequest, job_id: UUID) -> Job:
    return queries.get_owned_job(request.user, job_id)


@api.post("/jobs/{job_id}/cancel", response={200: JobOut, 404: Error, 409: Error}, tags=["jobs"])
def cancel_job(request: HttpRequest, job_id: UUID) -> Any:
    job = queries.get_owned_job(request.user, job_id)
    if not services.cancel_job(job):
        return Status(409, {"detail": f"the job has already ended ({job.state})"})
    return job


@api.post("/jobs/{job_id}/retry", response={200: JobOut, 404: Error, 409: Error}, tags=["jobs"])
def retry_job(request: HttpRequest, job_id: UUID) -> Any:
    job = queries.get_owned_job(request.user, job_id)
    if not services.retry_job(job):
        return Status(409, {"detail": f"only failed or cancelled jobs can be retried (this one is {job.state})"})
    return job


def _lead_json(row: tuple[Any, ...]) -> dict[str, Any]:
    lead_id, name, category, categories, lat, lon, phone, email, website, address, score, record, *_ = row
    return {
        "id": lead_id,
        "name": name,
        "category": category or None,
        "categories": [c for c in categories.split(";") if c],
        "lat": lat,
        "lon": lon,
        "phone": phone or None,
        "email": email or None,
        "website": website or None,
        "address": address,
        "score": score,
        "record": orjson.Fragment(record),
    }


@api.get("/jobs/{job_id}/leads", response={200: LeadPage, 400: Error, 404: Error}, tags=["leads"], auth=DEFERRED_AUTH)
def list_leads(
    request: HttpRequest,
    job_id: UUID,
    cursor: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    category: str = "",
    has_email: bool | None = None,
    has_phone: bool | None = None,
    min_score: int | None = Query(None, ge=0, le=100),
    q: str = "",
) -> HttpResponse:
    """The job's leads in extraction order; pass next_cursor back as cursor for the next page."""
    filters = queries.LeadFilters(category=category, has_email=has_email, has_phone=has_phone, min_score=min_score, q=q)
    # one query checks key and owner and reads the page; an empty page or a bad cursor takes the exact (ORM) path
    page = owned_lead_page(request.auth, job_id, filters, cursor, limit)  # type: ignore[attr-defined]
    if page is None:
        job = queries.get_owned_job(request.user, job_id)  # 401 for a revoked key, 404 for another's job
        page = queries.raw_page_after(filters.apply(job.leads.all()), cursor, limit)
    rows, next_cursor = page
    # the hot path of the API: stored records are embedded as JSON text, never parsed and re-encoded
    body = orjson.dumps({"items": [_lead_json(row) for row in rows], "next_cursor": next_cursor})
    return HttpResponse(body, content_type="application/json")


@api.get(
    "/jobs/{job_id}/export",
    response={200: None, 400: Error, 404: Error},
    tags=["leads"],
    openapi_extra={"responses": {200: {"description": "The lead file."}}},
)
def export(request: HttpRequest, job_id: UUID, format: str = Query("csv", description=", ".join(FORMATS))) -> Any:
    """Download all the job's leads in one export format."""
    job = queries.get_owned_job(request.user, job_id)
    path = exports.export_file(job, format, job_folder(job.pk))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=exports.download_name(job, format),
        content_type=exports.CONTENT_TYPES[format],
    )

"""Job pages: list, create, detail (progress, table, map), cancel, retry, downloads. All owner-scoped."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mapleads.export import FORMATS
from mapleads.web.jobs import exports, queries, services
from mapleads.web.jobs.forms import JobForm, LeadFilterForm
from mapleads.web.jobs.models import Job
from mapleads.web.jobs.runner import job_folder

TABLE_PAGE_SIZE = 100
MAP_MAX_POINTS = 10_000


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = queries.owned_jobs(request.user)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page": page})


@login_required
def job_new(request: HttpRequest) -> HttpResponse:
    form = JobForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.spec is not None:
        job = services.create_job(request.user, form.spec)
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "jobs/new.html", {"form": form, **map_context()})


def map_context() -> dict[str, Any]:
    from django.conf import settings

    return {"tile_url": settings.MAPLEADS_TILE_URL, "tile_attribution": settings.MAPLEADS_TILE_ATTRIBUTION}


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = queries.get_owned_job(request.user, job_id)
    filters = LeadFilterForm(categories=queries.job_categories(job))
    return render(
        request,
        "jobs/detail.html",
        {"job": job, "filters": filters, "formats": FORMATS, **map_context()},
    )


@login_required
@require_GET
def job_progress(request: HttpRequest, job_id: str) -> HttpResponse:
    job = queries.get_owned_job(request.user, job_id)
    response = render(request, "jobs/_progress.html", {"job": job})
    if not job.is_active and request.GET.get("was") in Job.ACTIVE:
        response["HX-Trigger"] = "job-finished"
    return response


def _filtered(request: HttpRequest, job: Job) -> tuple[LeadFilterForm, Any]:
    form = LeadFilterForm(request.GET, categories=queries.job_categories(job))
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.LeadFilters(
        category=data.get("category") or "",
        has_email=data.get("has_email"),
        has_phone=data.get("has_phone"),
        min_score=data.get("min_score"),
        q=data.get("q") or "",
    )
    sort = queries.SORTS.get(data.get("sort") or "position", queries.SORTS["position"])
    return form, filters.apply(job.leads.all()).order_by(*sort)


@login_required
@require_GET
def job_table(request: HttpRequest, job_id: str) -> HttpResponse:
    job = queries.get_owned_job(request.user, job_id)
    _form, leads = _filtered(request, job)
    page = Paginator(leads.defer("data"), TABLE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "jobs/_table.html", {"job": job, "page": page, "query": query.urlencode()})


@login_required
@require_GET
def job_map(request: HttpRequest, job_id: str) -> JsonResponse:
    """The same filtered leads as GeoJSON points for the Leaflet map."""
    job = queries.get_owned_job(request.user, job_id)
    _, leads = _filtered(request, job)
    rows = leads.filter(lat__isnull=False, lon__isnull=False).values_list(
        "lead_id", "name", "category", "lat", "lon", "phone", "email", "website"
    )[:MAP_MAX_POINTS]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": lid,
                "name": name,
                "category": cat,
                "phone": ph,
                "email": em,
                "website": web,
            },
        }
        for lid, name, cat, lat, lon, ph, em, web in rows
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    job = queries.get_owned_job(request.user, job_id)
    if services.cancel_job(job):
        messages.info(request, "Job cancelled.")
    else:
        messages.warning(request, f"The job had already ended ({job.get_state_display()}).")
    return redirect("jobs:detail", job_id=job.pk)


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: str) -> HttpResponse:
    job = queries.get_owned_job(request.user, job_id)
    if services.retry_job(job):
        messages.info(request, "Job queued again; it resumes where it stopped.")
    else:
        messages.warning(request, "Only failed or cancelled jobs can be retried.")
    return redirect("jobs:detail", job_id=job.pk)


@login_required
@require_GET
def job_download(request: HttpRequest, job_id: str, fmt: str) -> HttpResponse:
    job = queries.get_owned_job(request.user, job_id)
    if fmt not in FORMATS:
        return HttpResponse(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}", status=404)
    path = exports.export_file(job, fmt, job_folder(job.pk))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=exports.download_name(job, fmt),
        content_type=exports.CONTENT_TYPES[fmt],
    )

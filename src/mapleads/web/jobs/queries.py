"""Owner-scoped lookups and lead filters, shared by the pages and the API.

Every read of a job or a lead goes through `owned_jobs`: no other user's data is reachable by a guessed id.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from mapleads.errors import MapleadsError
from mapleads.web.jobs.models import Job, StoredLead

SORTS = {
    "position": ("position", "id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "category": ("category", "name", "id"),
    "score": ("score", "id"),
    "-score": ("-score", "-id"),
}


def owned_jobs(user: Any) -> QuerySet[Job]:
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(owner=user)


def get_owned_job(user: Any, job_id: object) -> Job:
    """The user's job, else 404 (the same answer for "not yours" and "does not exist")."""
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError:
        raise Http404("no such job") from None
    job = owned_jobs(user).filter(pk=pk).first()
    if job is None:
        raise Http404("no such job")
    return job


@dataclass(slots=True)
class LeadFilters:
    category: str = ""
    has_email: bool | None = None
    has_phone: bool | None = None
    min_score: int | None = None
    q: str = ""

    def apply(self, leads: QuerySet[StoredLead]) -> QuerySet[StoredLead]:
        if self.category:
            leads = leads.filter(Q(category=self.category) | Q(categories__contains=self.category))
        if self.has_email is not None:
            leads = leads.filter(has_email=self.has_email)
        if self.has_phone is not None:
            leads = leads.filter(has_phone=self.has_phone)
        if self.min_score is not None:
            leads = leads.filter(score__gte=self.min_score)
        if self.q.strip():
            term = self.q.strip()
            leads = leads.filter(
                Q(name__icontains=term)
                | Q(address__icontains=term)
                | Q(email__icontains=term)
                | Q(website__icontains=term)
                | Q(phone__icontains=term)
            )
        return leads


def job_categories(job: Job) -> list[str]:
    return sorted(c for c in job.leads.values_list("category", flat=True).distinct() if c)


# --- cursors: opaque, stable under inserts, for the (position, id) order -----------------------------------
def encode_cursor(lead: StoredLead) -> str:
    return base64.urlsafe_b64encode(f"{lead.position}:{lead.pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        position, _, pk = raw.partition(":")
        return int(position), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise MapleadsError("invalid cursor: use the next_cursor value of the previous page") from None


def page_after(leads: QuerySet[StoredLead], cursor: str | None, limit: int) -> tuple[list[StoredLead], str | None]:
    leads = leads.order_by("position", "id")
    if cursor:
        position, pk = decode_cursor(cursor)
        leads = leads.filter(Q(position__gt=position) | Q(position=position, id__gt=pk))
    page = list(leads[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return page, (encode_cursor(page[-1]) if more and page else None)

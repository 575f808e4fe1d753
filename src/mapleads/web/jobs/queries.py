"""Owner-scoped lookups and lead filters, shared by the pages and the API.

Every read of a job or a lead goes through `owned_jobs`: no other user's data is reachable by a guessed id.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
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

    def where(self, table: str) -> tuple[list[str], list[Any]]:
        """`apply` as raw SQL conditions on `table` (the lead table or its alias) and their parameters.

        LIKE patterns, casts and escaping come from the database backend, as the ORM builds them.
        """
        conds: list[str] = []
        params: list[Any] = []
        if self.category:
            conds.append(f"({table}.category = %s OR {_like(table, 'categories', 'contains')})")
            params += [self.category, _like_param(self.category)]
        for column, value in (("has_email", self.has_email), ("has_phone", self.has_phone)):
            if value is not None:
                conds.append(f"{table}.{column} = %s")
                params.append(value)
        if self.min_score is not None:
            conds.append(f"{table}.score >= %s")
            params.append(self.min_score)
        if term := self.q.strip():
            columns = ("name", "address", "email", "website", "phone")
            conds.append("(" + " OR ".join(_like(table, c, "icontains") for c in columns) + ")")
            params += [_like_param(term)] * len(columns)
        return conds, params


def _like(table: str, column: str, lookup: str) -> str:
    lhs = connection.ops.lookup_cast(lookup, "CharField") % f"{table}.{column}"
    return f"{lhs} {connection.operators[lookup] % '%s'}"


def _like_param(value: str) -> str:
    return f"%{connection.ops.prep_for_like_query(value)}%"


def job_categories(job: Job) -> list[str]:
    return sorted(c for c in job.leads.values_list("category", flat=True).distinct() if c)


# --- cursors: opaque, stable under inserts, for the (position, id) order -----------------------------------
def encode_cursor(lead: StoredLead) -> str:
    return cursor_text(lead.position, lead.pk)


def decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        position, _, pk = raw.partition(":")
        return int(position), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise MapleadsError("invalid cursor: use the next_cursor value of the previous page") from None


def cursor_text(position: int, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{position}:{pk}".encode()).decode().rstrip("=")


def after_cursor(leads: QuerySet[StoredLead], cursor: str | None) -> QuerySet[StoredLead]:
    leads = leads.order_by("position", "id")
    if cursor:
        position, pk = decode_cursor(cursor)
        leads = leads.filter(Q(position__gt=position) | Q(position=position, id__gt=pk))
    return leads


def page_after(leads: QuerySet[StoredLead], cursor: str | None, limit: int) -> tuple[list[StoredLead], str | None]:
    page = list(after_cursor(leads, cursor)[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return page, (encode_cursor(page[-1]) if more and page else None)


#: columns of the API's lead list; the record comes as JSON text and is embedded without being parsed
API_COLUMNS = ("lead_id", "name", "category", "categories", "lat", "lon", "phone", "email", "website", "address")


def raw_page_after(
    leads: QuerySet[StoredLead], cursor: str | None, limit: int
) -> tuple[list[tuple[Any, ...]], str | None]:
    """Like `page_after`, as value tuples (API_COLUMNS, score, record JSON text, position, id): the hot path."""
    rows = list(
        after_cursor(leads, cursor)
        .annotate(record_text=Cast("data", TextField()))
        .values_list(*API_COLUMNS, "score", "record_text", "position", "id")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (cursor_text(rows[-1][-2], rows[-1][-1]) if more and rows else None)

"""The lead list's hot path: one SQL statement checks the key, its user and the job's owner and reads a page.

The ORM path (jobs.queries: key, job, then page: three compiled queries) answers the same; this one is a single
round trip with no query compilation. An empty result is ambiguous (revoked key, someone else's job, or a filter
that matches nothing), and an invalid cursor must not be reported before the job check, so for both the view asks
the ORM path, which gives the exact answer.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection

from mapleads.errors import MapleadsError
from mapleads.web.api.keycache import KeyIdentity
from mapleads.web.api.models import ApiKey
from mapleads.web.jobs.models import Job, StoredLead
from mapleads.web.jobs.queries import LeadFilters, cursor_text, decode_cursor

#: a page row: the API's lead columns, score, the record as JSON text, then position and id (for the cursor)
Row = tuple[Any, ...]


@cache
def _head() -> str:
    """SELECT … FROM leads WHERE the job is the key's owner's, the key unrevoked and the user active."""
    qn = connection.ops.quote_name
    user = get_user_model()._meta
    lead, job, key = StoredLead._meta.db_table, Job._meta.db_table, ApiKey._meta.db_table
    return (
        "SELECT l.lead_id, l.name, l.category, l.categories, l.lat, l.lon, l.phone, l.email, l.website,"
        " l.address, l.score, CAST(l.data AS text), l.position, l.id"
        f" FROM {qn(lead)} l WHERE l.job_id = ("
        f"SELECT j.id FROM {qn(job)} j"
        f" JOIN {qn(key)} k ON k.user_id = j.owner_id"
        f" JOIN {qn(user.db_table)} u ON u.{qn(user.pk.column)} = j.owner_id"
        " WHERE j.id = %s AND j.owner_id = %s AND k.id = %s AND k.revoked_at IS NULL AND u.is_active = %s)"
    )


def owned_lead_page(
    identity: KeyIdentity, job_id: uuid.UUID, filters: LeadFilters, cursor: str | None, limit: int
) -> tuple[list[Row], str | None] | None:
    """Up to `limit` leads after `cursor` in (position, id) order and the next cursor if there are more; None
    when only the ORM path can answer (no rows, or an invalid cursor)."""
    job_param = Job._meta.pk.get_db_prep_value(job_id, connection)
    conds, params = filters.where("l")
    if cursor:
        try:
            params += decode_cursor(cursor)
        except MapleadsError:
            return None
        conds.append("(l.position, l.id) > (%s, %s)")
    sql = " AND ".join([_head(), *conds]) + " ORDER BY l.position, l.id LIMIT %s"
    with connection.cursor() as cur:
        cur.execute(sql, [job_param, identity.user_id, identity.key_id, True, *params, limit + 1])
        rows = cur.fetchall()
    if not rows:
        return None
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (cursor_text(rows[-1][-2], rows[-1][-1]) if more else None)

"""REST API: leads with cursor pagination and filters; downloads in every export format."""

import io
import json
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.test import Client

from mapleads.export import FORMATS, read_leads
from mapleads.web.api.leadpage import owned_lead_page
from mapleads.web.api.models import ApiKey
from mapleads.web.jobs.queries import LeadFilters, raw_page_after


def all_pages(client: Client, url: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        sep = "&" if "?" in url else "?"
        page = client.get(url + (f"{sep}cursor={cursor}" if cursor else "")).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def test_it_walks_every_lead_once_in_extraction_order(alice_api: Client, alice: Any, make_job: Any) -> None:
    job = make_job(alice, leads=23)
    items = all_pages(alice_api, f"/api/jobs/{job.pk}/leads?limit=5")
    assert [i["id"] for i in items] == [f"osm:n{1000 + i}" for i in range(23)]
    assert items[0]["record"]["address"]["street"] == "Mannerheimintie"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=dentist", lambda i: i % 2 == 1),
        ("has_email=true", lambda i: i % 3 == 0),
        ("has_phone=false", lambda i: i % 2 == 1),
        ("has_email=true&has_phone=true", lambda i: i % 6 == 0),
        ("q=Business%2001", lambda i: 10 <= i < 20),
        ("min_score=60", lambda i: i % 2 == 0 and (i % 3 == 0 or i % 4 == 0)),
    ],
)
def test_it_filters_leads(alice_api: Client, alice: Any, make_job: Any, query: str, expected: Any) -> None:
    job = make_job(alice, leads=20)
    items = all_pages(alice_api, f"/api/jobs/{job.pk}/leads?limit=7&{query}")
    assert [i["id"] for i in items] == [f"osm:n{1000 + i}" for i in range(20) if expected(i)]


def test_it_answers_a_filter_that_matches_nothing_with_an_empty_page(
    alice_api: Client, alice: Any, make_job: Any
) -> None:
    job = make_job(alice, leads=4)
    response = alice_api.get(f"/api/jobs/{job.pk}/leads?category=nothing-matches")
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("query", ["cursor=%%%", "cursor=bm9wZQ", "limit=0", "limit=5000", "min_score=101"])
def test_it_answers_bad_lead_queries_with_a_4xx_and_a_message(
    alice_api: Client, alice: Any, make_job: Any, query: str
) -> None:
    job = make_job(alice, leads=2)
    response = alice_api.get(f"/api/jobs/{job.pk}/leads?{query}")
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_downloads_every_export_format(
    alice_api: Client, alice: Any, make_job: Any, fmt: str, tmp_path: Any
) -> None:
    job = make_job(alice, leads=6)
    response = alice_api.get(f"/api/jobs/{job.pk}/export?format={fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment") and response["Content-Disposition"].endswith(
        f'.{fmt}"'
    )
    path = tmp_path / f"leads.{fmt}"
    path.write_bytes(b"".join(response.streaming_content))
    assert [lead.id for lead in read_leads(path)] == [f"osm:n{1000 + i}" for i in range(6)]


def test_it_writes_an_xlsx_that_opens_with_one_row_per_lead(alice_api: Client, alice: Any, make_job: Any) -> None:
    job = make_job(alice, leads=4)
    response = alice_api.get(f"/api/jobs/{job.pk}/export?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    assert [r[header.index("name")] for r in rows[1:5]] == [f"Business {i:03d}" for i in range(4)]


def test_it_refuses_an_unknown_export_format(alice_api: Client, alice: Any, make_job: Any) -> None:
    job = make_job(alice, leads=1)
    response = alice_api.get(f"/api/jobs/{job.pk}/export?format=docx")
    assert response.status_code == 400
    assert "unknown format" in json.loads(response.content)["detail"]


@pytest.mark.parametrize(
    "filters",
    [
        LeadFilters(),
        LeadFilters(category="dentist"),
        LeadFilters(has_email=True, has_phone=False),
        LeadFilters(min_score=60),
        LeadFilters(q="business 01"),
        LeadFilters(q="50%"),
        LeadFilters(q="info_"),
        LeadFilters(category="hairdresser", q="MANNER", has_phone=True),
    ],
)
def test_the_one_query_page_selects_what_the_orm_filters_select(
    alice: Any, make_job: Any, filters: LeadFilters
) -> None:
    job = make_job(alice, leads=23)
    _, text = ApiKey.issue(alice, "crm")
    identity = ApiKey.verify(text)
    assert identity is not None
    fast = walk(lambda cursor: owned_lead_page(identity, job.pk, filters, cursor, 4))
    assert fast == walk(lambda cursor: raw_page_after(filters.apply(job.leads.all()), cursor, 4))


def walk(page_of: Callable[[str | None], tuple[list[Any], str | None] | None]) -> list[tuple[Any, ...]]:
    """Every row of every page, following next cursors (a None page is an empty one)."""
    rows: list[tuple[Any, ...]] = []
    cursor = None
    while (page := page_of(cursor)) is not None:
        rows += [tuple(r) for r in page[0]]
        if not (cursor := page[1]):
            break
    return rows


def test_it_checks_the_job_before_the_cursor(alice: Any, make_job: Any, bob_api: Client) -> None:
    job = make_job(alice, leads=3)
    assert bob_api.get(f"/api/jobs/{job.pk}/leads?cursor=%%%").status_code == 404

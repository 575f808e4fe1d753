"""The cross-user isolation matrix: every job URL of the pages and of the API, for the owner, another user and
an anonymous visitor. URLs are enumerated from the URL configuration and the OpenAPI document, so a new URL is
covered as soon as it exists."""

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from mapleads.export import FORMATS
from mapleads.web.jobs.models import Job

POST_ONLY = {"cancel", "retry"}


def page_urls(job: Job) -> list[tuple[str, str]]:
    """(method, url) for every pattern of the jobs app that takes a job id."""
    resolver = get_resolver()
    urls = []
    for entry in resolver.url_patterns:
        if getattr(entry, "app_name", None) != "jobs":
            continue
        for pattern in entry.url_patterns:
            assert isinstance(pattern, URLPattern)
            route = str(pattern.pattern)
            if "<uuid:job_id>" not in route:
                continue
            for fmt in FORMATS if "<str:fmt>" in route else [None]:
                path = "/jobs/" + route.replace("<uuid:job_id>", str(job.pk)).replace("<str:fmt>", fmt or "")
                urls.append(("post" if pattern.name in POST_ONLY else "get", path))
    return urls


def api_urls(job: Job) -> list[tuple[str, str]]:
    doc = Client().get("/api/openapi.json").json()
    urls = []
    for path, ops in doc["paths"].items():
        if "{job_id}" not in path:
            continue
        for method in ops:
            url = path.replace("{job_id}", str(job.pk))
            urls.append((method, url + ("?format=csv" if url.endswith("/export") else "")))
    return urls


@pytest.fixture
def alices_job(alice: Any, make_job: Any) -> Job:
    return make_job(alice, leads=5, state="running")


def test_the_matrix_covers_every_job_url(alices_job: Job) -> None:
    pages, api = page_urls(alices_job), api_urls(alices_job)
    assert len(pages) >= 7 + len(FORMATS) - 1 and len(api) >= 5
    assert {m for m, _ in pages} == {"get", "post"} and {m for m, _ in api} == {"get", "post"}


def test_another_user_gets_404_on_every_page_url(alices_job: Job, bob_client: Client) -> None:
    for method, url in page_urls(alices_job):
        response = getattr(bob_client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    assert Job.objects.get(pk=alices_job.pk).state == "running"


def test_another_user_gets_404_on_every_api_url(alices_job: Job, bob_api: Client) -> None:
    for method, url in api_urls(alices_job):
        response = getattr(bob_api, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
        assert "Business" not in response.content.decode()
    assert Job.objects.get(pk=alices_job.pk).state == "running"


def test_anonymous_visitors_are_sent_to_log_in_or_refused(alices_job: Job) -> None:
    anonymous = Client()
    for method, url in page_urls(alices_job):
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (method, url)
    for method, url in api_urls(alices_job):
        assert getattr(anonymous, method)(url).status_code == 401, (method, url)
    assert Job.objects.get(pk=alices_job.pk).state == "running"


def test_the_owner_reaches_every_url(alices_job: Job, alice_client: Client, alice_api: Client) -> None:
    for method, url in page_urls(alices_job):
        response = getattr(alice_client, method)(url)
        assert response.status_code in (200, 302), (method, url, response.status_code)
    Job.objects.filter(pk=alices_job.pk).update(state="running")
    for method, url in api_urls(alices_job):
        response = getattr(alice_api, method)(url)
        assert response.status_code in (200, 409), (method, url, response.status_code)


def test_another_users_job_list_and_guessed_ids_show_nothing(
    alices_job: Job, bob_client: Client, bob_api: Client
) -> None:
    assert str(alices_job.pk) not in bob_client.get("/jobs/").content.decode()
    assert bob_api.get("/api/jobs").json()["items"] == []
    assert bob_client.get("/jobs/00000000-0000-0000-0000-000000000000/").status_code == 404

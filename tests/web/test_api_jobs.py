"""REST API: creating, listing, reading, cancelling and retrying jobs; bad input is a 4xx with a message."""

from typing import Any

import pytest
from django.test import Client

from mapleads.web.jobs.models import Job

KAMPPI_BOX = "24.92,60.163,24.94,60.172"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[24.92, 60.16], [24.95, 60.16], [24.95, 60.175], [24.92, 60.175], [24.92, 60.16]]],
}


def post(client: Client, payload: object) -> Any:
    return client.post("/api/jobs", payload, content_type="application/json")


def test_it_creates_a_queued_job_owned_by_the_key_holder(alice_api: Client, alice: Any) -> None:
    response = post(alice_api, {"what": "dentist", "place": "Kamppi", "title": "Dentists"})
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "queued" and body["area_kind"] == "place" and body["place"] == "Kamppi"
    assert Job.objects.get(pk=body["id"]).owner == alice


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ({"what": ["dentist", "hairdresser"], "bbox": KAMPPI_BOX}, "bbox"),
        ({"what": "cafe", "near": "60.1699,24.9384", "radius": "300m"}, "radius"),
        ({"what": "cafe", "polygon": SQUARE}, "polygon"),
        ({"what": "all"}, "everywhere"),
    ],
)
def test_it_accepts_every_way_of_naming_the_area(alice_api: Client, payload: dict[str, Any], kind: str) -> None:
    response = post(alice_api, payload)
    assert response.status_code == 201, response.content
    assert response.json()["area_kind"] == kind


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"what": "dentsit", "place": "Kamppi"}, "unknown category 'dentsit'"),
        ({"what": "dentist", "place": "Kamppi", "bbox": KAMPPI_BOX}, "only one of"),
        ({"what": "dentist", "bbox": "24.94,60.16,24.92,60.17"}, "invalid bbox"),
        ({"what": "dentist", "near": "95,24"}, "invalid centre"),
        ({"what": "dentist", "radius": "2km"}, "radius needs near"),
        ({"what": "dentist", "polygon": {"type": "Point", "coordinates": [24.9, 60.1]}}, "Polygon"),
        ({"what": "dentist", "place": "Kamppi", "source": "nope"}, "unknown source"),
    ],
)
def test_it_answers_bad_input_with_a_400_and_a_message(
    alice_api: Client, payload: dict[str, Any], message: str
) -> None:
    response = post(alice_api, payload)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [{"what": "dentist", "limit": 0}, {"what": 12}, {"what": "dentist", "enrich": "maybe"}, [1, 2], "null"],
)
def test_it_answers_malformed_requests_with_a_422_and_a_message(alice_api: Client, payload: object) -> None:
    response = post(alice_api, payload)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_it_answers_non_json_bodies_with_a_4xx(alice_api: Client) -> None:
    response = alice_api.post("/api/jobs", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_it_lists_only_the_callers_jobs_newest_first_with_a_cursor(
    alice_api: Client, alice: Any, bob: Any, make_job: Any
) -> None:
    mine = [make_job(alice, leads=1) for _ in range(5)]
    make_job(bob, leads=1)
    first = alice_api.get("/api/jobs?limit=3").json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = alice_api.get(f"/api/jobs?limit=3&cursor={first['next_cursor']}").json()
    assert second["next_cursor"] is None
    ids = [j["id"] for j in first["items"] + second["items"]]
    assert ids == [str(j.pk) for j in sorted(mine, key=lambda j: (j.created_at, j.pk), reverse=True)]


def test_it_filters_the_job_list_by_state_and_rejects_unknown_states(
    alice_api: Client, alice: Any, make_job: Any
) -> None:
    make_job(alice, leads=1, state="failed")
    make_job(alice, leads=1, state="done")
    assert [j["state"] for j in alice_api.get("/api/jobs?state=failed").json()["items"]] == ["failed"]
    assert alice_api.get("/api/jobs?state=sleeping").status_code == 400
    assert alice_api.get("/api/jobs?cursor=%%%").status_code == 400


def test_it_returns_one_job_with_its_progress(alice_api: Client, alice: Any, make_job: Any) -> None:
    job = make_job(alice, leads=4)
    body = alice_api.get(f"/api/jobs/{job.pk}").json()
    assert body["lead_count"] == 4 and body["state"] == "done" and body["percent"] == 100


def test_it_cancels_an_active_job_and_refuses_to_cancel_an_ended_one(
    alice_api: Client, alice: Any, make_job: Any
) -> None:
    running = make_job(alice, leads=0, state="running")
    response = alice_api.post(f"/api/jobs/{running.pk}/cancel")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    again = alice_api.post(f"/api/jobs/{running.pk}/cancel")
    assert again.status_code == 409 and "already ended" in again.json()["detail"]


def test_it_retries_a_failed_job_and_keeps_its_leads(alice_api: Client, alice: Any, make_job: Any) -> None:
    failed = make_job(alice, leads=3, state="failed", error="boom")
    response = alice_api.post(f"/api/jobs/{failed.pk}/retry")
    assert response.status_code == 200
    assert response.json()["state"] == "queued" and response.json()["error"] == ""
    assert failed.leads.count() == 3
    assert alice_api.post(f"/api/jobs/{failed.pk}/retry").status_code == 409


def test_it_answers_a_malformed_job_id_with_a_4xx(alice_api: Client) -> None:
    response = alice_api.get("/api/jobs/not-a-uuid")
    assert 400 <= response.status_code < 500


def test_it_publishes_an_openapi_3_document(alice_api: Client) -> None:
    doc = Client().get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/jobs", "/api/jobs/{job_id}", "/api/jobs/{job_id}/leads"} <= set(doc["paths"])
    assert Client().get("/api/docs").status_code == 200

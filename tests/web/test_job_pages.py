"""Job pages: the new-job form, the detail page, htmx progress, the filtered and sorted table, the map data,
downloads."""

import io
import re
from typing import Any

import openpyxl
from django.test import Client

from mapleads.web.jobs.models import Job


def test_the_form_creates_a_job_and_shows_its_page(alice_client: Client, alice: Any) -> None:
    response = alice_client.post(
        "/jobs/new/", {"what": "dentist", "area_kind": "place", "place": "Kamppi", "source": "pbf"}
    )
    job = Job.objects.get(owner=alice)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    page = alice_client.get(response["Location"]).content.decode()
    assert "dentist in Kamppi" in page and 'hx-trigger="every 1s"' in page


def test_the_form_shows_the_engines_message_for_bad_input(alice_client: Client) -> None:
    response = alice_client.post("/jobs/new/", {"what": "dentsit", "area_kind": "place", "place": "Kamppi"})
    assert response.status_code == 200
    assert "unknown category &#x27;dentsit&#x27;" in response.content.decode()
    assert not Job.objects.exists()


def test_the_form_accepts_a_drawn_polygon(alice_client: Client, alice: Any) -> None:
    polygon = '{"type":"Polygon","coordinates":[[[24.92,60.16],[24.95,60.16],[24.95,60.17],[24.92,60.16]]]}'
    response = alice_client.post(
        "/jobs/new/", {"what": "cafe", "area_kind": "polygon", "polygon": polygon, "source": "pbf"}
    )
    assert response.status_code == 302
    assert Job.objects.get(owner=alice).polygon["type"] == "Polygon"


def test_progress_polls_while_active_and_stops_with_a_finished_event(
    alice_client: Client, alice: Any, make_job: Any
) -> None:
    job = make_job(alice, leads=3, state="running")
    running = alice_client.get(f"/jobs/{job.pk}/progress/?was=queued")
    assert 'hx-trigger="every 1s"' in running.content.decode() and "HX-Trigger" not in running
    Job.objects.filter(pk=job.pk).update(state="done")
    done = alice_client.get(f"/jobs/{job.pk}/progress/?was=running")
    assert "every 1s" not in done.content.decode() and done["HX-Trigger"] == "job-finished"


def table_names(client: Client, job: Job, query: str = "") -> list[str]:
    html = client.get(f"/jobs/{job.pk}/table/?{query}").content.decode()
    return re.findall(r'<tr data-lead-id="[^"]+">\s*<td>([^<]+)</td>', html)


def test_the_table_filters_searches_and_sorts(alice_client: Client, alice: Any, make_job: Any) -> None:
    job = make_job(alice, leads=12)
    assert len(table_names(alice_client, job)) == 12
    assert table_names(alice_client, job, "category=dentist") == [f"Business {i:03d}" for i in range(1, 12, 2)]
    assert table_names(alice_client, job, "has_email=true") == [f"Business {i:03d}" for i in (0, 3, 6, 9)]
    assert table_names(alice_client, job, "has_phone=false&q=Business 00") == [
        f"Business {i:03d}" for i in (1, 3, 5, 7, 9)
    ]
    assert table_names(alice_client, job, "sort=-name")[0] == "Business 011"
    scores = table_names(alice_client, job, "sort=-score&min_score=50")
    assert scores and scores[0] == "Business 000"


def test_the_map_serves_the_same_filtered_leads_as_geojson(alice_client: Client, alice: Any, make_job: Any) -> None:
    job = make_job(alice, leads=9)
    data = alice_client.get(f"/jobs/{job.pk}/map.geojson?has_email=true").json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in data["features"]] == ["Business 000", "Business 003", "Business 006"]
    lon, lat = data["features"][1]["geometry"]["coordinates"]
    assert (round(lat, 4), round(lon, 4)) == (60.1615, 24.9315)


def test_the_detail_page_offers_every_download_and_the_configured_tiles(
    alice_client: Client, alice: Any, make_job: Any
) -> None:
    job = make_job(alice, leads=2)
    page = alice_client.get(f"/jobs/{job.pk}/").content.decode()
    for fmt in ("csv", "xlsx", "json", "ndjson", "geojson", "parquet"):
        assert f"/jobs/{job.pk}/download/{fmt}/" in page
    assert 'data-tile-url="http://127.0.0.1:9/{z}/{x}/{y}.png"' in page  # MAPLEADS_TILE_URL


def test_the_xlsx_download_opens_with_the_leads(alice_client: Client, alice: Any, make_job: Any) -> None:
    job = make_job(alice, leads=3)
    response = alice_client.get(f"/jobs/{job.pk}/download/xlsx/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [r[rows[0].index("name")] for r in rows[1:4]] == ["Business 000", "Business 001", "Business 002"]


def test_cancel_and_retry_buttons_change_the_job(alice_client: Client, alice: Any, make_job: Any) -> None:
    job = make_job(alice, leads=1, state="running")
    alice_client.post(f"/jobs/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.state == "cancelled"
    alice_client.post(f"/jobs/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.state == "queued"


def test_the_job_list_shows_only_the_users_jobs(alice_client: Client, alice: Any, bob: Any, make_job: Any) -> None:
    mine, theirs = make_job(alice, leads=1), make_job(bob, leads=1)
    page = alice_client.get("/jobs/").content.decode()
    assert str(mine.pk) in page and str(theirs.pk) not in page

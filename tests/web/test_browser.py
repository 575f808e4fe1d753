"""The whole journey in a real browser (Debian's chromium through Playwright): sign up, verify the email from
the test outbox, create a job, watch its progress, see markers and rows, download the XLSX and open it.
The job runs in a real Huey consumer (threads) against the live server's database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core import mail

import mapleads
from mapleads.web.jobs.models import Job

from .conftest import DEMO_PBF

CHROMIUM = Path("/usr/bin/chromium")
BOX = "24.925,60.160,24.950,60.172"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium missing (make system-deps installs it)"),
]


@pytest.fixture
def worker(transactional_db: None) -> Iterator[None]:
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    consumer = HUEY.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    yield
    consumer.stop(graceful=True)


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context(accept_downloads=True, viewport={"width": 1300, "height": 900})
        yield context.new_page()
        browser.close()


def test_sign_up_verify_create_a_job_and_download_its_leads(
    live_server: Any, worker: None, page: Any, tmp_path: Path
) -> None:
    expected = [lead.name for lead in mapleads.extract("all", path=DEMO_PBF, bbox=BOX)]
    base = live_server.url

    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=email]", "erin@example.org")
    page.fill("input[name=password1]", "helsinki-leads-2025")
    page.fill("input[name=password2]", "helsinki-leads-2025")
    page.fill("input[name=name]", "Erin Example")
    page.check("input[name=age_confirmed]")
    page.click("form button[type=submit]")
    page.wait_for_url("**/accounts/confirm-email/")

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(base + link.group(1))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/jobs/")

    page.goto(f"{base}/jobs/new/")
    page.fill("input[name=what]", "all")
    page.check("input[name=area_kind][value=bbox]")
    page.fill("input[name=bbox]", BOX)
    page.click("#job-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/jobs/[0-9a-f-]{36}/$"))
    assert page.locator("#progress").count() == 1  # the progress box is on the page from the start

    page.wait_for_selector("#progress[data-state=done]", timeout=90_000)
    page.wait_for_function(
        f"document.getElementById('match-count') && document.getElementById('match-count').textContent == "
        f"'{len(expected)}'",
        timeout=30_000,
    )
    page.wait_for_function(f"document.querySelectorAll('path.lead-marker').length == {len(expected)}", timeout=30_000)
    job = Job.objects.get(owner__email="erin@example.org")
    assert job.state == "done" and job.lead_count == len(expected)
    first_rows = page.locator("tr[data-lead-id] td:first-child").all_inner_texts()
    assert first_rows == expected[:100]

    with page.expect_download() as download:
        page.click("a.download[data-format=xlsx]")
    path = tmp_path / "leads.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    names = [r[rows[0].index("name")] for r in rows[1:] if r and r[0]]
    assert names[: len(expected)] == expected

"""pytest-django for tests/web only: the settings module and a private data dir are set here, at collection,
so the rest of the suite never sees Django.

The SQLite test database is a file (not :memory:) so that real worker processes started by the crash test
share it; `MAPLEADS_DATABASE_URL=postgres://…` runs the same tests on PostgreSQL (make test does both).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEMO_PBF = REPO / "data" / "demo" / "helsinki.osm.pbf"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mapleads.web.settings")
os.environ["MAPLEADS_DATA_DIR"] = tempfile.mkdtemp(prefix="mapleads-web-test-")
os.environ["MAPLEADS_WEB_PBF_PATH"] = str(DEMO_PBF)
os.environ["MAPLEADS_SECRET_KEY"] = "test-" + "k" * 60
os.environ["MAPLEADS_JOB_HEARTBEAT_S"] = "0.2"
os.environ["MAPLEADS_JOB_STALE_AFTER_S"] = "2"
os.environ["MAPLEADS_JOB_BATCH_SIZE"] = "25"
# no tile server: the pages must work without tiles, and nothing leaves the machine
os.environ["MAPLEADS_TILE_URL"] = "http://127.0.0.1:9/{z}/{x}/{y}.png"
os.environ.pop("MAPLEADS_REDIS_URL", None)

import django  # noqa: E402

from mapleads.settings import get_settings  # noqa: E402

get_settings.cache_clear()
django.setup()


# --- shared fixtures: users with verified email, clients, API keys, jobs with stored leads ---

import pytest  # noqa: E402
from django.test import Client  # noqa: E402

from mapleads.lead import Address, Lead  # noqa: E402


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from mapleads.web.accounts.models import Profile

    def make(email: str, password: str | None = None) -> Any:
        """No password by default: Argon2 is slow by design and tests log in directly."""
        user = get_user_model().objects.create_user(username=email, email=email, password=password)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        Profile.objects.create(user=user, name=email.split("@")[0].title(), age_confirmed=13)
        return user

    return make


@pytest.fixture
def alice(make_user: Callable[..., Any]) -> Any:
    return make_user("alice@example.org")


@pytest.fixture
def bob(make_user: Callable[..., Any]) -> Any:
    return make_user("bob@example.org")


@pytest.fixture
def alice_client(alice: Any) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob: Any) -> Client:
    client = Client()
    client.force_login(bob)
    return client


def api_client_for(user: Any) -> Client:
    from mapleads.web.api.models import ApiKey

    _, text = ApiKey.issue(user, "test")
    return Client(headers={"Authorization": f"Bearer {text}"})


@pytest.fixture
def alice_api(alice: Any) -> Client:
    return api_client_for(alice)


@pytest.fixture
def bob_api(bob: Any) -> Client:
    return api_client_for(bob)


def sample_leads(n: int) -> Iterator[Lead]:
    """Varied leads: every third has an email, every second a phone, categories alternate."""
    for i in range(n):
        yield Lead(
            id=f"osm:n{1000 + i}",
            name=f"Business {i:03d}",
            source="osm",
            source_id=f"node/{1000 + i}",
            lat=60.16 + i * 0.0005,
            lon=24.93 + i * 0.0005,
            category="dentist" if i % 2 else "hairdresser",
            categories=["dentist" if i % 2 else "hairdresser"],
            address=Address(street="Mannerheimintie", housenumber=str(i + 1), postcode="00100", city="Helsinki"),
            phones=[f"+35891234{i:03d}"] if i % 2 == 0 else [],
            emails=[f"info{i}@example.fi"] if i % 3 == 0 else [],
            website=f"https://b{i}.example.fi/" if i % 4 == 0 else None,
        )


@pytest.fixture
def make_job(db: None) -> Callable[..., Any]:
    """A finished job holding `leads` stored as the runner stores them."""
    from django.utils import timezone

    from mapleads.web.jobs.leadrows import row_values
    from mapleads.web.jobs.models import Job, StoredLead

    def make(owner: Any, leads: int = 10, state: str = "done", **fields: Any) -> Job:
        fields.setdefault("place", "Kamppi")
        fields.setdefault("what", "dentist, hairdresser")
        job = Job.objects.create(owner=owner, state=state, **fields)
        StoredLead.objects.bulk_create(
            [StoredLead(job=job, **row_values(lead, i)) for i, lead in enumerate(sample_leads(leads))]
        )
        Job.objects.filter(pk=job.pk).update(lead_count=leads, finished_at=timezone.now() if state == "done" else None)
        job.refresh_from_db()
        return job

    return make


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """allauth counts attempts in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

"""API keys: shown once, stored as a keyed hash behind a visible prefix, revocable, per user."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from mapleads.web.api import keycache, models
from mapleads.web.api.keycache import KEYS, KeyCache, KeyIdentity
from mapleads.web.api.models import ApiKey, key_digest


def test_it_stores_only_a_keyed_hash_and_the_visible_prefix(alice: Any) -> None:
    key, text = ApiKey.issue(alice, "crm")
    prefix, _, secret = text.partition(".")
    assert key.prefix == prefix and prefix.startswith("mlx_")
    assert secret not in key.digest and key.digest == key_digest(secret)
    stored = ApiKey.objects.values_list("prefix", "digest", "name").get(pk=key.pk)
    assert text not in " ".join(stored)


def test_it_authenticates_the_full_key_and_rejects_a_wrong_secret(alice: Any) -> None:
    key, text = ApiKey.issue(alice, "crm")
    assert ApiKey.authenticate(text) == key
    assert ApiKey.authenticate(key.prefix + ".wrong-secret") is None
    assert ApiKey.authenticate("garbage") is None


def test_it_rejects_a_revoked_key_on_the_api(alice: Any) -> None:
    key, text = ApiKey.issue(alice, "crm")
    client = Client(headers={"Authorization": f"Bearer {text}"})
    assert client.get("/api/jobs").status_code == 200
    key.revoke()
    response = client.get("/api/jobs")
    assert response.status_code == 401
    assert "API key" in response.json()["detail"]


def test_it_accepts_the_key_in_the_x_api_key_header(alice: Any) -> None:
    _, text = ApiKey.issue(alice, "crm")
    assert Client(headers={"X-API-Key": text}).get("/api/jobs").status_code == 200


@pytest.mark.django_db
def test_it_refuses_the_api_without_a_key() -> None:
    response = Client().get("/api/jobs")
    assert response.status_code == 401


def test_it_shows_a_new_key_once_on_the_keys_page(alice_client: Client, alice: Any) -> None:
    created = alice_client.post("/profile/api-keys/", {"name": "CRM sync"})
    key = ApiKey.objects.get(user=alice)
    text = created.content.decode()
    assert f"{key.prefix}." in text and "will not be shown again" in text
    listed = alice_client.get("/profile/api-keys/").content.decode()
    assert key.prefix in listed and f"{key.prefix}." not in listed and "CRM sync" in listed


def test_it_revokes_a_key_from_the_keys_page(alice_client: Client, alice: Any) -> None:
    key, _ = ApiKey.issue(alice, "old")
    response = alice_client.post(f"/profile/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_it_does_not_let_another_user_revoke_a_key(alice: Any, bob_client: Client) -> None:
    key, _ = ApiKey.issue(alice, "alice's")
    assert bob_client.post(f"/profile/api-keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


# --- the in-process key cache: a known key costs no lookup, yet revocation and deactivation apply at once ---


@pytest.fixture
def cached_key(alice: Any, make_job: Any) -> tuple[ApiKey, Client, str]:
    """Alice's key, already used once (so cached), a client for it and a lead-list URL of her job."""
    key, text = ApiKey.issue(alice, "crm")
    client = Client(headers={"Authorization": f"Bearer {text}"})
    url = f"/api/jobs/{make_job(alice, leads=3).pk}/leads"
    assert client.get(url).status_code == 200
    assert KEYS.get(key.prefix, key.digest) is not None
    return key, client, url


def test_it_reads_a_lead_page_with_a_cached_key_in_one_query(
    cached_key: tuple[ApiKey, Client, str], django_assert_num_queries: Any
) -> None:
    _, client, url = cached_key
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200 and len(response.json()["items"]) == 3


def test_it_refuses_a_cached_key_as_soon_as_it_is_revoked(cached_key: tuple[ApiKey, Client, str]) -> None:
    key, client, url = cached_key
    key.revoke()
    assert KEYS.get(key.prefix, key.digest) is None
    assert client.get(url).status_code == 401
    assert client.get("/api/jobs").status_code == 401


def test_it_refuses_a_cached_key_revoked_by_another_process(cached_key: tuple[ApiKey, Client, str]) -> None:
    key, client, url = cached_key
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())  # this process's cache is not told
    for path in (url, f"{url}?category=nothing-matches", "/api/jobs"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert "Business" not in response.content.decode()


def test_it_refuses_a_cached_key_of_a_deactivated_user(cached_key: tuple[ApiKey, Client, str], alice: Any) -> None:
    _, client, url = cached_key
    get_user_model().objects.filter(pk=alice.pk).update(is_active=False)
    assert client.get(url).status_code == 401
    assert client.get("/api/jobs").status_code == 401


def test_it_refuses_a_cached_key_of_a_deleted_user(cached_key: tuple[ApiKey, Client, str], alice: Any) -> None:
    _, client, url = cached_key
    alice.delete()
    assert client.get(url).status_code == 401
    assert client.get("/api/jobs").status_code == 401


def test_it_still_stamps_when_a_cached_key_was_last_used(
    cached_key: tuple[ApiKey, Client, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key, client, url = cached_key
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=None)
    client.get(url)
    assert ApiKey.objects.get(pk=key.pk).last_used_at is None  # at most one write a minute
    monkeypatch.setattr(models, "LAST_USED_EVERY_S", -1)
    client.get(url)
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None


def test_it_forgets_cached_keys_after_their_time_to_live(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(keycache.time, "monotonic", lambda: now[0])
    cache = KeyCache(ttl_s=60)
    cache.put("mlx_x", "digest", KeyIdentity(key_id=1, user_id=2))
    now[0] += 59
    assert cache.get("mlx_x", "digest") is not None
    now[0] += 2
    assert cache.get("mlx_x", "digest") is None


def test_it_bounds_the_key_cache() -> None:
    cache = KeyCache(max_entries=3)
    for i in range(7):
        cache.put(f"mlx_{i}", "digest", KeyIdentity(key_id=i, user_id=1))
    assert cache.get("mlx_6", "digest") is not None and cache.get("mlx_0", "digest") is None
    assert len(cache) <= 3

"""API keys: shown once, stored as a keyed hash behind a visible prefix, revocable, per user."""

from typing import Any

import pytest
from django.test import Client

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

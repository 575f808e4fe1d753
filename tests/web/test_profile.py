"""The profile page: everything we hold, editable; consent changes are new records; a JSON export."""

from typing import Any

from django.test import Client

from mapleads.web.accounts.consents import record_choices
from mapleads.web.accounts.models import Consent, current_consents


def test_it_shows_everything_we_hold(alice_client: Client, alice: Any) -> None:
    alice.profile.company = "Alice Oy"
    alice.profile.save()
    record_choices(alice, {"marketing_email": True, "sms": False, "push": False}, via="signup")
    page = alice_client.get("/profile/").content.decode()
    for text in ("alice@example.org", "Alice Oy", "Marketing email", "granted", "2025-01"):
        assert text in page


def test_it_saves_edited_details(alice_client: Client, alice: Any) -> None:
    response = alice_client.post(
        "/profile/", {"name": "Alice A.", "company": "", "address": "Kamppi", "telephone": "+358401234567"}
    )
    assert response.status_code == 302
    alice.profile.refresh_from_db()
    assert (alice.profile.name, alice.profile.address, alice.profile.telephone) == (
        "Alice A.",
        "Kamppi",
        "+358401234567",
    )


def test_it_refuses_an_invalid_telephone(alice_client: Client, alice: Any) -> None:
    response = alice_client.post("/profile/", {"name": "Alice", "telephone": "call me"})
    assert response.status_code == 200 and "telephone" in response.context["form"].errors


def test_withdrawing_a_consent_adds_a_record_and_keeps_the_history(alice_client: Client, alice: Any) -> None:
    record_choices(alice, {"marketing_email": True, "sms": True, "push": False}, via="signup")
    alice_client.post("/profile/consents/", {"consent_marketing_email": "on"})
    assert current_consents(alice) == {"marketing_email": True, "sms": False, "push": False}
    sms = list(Consent.objects.filter(user=alice, purpose="sms").order_by("at", "id").values_list("granted", "via"))
    assert sms == [(True, "signup"), (False, "profile")]
    assert Consent.objects.filter(user=alice, purpose="marketing_email").count() == 1


def test_it_exports_the_users_data_as_json(alice_client: Client, alice: Any) -> None:
    record_choices(alice, {"marketing_email": False, "sms": True, "push": False}, via="signup")
    response = alice_client.get("/profile/export/")
    data = response.json()
    assert response["Content-Disposition"].startswith("attachment")
    assert data["email_addresses"][0]["email"] == "alice@example.org"
    assert data["profile"]["name"] == "Alice"
    assert {(c["purpose"], c["granted"]) for c in data["consents"]} == {
        ("marketing_email", False),
        ("sms", True),
        ("push", False),
    }


def test_the_profile_needs_a_login() -> None:
    assert Client().get("/profile/").status_code == 302

"""Sign-up: only the fields the privacy policy names, age confirmation, separate unticked consents stored as
records, mandatory email verification, Argon2 passwords."""

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from mapleads.web.accounts.models import Consent, Profile

PASSWORD = "kamppi-dentists-2025"


def signup(client: Client, **overrides: Any) -> Any:
    data = {
        "email": "carol@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "name": "Carol Lead",
        "company": "Carol Oy",
        "address": "Mannerheimintie 1, Helsinki",
        "telephone": "+358 9 123 4567",
        "age_confirmed": "on",
        "consent_sms": "on",
    }
    data.update(overrides)
    return client.post("/accounts/signup/", {k: v for k, v in data.items() if v is not None})


def confirmation_link() -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


@pytest.mark.django_db
def test_the_form_asks_only_what_the_policy_names_with_consents_unticked() -> None:
    page = Client().get("/accounts/signup/").content.decode()
    names = set(re.findall(r'<input[^>]*name="([^"]+)"', page)) | set(re.findall(r'<textarea[^>]*name="([^"]+)"', page))
    names -= {"csrfmiddlewaretoken"}
    assert names == {
        "email",
        "password1",
        "password2",
        "name",
        "company",
        "address",
        "telephone",
        "age_confirmed",
        "consent_marketing_email",
        "consent_sms",
        "consent_push",
    }
    for box in ("consent_marketing_email", "consent_sms", "consent_push", "age_confirmed"):
        tag = re.search(rf'<input[^>]*name="{box}"[^>]*>', page)
        assert tag and "checked" not in tag.group(0)
    assert "at least 13 years old" in page


@pytest.mark.django_db
def test_it_creates_the_profile_and_one_consent_record_per_purpose() -> None:
    response = signup(Client())
    assert response.status_code == 302
    user = get_user_model().objects.get(email="carol@example.org")
    profile = Profile.objects.get(user=user)
    assert (profile.name, profile.company, profile.telephone, profile.age_confirmed) == (
        "Carol Lead",
        "Carol Oy",
        "+35891234567",
        13,
    )
    records = {c.purpose: c for c in Consent.objects.filter(user=user)}
    assert {p: c.granted for p, c in records.items()} == {
        "marketing_email": False,
        "sms": True,
        "push": False,
    }
    assert {c.policy_version for c in records.values()} == {"2025-01"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"age_confirmed": None}, "age_confirmed"),
        ({"name": ""}, "name"),
        ({"telephone": "12"}, "telephone"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_it_refuses_sign_up_without_required_or_with_invalid_details(overrides: dict[str, Any], field: str) -> None:
    response = signup(Client(), **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not get_user_model().objects.filter(email="carol@example.org").exists()


@pytest.mark.django_db
def test_company_address_and_telephone_are_optional() -> None:
    assert signup(Client(), company=None, address=None, telephone=None).status_code == 302
    assert Profile.objects.get(user__email="carol@example.org").telephone == ""


@pytest.mark.django_db
def test_email_verification_is_mandatory_before_logging_in() -> None:
    client = Client()
    signup(client)
    assert client.get("/jobs/")["Location"].startswith("/accounts/login/")  # signed up, not logged in
    login = Client().post("/accounts/login/", {"login": "carol@example.org", "password": PASSWORD})
    assert login.status_code == 302 and "confirm-email" in login["Location"]
    assert not EmailAddress.objects.get(email="carol@example.org").verified


@pytest.mark.django_db
def test_the_emailed_link_verifies_the_address_and_logs_in() -> None:
    client = Client()
    signup(client)
    link = confirmation_link()
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="carol@example.org").verified
    assert client.get("/jobs/").status_code == 200


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2() -> None:
    signup(Client())
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert get_user_model().objects.get(email="carol@example.org").password.startswith("argon2$")


def test_the_age_follows_the_country_the_service_runs_in(monkeypatch: pytest.MonkeyPatch) -> None:
    from mapleads.settings import get_settings
    from mapleads.web.accounts.forms import minimum_age

    monkeypatch.setenv("MAPLEADS_DEFAULT_COUNTRY", "de")
    monkeypatch.setenv("MAPLEADS_SIGNUP_MIN_AGE_BY_COUNTRY", '{"DE": 16}')
    get_settings.cache_clear()
    try:
        assert minimum_age() == 16
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert minimum_age() == 13


def test_security_settings_of_accounts_are_on() -> None:
    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"]
    assert "totp" in settings.MFA_SUPPORTED_TYPES
    assert "allauth.socialaccount" in settings.INSTALLED_APPS


@pytest.mark.django_db
def test_repeated_failed_logins_are_rate_limited(make_user: Any) -> None:
    make_user("dave@example.org", password=PASSWORD)
    client = Client()
    pages = [
        client.post("/accounts/login/", {"login": "dave@example.org", "password": "wrong-password"}) for _ in range(6)
    ]
    assert "Too many failed login attempts" not in pages[0].content.decode()
    assert "Too many failed login attempts" in pages[-1].content.decode()
    right = client.post("/accounts/login/", {"login": "dave@example.org", "password": PASSWORD})
    assert "Too many failed login attempts" in right.content.decode()  # even the right password waits

"""Sign-up details and profile edits: only the fields our privacy policy names."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.db import transaction
from django.http import HttpRequest

from mapleads.settings import get_settings
from mapleads.web.accounts.consents import record_choices
from mapleads.web.accounts.models import Profile

#: form field -> consent purpose (Consent.Purpose values)
CONSENT_FIELDS: dict[str, str] = {
    "consent_marketing_email": "marketing_email",
    "consent_sms": "sms",
    "consent_push": "push",
}


def minimum_age() -> int:
    """The sign-up age for the country the service runs in (MAPLEADS_DEFAULT_COUNTRY), e.g. 16 in Germany."""
    cfg = get_settings()
    by_country = {k.upper(): v for k, v in cfg.signup_min_age_by_country.items()}
    return by_country.get((cfg.default_country or "").upper(), cfg.signup_min_age)


def clean_telephone(value: str) -> str:
    """Empty, or a valid number stored in E.164 form."""
    value = value.strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, (get_settings().default_country or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise forms.ValidationError("Enter a telephone number with its country code, e.g. +358 9 123 4567.") from None
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError("This telephone number is not valid.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ProfileFields(forms.Form):
    name = forms.CharField(max_length=200, label="Name")
    company = forms.CharField(max_length=200, required=False, label="Company (optional)")
    address = forms.CharField(required=False, label="Address (optional)", widget=forms.Textarea(attrs={"rows": 2}))
    telephone = forms.CharField(max_length=32, required=False, label="Telephone (optional)")

    def clean_telephone(self) -> str:
        return clean_telephone(self.cleaned_data.get("telephone", ""))


class ConsentFields(forms.Form):
    consent_marketing_email = forms.BooleanField(required=False, label="Send me marketing email")
    consent_sms = forms.BooleanField(required=False, label="Send me SMS messages")
    consent_push = forms.BooleanField(required=False, label="Send me push notifications")

    def consent_choices(self) -> dict[str, bool]:
        return {purpose: bool(self.cleaned_data.get(f)) for f, purpose in CONSENT_FIELDS.items()}


class SignupDetailsForm(ProfileFields, ConsentFields):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS); consent boxes start unticked."""

    age_confirmed = forms.BooleanField(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["age_confirmed"].label = f"I am at least {minimum_age()} years old"
        for name in CONSENT_FIELDS:
            self.fields[name].initial = False

    @transaction.atomic
    def signup(self, request: HttpRequest, user: Any) -> None:
        data = self.cleaned_data
        Profile.objects.create(
            user=user,
            name=data["name"],
            company=data.get("company", ""),
            address=data.get("address", ""),
            telephone=data.get("telephone", ""),
            age_confirmed=minimum_age(),
        )
        user.first_name = data["name"][:150]
        user.save(update_fields=["first_name"])
        record_choices(user, self.consent_choices(), via="signup")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["name", "company", "address", "telephone"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def clean_telephone(self) -> str:
        return clean_telephone(self.cleaned_data.get("telephone", ""))


class ConsentForm(ConsentFields):
    pass

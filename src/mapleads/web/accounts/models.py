"""A profile holds exactly the personal data our privacy policy names; consents are an append-only log."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    telephone = models.CharField(max_length=32, blank=True)
    #: the minimum age the user confirmed at sign-up (13, or 16 where the country requires it)
    age_confirmed = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Consent(models.Model):
    """One decision about one purpose; the latest record per purpose is in force."""

    class Purpose(models.TextChoices):
        MARKETING_EMAIL = "marketing_email", "Marketing email"
        SMS = "sms", "SMS messages"
        PUSH = "push", "Push notifications"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    granted = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True)
    policy_version = models.CharField(max_length=32)
    via = models.CharField(max_length=32, default="signup")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "purpose", "-at"])]

    def __str__(self) -> str:
        return f"{self.purpose}: {'granted' if self.granted else 'withdrawn'}"


def current_consents(user: object) -> dict[str, bool]:
    """Purpose -> whether consent is in force now (no record = not given)."""
    state = {p: False for p in Consent.Purpose.values}
    for record in Consent.objects.filter(user=user).order_by("at", "id"):
        state[record.purpose] = record.granted
    return state

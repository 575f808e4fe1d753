"""API keys: shown once, stored as a keyed hash (HMAC-SHA256 with SECRET_KEY) behind a visible prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

KEY_PREFIX = "mlx_"


def key_digest(secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    #: the visible part, e.g. "mlx_3fa9c2d1", shown in lists and used to find the key
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: object, name: str) -> tuple[ApiKey, str]:
        """A new key and its full text, which is never stored and so shown only this once."""
        prefix = KEY_PREFIX + secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        key = cls.objects.create(user=user, name=name, prefix=prefix, digest=key_digest(secret))
        return key, f"{prefix}.{secret}"

    @classmethod
    def authenticate(cls, text: str) -> ApiKey | None:
        prefix, _, secret = text.strip().partition(".")
        if not prefix.startswith(KEY_PREFIX) or not secret:
            return None
        key = cls.objects.active().select_related("user").filter(prefix=prefix).first()
        if key is None or not hmac.compare_digest(key.digest, key_digest(secret)):
            return None
        if not key.user.is_active:
            return None
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)  # at most one write a minute
        return key

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

"""API keys: shown once, stored as a keyed hash (HMAC-SHA256 with SECRET_KEY) behind a visible prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from mapleads.web.api.keycache import KEYS, KeyIdentity

KEY_PREFIX = "mlx_"
#: a key's last_used_at is written at most this often (seconds), not on every request
LAST_USED_EVERY_S = 60


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
        """The active key of an active user that `text` is, looked up in the database (no cache)."""
        prefix, _, secret = text.strip().partition(".")
        if not prefix.startswith(KEY_PREFIX) or not secret:
            return None
        return cls._lookup(prefix, key_digest(secret))

    @classmethod
    def _lookup(cls, prefix: str, digest: str) -> ApiKey | None:
        key = cls.objects.active().select_related("user").filter(prefix=prefix).first()
        if key is None or not hmac.compare_digest(key.digest, digest):
            return None
        if not key.user.is_active:
            return None
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > LAST_USED_EVERY_S:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return key

    @classmethod
    def verify(cls, text: str) -> KeyIdentity | None:
        """Like `authenticate`, through the in-process key cache: a known key costs no query.

        The caller must still re-check revocation in the database (`live_user`, or the lead list's page query).
        """
        prefix, _, secret = text.strip().partition(".")
        if not prefix.startswith(KEY_PREFIX) or not secret:
            return None
        digest = key_digest(secret)
        entry = KEYS.get(prefix, digest)
        if entry is not None:
            if time.monotonic() - entry.stamped > LAST_USED_EVERY_S:
                entry.stamped = time.monotonic()
                ApiKey.objects.filter(pk=entry.identity.key_id).update(last_used_at=timezone.now())
            return entry.identity
        key = cls._lookup(prefix, digest)
        if key is None:
            return None
        identity = KeyIdentity(key_id=key.pk, user_id=key.user_id)
        KEYS.put(prefix, digest, identity)
        return identity

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
        KEYS.forget(self.pk)


def live_user(identity: KeyIdentity) -> Any:
    """The key's user if the key is still unrevoked and the user active, else None (and the cache forgets it)."""
    user = (
        get_user_model()
        .objects.filter(
            pk=identity.user_id,
            is_active=True,
            api_keys__pk=identity.key_id,
            api_keys__revoked_at__isnull=True,
        )
        .first()
    )
    if user is None:
        KEYS.forget(identity.key_id)
    return user

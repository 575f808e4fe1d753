"""API key authentication: `Authorization: Bearer mlx_…` or `X-API-Key: mlx_…`.

Keys are verified through the in-process key cache (keycache.py); revocation is still checked in the database on
every request. By default that check loads the user before the view runs (one query, as without the cache).
The lead list, the API's hot path, uses the deferred variant: its page query checks key, user and job owner in
one statement, and the user is loaded only if the view asks for it (then a revoked key answers 401 there).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, HttpBearer

from mapleads.web.api.keycache import KeyIdentity
from mapleads.web.api.models import ApiKey, live_user


def _user_or_refuse(identity: KeyIdentity) -> Any:
    user = live_user(identity)
    if user is None:
        raise AuthenticationError()
    return user


def _login(request: HttpRequest, token: str, deferred: bool) -> KeyIdentity | None:
    identity = ApiKey.verify(token)
    if identity is None:
        return None
    if deferred:
        request.user = SimpleLazyObject(lambda: _user_or_refuse(identity))
        return identity
    user = live_user(identity)
    if user is None:
        return None
    request.user = user
    return identity


class BearerKey(HttpBearer):
    def __init__(self, deferred: bool = False) -> None:
        super().__init__()
        self.deferred = deferred

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _login(request, token, self.deferred)


class HeaderKey(APIKeyHeader):
    param_name = "X-API-Key"

    def __init__(self, deferred: bool = False) -> None:
        super().__init__()
        self.deferred = deferred

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _login(request, key, self.deferred) if key else None


API_AUTH = [BearerKey(), HeaderKey()]
#: for views whose own query re-checks the key (KeyIdentity in request.auth) before returning any data
DEFERRED_AUTH = [BearerKey(deferred=True), HeaderKey(deferred=True)]

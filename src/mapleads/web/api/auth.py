"""API key authentication: `Authorization: Bearer mlx_…` or `X-API-Key: mlx_…`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer

from mapleads.web.api.models import ApiKey


def _login(request: HttpRequest, token: str) -> Any:
    key = ApiKey.authenticate(token)
    if key is None:
        return None
    request.user = key.user
    return key.user


class BearerKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _login(request, token)


class HeaderKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _login(request, key) if key else None


API_AUTH = [BearerKey(), HeaderKey()]

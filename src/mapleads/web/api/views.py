"""API key management in the UI: create (the key is shown once), list by prefix, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mapleads.web.api.models import ApiKey


@login_required
def keys(request: HttpRequest) -> HttpResponse:
    new_key = None
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip()[:100] or "API key"
        _, new_key = ApiKey.issue(request.user, name)
    return render(
        request,
        "api/keys.html",
        {"keys": ApiKey.objects.filter(user=request.user), "new_key": new_key},
    )


@login_required
@require_POST
def revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    key = get_object_or_404(ApiKey, pk=key_id, user=request.user)
    key.revoke()
    messages.info(request, f"Key {key.prefix}… revoked.")
    return redirect("apikeys:list")

"""The profile page: everything we hold about the user, editable; consents; a JSON export of it all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mapleads.web.accounts.consents import record_choices
from mapleads.web.accounts.forms import CONSENT_FIELDS, ConsentForm, ProfileForm
from mapleads.web.accounts.models import Consent, Profile, current_consents


def _profile(request: HttpRequest) -> Profile:
    """Users created outside sign-up (social login, admin) get an empty profile to fill in."""
    profile, _ = Profile.objects.get_or_create(
        user=request.user, defaults={"name": request.user.get_full_name() or "", "age_confirmed": 0}
    )
    return profile


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    prof = _profile(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=prof)
        if form.is_valid():
            form.save()
            messages.success(request, "Profile saved.")
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=prof)
    state = current_consents(request.user)
    consent_form = ConsentForm(initial={f: state[p] for f, p in CONSENT_FIELDS.items()})
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "profile": prof,
            "consent_form": consent_form,
            "consent_history": Consent.objects.filter(user=request.user),
            "emails": request.user.emailaddress_set.all(),
        },
    )


@login_required
@require_POST
def consents(request: HttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST)
    if form.is_valid():
        changed = record_choices(request.user, form.consent_choices(), via="profile")
        messages.success(request, f"Consents saved ({len(changed)} changed).")
    return redirect("accounts:profile")


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Everything we hold about the user (GDPR access/portability), as one JSON document."""
    prof = _profile(request)
    user = request.user
    data = {
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary} for e in user.emailaddress_set.all()
        ],
        "profile": {
            "name": prof.name,
            "company": prof.company,
            "address": prof.address,
            "telephone": prof.telephone,
            "age_confirmed": prof.age_confirmed,
            "created_at": prof.created_at.isoformat(),
        },
        "consents": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "at": c.at.isoformat(),
                "policy_version": c.policy_version,
                "via": c.via,
            }
            for c in Consent.objects.filter(user=user).order_by("at", "id")
        ],
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-mapleads-data.json"'
    return response

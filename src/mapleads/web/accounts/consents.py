"""Recording consent decisions: one record per change, stamped with the policy version in force."""

from __future__ import annotations

from typing import Any

from mapleads.settings import get_settings
from mapleads.web.accounts.models import Consent, current_consents


def record_choices(user: Any, choices: dict[str, bool], via: str) -> list[Consent]:
    """Store a record for every purpose whose state changes (at sign-up: every purpose granted or refused)."""
    before = current_consents(user)
    first = not Consent.objects.filter(user=user).exists()
    version = get_settings().privacy_policy_version
    created = []
    for purpose, granted in choices.items():
        if first or before.get(purpose) != granted:
            created.append(
                Consent.objects.create(user=user, purpose=purpose, granted=granted, policy_version=version, via=via)
            )
    return created

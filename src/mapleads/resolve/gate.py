"""The resolution a row-preserving command applies to each lead it writes (`mapleads enrich`).

Enrichment keeps every input row, so it cannot merge duplicates (run `mapleads resolve` for that); what it
does apply, lead by lead, is the part of resolution that must never be skipped and the part it changes:
the suppression list (a contact found on the website may be one that objected) and the score (new contacts
change it).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from mapleads.lead import Lead
from mapleads.resolve.normalize import normalize_for_resolution
from mapleads.resolve.score import score_lead
from mapleads.resolve.suppression import SuppressionList
from mapleads.settings import get_settings


class LeadGate:
    """Suppression check and fresh score for one lead at a time; `suppressed` counts the leads held back."""

    def __init__(self, suppression: SuppressionList | None = None, weights: Mapping[str, float] | None = None):
        settings = get_settings()
        if suppression is None and SuppressionList.default_path().is_file():
            suppression = SuppressionList()
        self.suppression = suppression
        self.weights = {**settings.score_weights, **(weights or {})}
        self.region = settings.default_country
        self.suppressed = 0

    def admit(self, lead: Lead) -> bool:
        """Whether the lead may be written; if so its score is brought up to date (in place)."""
        if self.suppression is not None:
            normalised = normalize_for_resolution(copy.deepcopy(lead), self.region)
            if self.suppression.reasons(normalised):
                self.suppressed += 1
                return False
        score_lead(lead, self.weights)
        return True

    def close(self) -> None:
        if self.suppression is not None:
            self.suppression.close()

"""Lead resolution: normalise, deduplicate across runs and sources, suppress, score.

``resolve_leads(leads, suppression=..., history=...)`` is the function the CLI, the pipeline stage and the
web service call.
"""

from mapleads.resolve.history import History
from mapleads.resolve.matching import MatchRule
from mapleads.resolve.merge import MergePolicy, merge_leads
from mapleads.resolve.resolver import ResolveStats, resolve_leads, resolve_stage
from mapleads.resolve.score import score_lead
from mapleads.resolve.suppression import SuppressionList

__all__ = [
    "History",
    "MatchRule",
    "MergePolicy",
    "ResolveStats",
    "SuppressionList",
    "merge_leads",
    "resolve_leads",
    "resolve_stage",
    "score_lead",
]

"""The "resolve" pipeline stage, as `mapleads.extract(..., resolve=True)` and the web service use it."""

from __future__ import annotations

import mapleads
from mapleads.pipeline import build_stage
from mapleads.resolve import SuppressionList
from tests.resolve.conftest import DEMO_PBF

MAYA = "osm:n59622323"


def test_extract_with_resolve_gives_one_scored_lead_per_business() -> None:
    raw = list(mapleads.extract("all", path=DEMO_PBF))
    resolved = list(mapleads.extract("all", path=DEMO_PBF, resolve=True))
    assert len(resolved) == len(raw) - 2
    assert all(0 <= lead.extra["score"] <= 100 for lead in resolved)


def test_extract_with_resolve_honours_the_suppression_list() -> None:
    SuppressionList().add("https://www.maya.fi/")
    ids = {lead.id for lead in mapleads.extract("all", path=DEMO_PBF, resolve=True)}
    assert MAYA not in ids


def test_the_stage_takes_keyword_options(osm) -> None:
    stage = build_stage("resolve", score=False, suppression=False)
    leads = list(stage(iter(osm.values())))
    assert len(leads) == len(osm) - 2
    assert all("score" not in lead.extra for lead in leads)

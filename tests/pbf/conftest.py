from __future__ import annotations

import pytest

import mapleads
from mapleads.lead import Lead
from tests.conftest import DEMO_PBF


@pytest.fixture(scope="session")
def all_leads() -> dict[str, Lead]:
    """Every business in the demo file, by lead id (extracted once per session)."""
    return {lead.id: lead for lead in mapleads.extract("all", path=DEMO_PBF)}

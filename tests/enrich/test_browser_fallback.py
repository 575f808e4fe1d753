"""A JavaScript-only home page yields nothing without a browser, and its contact with the fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapleads.enrich import enrich_leads
from tests.enrich.conftest import FarmRun, crawl_config, lead_for
from tests.enrich.sitefarm import FarmServer, Site


@pytest.mark.browser
def test_the_browser_fallback_renders_an_empty_app_shell(
    farm: tuple[FarmServer, list[Site]], farm_run: FarmRun, tmp_path: Path
) -> None:
    server, sites = farm
    shell = next(s for s in sites if s.kind == "app_shell")
    plain = next(s for s in sites if s.kind == "mailto")
    assert farm_run.leads[shell.host].emails == []  # the plain crawl saw an empty page

    config = crawl_config(server, tmp_path, browser_fallback=True, site_timeout=30.0, read_timeout=10.0)
    rendered, untouched = list(enrich_leads([lead_for(shell), lead_for(plain)], config))
    (hidden,) = shell.expect.decoy_emails  # the address only the JavaScript writes
    assert rendered.emails == [hidden]
    assert rendered.extra["enrich"]["rendered"] is True
    assert rendered.provenance[f"emails:{hidden}"].ref == shell.url
    assert "rendered" not in untouched.extra["enrich"]  # pages with content are never sent to the browser
    assert set(untouched.emails) == plain.expect.emails

"""The enrich stage plugs into the pipeline (mapleads.extract(..., enrich=True)) and reads the settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapleads import pipeline
from mapleads.lead import Lead
from mapleads.settings import get_settings
from tests.enrich.sitefarm import FarmServer, Site


def test_the_enrich_stage_runs_in_pipeline_order_with_settings_from_the_environment(
    farm: tuple[FarmServer, list[Site]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, sites = farm
    site = next(s for s in sites if s.kind == "jsonld")
    monkeypatch.setenv("MAPLEADS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MAPLEADS_CRAWL_HOST_MAP", json.dumps(server.farm.host_map()))
    monkeypatch.setenv("MAPLEADS_CRAWL_CONCURRENCY", "4")
    get_settings.cache_clear()
    try:
        lead = Lead(id="osm:n1", name=site.name, source="osm", source_id="node/1", website=site.url.upper())
        lead.phones_raw = [site.expect.phones.copy().pop()]
        (out,) = list(pipeline.run([lead], {"normalize": {}, "enrich": {}}))
    finally:
        get_settings.cache_clear()
    assert set(out.emails) == site.expect.emails
    assert out.socials == site.expect.socials
    assert out.extra["schema_org"]["address"]["postalCode"] == "00100"
    assert out.opening_hours == "Mo 08:00-16:00"
    assert (tmp_path / "enrich" / "crawl.sqlite3").is_file()


def test_the_stage_accepts_options_and_rejects_unknown_ones() -> None:
    stage = pipeline.build_stage("enrich", concurrency=2, keep_personal_emails=True)
    assert list(stage([])) == []
    with pytest.raises(TypeError, match="unknown enrichment option"):
        list(pipeline.build_stage("enrich", concurency=2)([]))

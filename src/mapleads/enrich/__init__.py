"""Website enrichment: a polite crawler that reads a business's own site for emails, phones, social profiles,
schema.org data and technology hints. `enrich_leads` streams `Lead`s; `enrich_stage` is the pipeline stage."""

from mapleads.enrich.config import EnrichConfig
from mapleads.enrich.result import SiteResult
from mapleads.enrich.runner import Enricher, enrich_leads, enrich_stage

__all__ = ["EnrichConfig", "Enricher", "SiteResult", "enrich_leads", "enrich_stage"]

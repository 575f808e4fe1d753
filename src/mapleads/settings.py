"""Every setting of MapLeadExtractor, in one place, with safe defaults.

Values come from environment variables prefixed ``MAPLEADS_`` (``MAPLEADS_DATA_DIR=/srv/osm``) and, optionally,
from a TOML file named by ``MAPLEADS_CONFIG`` (keys are the field names in lower case). The environment wins over
the file. docs/settings.md lists every setting; ``mapleads settings`` prints the values in force.
Each feature keeps its settings in its own section below, so that features can grow without colliding.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from mapleads.errors import MapleadsError

USER_AGENT = "MapLeadExtractor/0.1 (+https://github.com/mapleads/mapleads; leads@mapleads.invalid)"


class _TomlFileSource(PydanticBaseSettingsSource):
    """Reads the optional config file named by MAPLEADS_CONFIG."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        path = os.environ.get("MAPLEADS_CONFIG")
        self.data: dict[str, Any] = {}
        if path:
            try:
                with open(path, "rb") as fh:
                    self.data = {k.lower(): v for k, v in tomllib.load(fh).items()}
            except OSError as exc:
                raise MapleadsError(f"cannot read MAPLEADS_CONFIG file {path}: {exc.strerror or exc}") from None
            except tomllib.TOMLDecodeError as exc:
                raise MapleadsError(f"MAPLEADS_CONFIG file {path} is not valid TOML: {exc}") from None

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self.data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self.data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAPLEADS_", extra="ignore")

    # --- general ----------------------------------------------------------------------------------------
    data_dir: Path = Field(
        default=Path.home() / ".local" / "share" / "mapleads",
        description="Where downloaded extracts, indexes, caches and crawl state live.",
    )
    user_agent: str = Field(
        default=USER_AGENT, description="Identifying User-Agent (with a contact URL) for every HTTP request."
    )
    default_country: str | None = Field(
        default=None,
        description="ISO country code used to parse phone numbers when a lead has none (else guessed from the data).",
    )

    # --- OpenStreetMap .pbf source (issue 2) -------------------------------------------------------------
    node_locations: str = Field(
        default="flex_mem",
        description="libosmium node-location index for way geometries: flex_mem (sparse for small files, "
        "dense for country/planet files), sparse_file_array,PATH or dense_file_array,PATH to keep it on "
        "disk.",
    )
    address_radius_m: float = Field(
        default=25.0, gt=0, description="Max distance to the nearest address point for address completion."
    )
    scan_processes: int = Field(
        default=2,
        ge=1,
        description="Processes that read a large .pbf file declared sorted by type (as Geofabrik's extracts and "
        "planet files are): 2 share its node blocks; 1 reads it in one process.",
    )
    write_processes: int = Field(
        default=2,
        ge=1,
        description="Processes that build and write the leads of a plain extraction (`extract --no-resolve` to "
        "CSV, JSON, NDJSON or GeoJSON) once the file is read; 1 keeps the work in one process.",
    )

    @field_validator("node_locations")
    @classmethod
    def _known_index_type(cls, value: str) -> str:
        """libosmium fails deep inside a read on an unknown index type; say so when the setting is read."""
        import osmium.index

        kind = value.split(",", 1)[0]
        if kind not in osmium.index.map_types():
            raise ValueError(f"unknown node-location index '{kind}'; use one of {', '.join(osmium.index.map_types())}")
        return value

    # --- region index (issue 3) --------------------------------------------------------------------------
    geofabrik_index_url: str = Field(
        default="https://download.geofabrik.de/index-v1.json",
        description="Geofabrik's published index of regions (a mirror may be used).",
    )

    # --- live sources (issue 4) --------------------------------------------------------------------------
    overpass_url: str = Field(
        default="https://overpass-api.de/api/interpreter", description="Overpass API interpreter endpoint."
    )
    nominatim_url: str = Field(default="https://nominatim.openstreetmap.org", description="Nominatim base URL.")
    google_places_url: str = Field(
        default="https://places.googleapis.com", description="Google Places API (New) base URL."
    )
    google_api_key: str | None = Field(default=None, description="Google Places API key (never logged).")
    overture_release_url: str = Field(
        default="https://overturemaps-us-west-2.s3.amazonaws.com/release",
        description="Base URL of Overture Maps releases (an S3-style listing is read from the bucket root).",
    )
    overture_release: str = Field(
        default="latest", description="Overture release to download from (e.g. 2025-09-24.0), or latest."
    )
    overture_min_confidence: float = Field(
        default=0.5, description="Overture places below this confidence (0..1) are dropped."
    )
    live_cache_ttl: float = Field(
        default=86400.0,
        description="Seconds an Overpass/Nominatim/Overture answer is reused from the disk cache "
        "(0 disables). Google answers are never cached (terms).",
    )
    live_max_retries: int = Field(default=5, description="Retries of a request refused with 429, 5xx or a timeout.")
    live_max_wait: float = Field(
        default=300.0, description="Longest single wait (seconds) honoured from Retry-After or /api/status."
    )
    live_backoff: float = Field(
        default=1.0,
        description="First retry wait (seconds) when the server names none; doubles on each retry.",
    )
    live_timeout: float = Field(default=300.0, description="HTTP read timeout (seconds) for live services.")
    overpass_timeout: int = Field(
        default=180, description="Overpass [timeout:] per query (seconds); larger areas are split into tiles."
    )
    overpass_tile_deg: float = Field(
        default=0.5, description="Largest Overpass query tile (degrees per side); areas bigger are split."
    )
    nominatim_interval: float = Field(
        default=1.0,
        description="Seconds between Nominatim requests (its usage policy: at most 1 per second).",
    )
    google_budget: float = Field(
        default=5.0,
        description="Hard cap in USD for one Google Places run; the run stops before exceeding it.",
    )
    google_fields: str = Field(
        default="enterprise",
        description="Google field set and so SKU: pro (name, address, location, types, status) or "
        "enterprise (+ phone, website, rating, review count, opening hours).",
    )
    google_search: str = Field(
        default="text",
        description="Google endpoint the tiler uses: text (Text Search, up to 60 places per cell in 3 "
        "pages) or nearby (Nearby Search, up to 20 per cell, one request).",
    )
    google_price: float | None = Field(
        default=None,
        description="USD per 1000 requests for the budget cap, overriding the SKU's built-in list price.",
    )
    google_min_cell_m: float = Field(
        default=50.0, description="Smallest Google search cell (metres per side) the tiler subdivides to."
    )

    # --- website enrichment (issue 5) --------------------------------------------------------------------
    crawl_concurrency: int = Field(default=64, description="Sites crawled at once (one request per host).")
    crawl_max_delay: float = Field(
        default=10.0,
        description="Largest robots.txt Crawl-delay honoured (seconds); slower sites are skipped.",
    )
    keep_personal_emails: bool = Field(
        default=False,
        description="Export personal (non-role) email addresses; off because they are personal data.",
    )

    crawl_connect_timeout: float = Field(default=5.0, description="Seconds to open a connection to a site.")
    crawl_read_timeout: float = Field(default=10.0, description="Seconds to wait for the next bytes.")
    crawl_site_timeout: float = Field(default=40.0, description="Seconds for one whole site.")
    crawl_max_body_bytes: int = Field(
        default=2_000_000, description="Bytes read of one page at most; the rest is not downloaded."
    )
    crawl_max_redirects: int = Field(default=5, description="Redirects followed per request at most.")
    crawl_extra_pages: int = Field(
        default=4, description="Pages read after the home page (contact, imprint, about, privacy); 4 at most."
    )
    crawl_host_map: dict[str, str] = Field(
        default_factory=dict,
        description='Host name patterns resolved to fixed IPs, e.g. {"*": "127.0.0.1"} (tests and '
        "benchmarks; when set, names it does not match are unreachable).",
    )
    crawl_cache: bool = Field(
        default=True, description="Keep crawl state per lead and an ETag/Last-Modified page cache (data_dir)."
    )
    crawl_state_max_age_days: float = Field(
        default=30.0, description="A lead crawled more recently than this is not crawled again (resume)."
    )
    enrich_mx_check: bool = Field(default=False, description="Check that kept email domains have MX records.")
    enrich_dns_servers: list[str] = Field(
        default_factory=list, description="DNS servers (IP or IP:port) for the MX check; system's if empty."
    )
    enrich_browser_fallback: bool = Field(
        default=False, description="Render JavaScript-only home pages with a headless Chromium (Playwright)."
    )
    chromium_path: str = Field(
        default="/usr/bin/chromium", description="Chromium run by Playwright (Debian's `chromium` package)."
    )

    # --- resolution (issue 6) ----------------------------------------------------------------------------
    suppression_key: str | None = Field(
        default=None, description="Secret key for the suppression list's keyed hashes (generated if unset)."
    )
    resolve_trust: list[str] = Field(
        default=["osm", "google", "overture", "file"],
        description="Sources from most to least trusted: a merged lead takes each field from the most "
        "trusted member that has it (JSON list).",
    )
    resolve_prefer: Literal["trust", "fresh"] = Field(
        default="trust",
        description="Merge conflict policy: 'trust' ranks members by source trust, then freshness; "
        "'fresh' by snapshot date first.",
    )
    score_weights: dict[str, float] = Field(
        default_factory=dict,
        description='Lead score weights overriding the defaults (JSON object, e.g. {"email": 40}); '
        "components: email, phone, website, opening_hours, completeness, rating, reviews, freshness.",
    )

    # --- web service (issue 7) ---------------------------------------------------------------------------
    secret_key: str | None = Field(default=None, description="Django SECRET_KEY (required when debug is off).")
    debug: bool = Field(default=False, description="Django DEBUG.")
    database_url: str | None = Field(
        default=None, description="Database URL (postgres://...); SQLite under data_dir when unset."
    )
    redis_url: str | None = Field(default=None, description="Redis URL; enables RedisHuey instead of SqliteHuey.")
    tile_url: str = Field(
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png", description="Map tile URL template."
    )
    tile_attribution: str = Field(
        default="© OpenStreetMap contributors", description="Credit line shown under the map tiles."
    )
    allowed_hosts: str = Field(
        default="127.0.0.1,localhost", description="Comma-separated host names the web service answers to."
    )
    tls: bool = Field(
        default=False,
        description="Served over HTTPS (behind a TLS proxy): secure cookies, HSTS and HTTPS redirects on.",
    )
    media_dir: Path | None = Field(
        default=None, description="Where job downloads are stored; data_dir/media when unset."
    )
    web_pbf_path: Path | None = Field(
        default=None, description="The .pbf file web jobs with source 'pbf' read (e.g. a country extract)."
    )
    email_host: str | None = Field(
        default=None, description="SMTP server for account emails; printed to the console when unset."
    )
    email_port: int = Field(default=587, description="SMTP port.")
    email_user: str | None = Field(default=None, description="SMTP user name.")
    email_password: str | None = Field(default=None, description="SMTP password (never logged).")
    email_use_tls: bool = Field(default=True, description="STARTTLS to the SMTP server.")
    email_from: str = Field(default="MapLeadExtractor <noreply@localhost>", description="Sender of emails.")
    signup_min_age: int = Field(default=13, description="Minimum age users confirm at sign-up.")
    signup_min_age_by_country: dict[str, int] = Field(
        default_factory=dict,
        description='Per-country minimum ages (JSON, e.g. {"DE": 16, "NL": 16}) overriding signup_min_age.',
    )
    privacy_policy_version: str = Field(
        default="2025-01", description="Policy version stored with every consent record."
    )
    job_heartbeat_s: float = Field(default=2.0, description="How often a running job proves it is alive.")
    job_stale_after_s: float = Field(
        default=30.0, description="A running job silent for this long is re-queued by the reaper."
    )
    job_batch_size: int = Field(default=100, description="Leads written per database transaction.")
    workers: int = Field(default=2, description="Worker threads of the job queue started by `mapleads serve`.")
    oidc_server_url: str | None = Field(
        default=None, description="OpenID Connect issuer for optional social login (with oidc_client_id)."
    )
    oidc_client_id: str | None = Field(default=None, description="OpenID Connect client id.")
    oidc_client_secret: str | None = Field(default=None, description="OpenID Connect client secret.")
    oidc_name: str = Field(default="Single sign-on", description="Button label of the OpenID Connect login.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlFileSource(settings_cls))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings in force; tests call ``get_settings.cache_clear()`` after changing the environment."""
    try:
        return Settings()
    except ValidationError as exc:  # a bad MAPLEADS_* value or config entry: name it, in one line
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "?"
        why = first["msg"].removeprefix("Value error, ")
        raise MapleadsError(f"invalid setting MAPLEADS_{name.upper()}={first.get('input')!r}: {why}") from None

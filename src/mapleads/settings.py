"""Every setting of MapLeadExtractor, in one place, with safe defaults.

Values come from environment variables prefixed ``MAPLEADS_`` (``MAPLEADS_DATA_DIR=/srv/osm``) and, optionally,
from a TOML file named by ``MAPLEADS_CONFIG`` (keys are the field names in lower case). The environment wins over
the file. docs/settings.md lists every setting; ``mapleads settings`` prints the values in force.
Each feature keeps its settings in its own section below, so that features can grow without colliding.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
import typing
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from mapleads.errors import MapleadsError

USER_AGENT = "MapLeadExtractor/0.1 (+https://github.com/mapleads/mapleads; leads@mapleads.invalid)"
PREFIX = "MAPLEADS_"


class Settings(msgspec.Struct, kw_only=True):
    """The settings, typed and checked by msgspec (a pydantic-settings model took 0.1 s of every command's start).
    Each field's `Meta` holds its description, shown by `mapleads settings`."""

    # --- general ----------------------------------------------------------------------------------------
    data_dir: Annotated[Path, Meta(description="Where downloaded extracts, indexes, caches and crawl state live.")] = (
        Path.home() / ".local" / "share" / "mapleads"
    )
    user_agent: Annotated[
        str, Meta(description="Identifying User-Agent (with a contact URL) for every HTTP request.")
    ] = USER_AGENT
    default_country: Annotated[
        str | None,
        Meta(
            description="ISO country code used to parse phone numbers when a lead has none "
            "(else guessed from the data)."
        ),
    ] = None

    # --- OpenStreetMap .pbf source (issue 2) -------------------------------------------------------------
    node_locations: Annotated[
        str,
        Meta(
            description="libosmium node-location index for way geometries: flex_mem (sparse for small files, "
            "dense for country/planet files), sparse_file_array,PATH or dense_file_array,PATH to keep it on "
            "disk. A sorted file read by two processes gets a sparse index in temporary files (beside PATH if "
            "given) unless this names a dense one."
        ),
    ] = "flex_mem"
    address_radius_m: Annotated[
        float, Meta(gt=0, description="Max distance to the nearest address point for address completion.")
    ] = 25.0
    scan_processes: Annotated[
        int,
        Meta(
            ge=1,
            description="Processes that read a large .pbf file declared sorted by type (as Geofabrik's extracts and "
            "planet files are): 2 share its node blocks; 1 reads it in one process.",
        ),
    ] = 2
    write_processes: Annotated[
        int,
        Meta(
            ge=1,
            description="Processes that build and write the leads of a plain extraction (`extract --no-resolve` to "
            "CSV, JSON, NDJSON or GeoJSON) once the file is read; 1 keeps the work in one process.",
        ),
    ] = 2

    # --- region index (issue 3) --------------------------------------------------------------------------
    geofabrik_index_url: Annotated[
        str, Meta(description="Geofabrik's published index of regions (a mirror may be used).")
    ] = "https://download.geofabrik.de/index-v1.json"

    # --- live sources (issue 4) --------------------------------------------------------------------------
    overpass_url: Annotated[str, Meta(description="Overpass API interpreter endpoint.")] = (
        "https://overpass-api.de/api/interpreter"
    )
    nominatim_url: Annotated[str, Meta(description="Nominatim base URL.")] = "https://nominatim.openstreetmap.org"
    google_places_url: Annotated[str, Meta(description="Google Places API (New) base URL.")] = (
        "https://places.googleapis.com"
    )
    google_api_key: Annotated[str | None, Meta(description="Google Places API key (never logged).")] = None
    overture_release_url: Annotated[
        str, Meta(description="Base URL of Overture Maps releases (an S3-style listing is read from the bucket root).")
    ] = "https://overturemaps-us-west-2.s3.amazonaws.com/release"
    overture_release: Annotated[
        str, Meta(description="Overture release to download from (e.g. 2025-09-24.0), or latest.")
    ] = "latest"
    overture_min_confidence: Annotated[
        float, Meta(description="Overture places below this confidence (0..1) are dropped.")
    ] = 0.5
    live_cache_ttl: Annotated[
        float,
        Meta(
            description="Seconds an Overpass/Nominatim/Overture answer is reused from the disk cache "
            "(0 disables). Google answers are never cached (terms)."
        ),
    ] = 86400.0
    live_max_retries: Annotated[int, Meta(description="Retries of a request refused with 429, 5xx or a timeout.")] = 5
    live_max_wait: Annotated[
        float, Meta(description="Longest single wait (seconds) honoured from Retry-After or /api/status.")
    ] = 300.0
    live_backoff: Annotated[
        float, Meta(description="First retry wait (seconds) when the server names none; doubles on each retry.")
    ] = 1.0
    live_timeout: Annotated[float, Meta(description="HTTP read timeout (seconds) for live services.")] = 300.0
    overpass_timeout: Annotated[
        int, Meta(description="Overpass [timeout:] per query (seconds); larger areas are split into tiles.")
    ] = 180
    overpass_tile_deg: Annotated[
        float, Meta(description="Largest Overpass query tile (degrees per side); areas bigger are split.")
    ] = 0.5
    nominatim_interval: Annotated[
        float, Meta(description="Seconds between Nominatim requests (its usage policy: at most 1 per second).")
    ] = 1.0
    google_budget: Annotated[
        float, Meta(description="Hard cap in USD for one Google Places run; the run stops before exceeding it.")
    ] = 5.0
    google_fields: Annotated[
        str,
        Meta(
            description="Google field set and so SKU: pro (name, address, location, types, status) or "
            "enterprise (+ phone, website, rating, review count, opening hours)."
        ),
    ] = "enterprise"
    google_search: Annotated[
        str,
        Meta(
            description="Google endpoint the tiler uses: text (Text Search, up to 60 places per cell in 3 "
            "pages) or nearby (Nearby Search, up to 20 per cell, one request)."
        ),
    ] = "text"
    google_price: Annotated[
        float | None,
        Meta(description="USD per 1000 requests for the budget cap, overriding the SKU's built-in list price."),
    ] = None
    google_min_cell_m: Annotated[
        float, Meta(description="Smallest Google search cell (metres per side) the tiler subdivides to.")
    ] = 50.0

    # --- website enrichment (issue 5) --------------------------------------------------------------------
    crawl_concurrency: Annotated[int, Meta(description="Sites crawled at once (one request per host).")] = 64
    crawl_max_delay: Annotated[
        float, Meta(description="Largest robots.txt Crawl-delay honoured (seconds); slower sites are skipped.")
    ] = 10.0
    keep_personal_emails: Annotated[
        bool, Meta(description="Export personal (non-role) email addresses; off because they are personal data.")
    ] = False

    crawl_connect_timeout: Annotated[float, Meta(description="Seconds to open a connection to a site.")] = 5.0
    crawl_read_timeout: Annotated[float, Meta(description="Seconds to wait for the next bytes.")] = 10.0
    crawl_site_timeout: Annotated[float, Meta(description="Seconds for one whole site.")] = 40.0
    crawl_max_body_bytes: Annotated[
        int, Meta(description="Bytes read of one page at most; the rest is not downloaded.")
    ] = 2_000_000
    crawl_max_redirects: Annotated[int, Meta(description="Redirects followed per request at most.")] = 5
    crawl_extra_pages: Annotated[
        int, Meta(description="Pages read after the home page (contact, imprint, about, privacy); 4 at most.")
    ] = 4
    crawl_host_map: Annotated[
        dict[str, str],
        Meta(
            description='Host name patterns resolved to fixed IPs, e.g. {"*": "127.0.0.1"} (tests and '
            "benchmarks; when set, names it does not match are unreachable)."
        ),
    ] = msgspec.field(default_factory=dict)
    crawl_cache: Annotated[
        bool, Meta(description="Keep crawl state per lead and an ETag/Last-Modified page cache (data_dir).")
    ] = True
    crawl_state_max_age_days: Annotated[
        float, Meta(description="A lead crawled more recently than this is not crawled again (resume).")
    ] = 30.0
    enrich_mx_check: Annotated[bool, Meta(description="Check that kept email domains have MX records.")] = False
    enrich_dns_servers: Annotated[
        list[str], Meta(description="DNS servers (IP or IP:port) for the MX check; system's if empty.")
    ] = msgspec.field(default_factory=list)
    enrich_browser_fallback: Annotated[
        bool, Meta(description="Render JavaScript-only home pages with a headless Chromium (Playwright).")
    ] = False
    chromium_path: Annotated[str, Meta(description="Chromium run by Playwright (Debian's `chromium` package).")] = (
        "/usr/bin/chromium"
    )

    # --- resolution (issue 6) ----------------------------------------------------------------------------
    suppression_key: Annotated[
        str | None, Meta(description="Secret key for the suppression list's keyed hashes (generated if unset).")
    ] = None
    resolve_trust: Annotated[
        list[str],
        Meta(
            description="Sources from most to least trusted: a merged lead takes each field from the most "
            "trusted member that has it (JSON list)."
        ),
    ] = msgspec.field(default_factory=lambda: ["osm", "google", "overture", "file"])
    resolve_prefer: Annotated[
        Literal["trust", "fresh"],
        Meta(
            description="Merge conflict policy: 'trust' ranks members by source trust, then freshness; "
            "'fresh' by snapshot date first."
        ),
    ] = "trust"
    score_weights: Annotated[
        dict[str, float],
        Meta(
            description='Lead score weights overriding the defaults (JSON object, e.g. {"email": 40}); '
            "components: email, phone, website, opening_hours, completeness, rating, reviews, freshness."
        ),
    ] = msgspec.field(default_factory=dict)

    # --- web service (issue 7) ---------------------------------------------------------------------------
    secret_key: Annotated[str | None, Meta(description="Django SECRET_KEY (required when debug is off).")] = None
    debug: Annotated[bool, Meta(description="Django DEBUG.")] = False
    database_url: Annotated[
        str | None, Meta(description="Database URL (postgres://...); SQLite under data_dir when unset.")
    ] = None
    redis_url: Annotated[str | None, Meta(description="Redis URL; enables RedisHuey instead of SqliteHuey.")] = None
    tile_url: Annotated[str, Meta(description="Map tile URL template.")] = (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    )
    tile_attribution: Annotated[str, Meta(description="Credit line shown under the map tiles.")] = (
        "© OpenStreetMap contributors"
    )
    allowed_hosts: Annotated[str, Meta(description="Comma-separated host names the web service answers to.")] = (
        "127.0.0.1,localhost"
    )
    tls: Annotated[
        bool, Meta(description="Served over HTTPS (behind a TLS proxy): secure cookies, HSTS and HTTPS redirects on.")
    ] = False
    media_dir: Annotated[
        Path | None, Meta(description="Where job downloads are stored; data_dir/media when unset.")
    ] = None
    web_pbf_path: Annotated[
        Path | None, Meta(description="The .pbf file web jobs with source 'pbf' read (e.g. a country extract).")
    ] = None
    email_host: Annotated[
        str | None, Meta(description="SMTP server for account emails; printed to the console when unset.")
    ] = None
    email_port: Annotated[int, Meta(description="SMTP port.")] = 587
    email_user: Annotated[str | None, Meta(description="SMTP user name.")] = None
    email_password: Annotated[str | None, Meta(description="SMTP password (never logged).")] = None
    email_use_tls: Annotated[bool, Meta(description="STARTTLS to the SMTP server.")] = True
    email_from: Annotated[str, Meta(description="Sender of emails.")] = "MapLeadExtractor <noreply@localhost>"
    signup_min_age: Annotated[int, Meta(description="Minimum age users confirm at sign-up.")] = 13
    signup_min_age_by_country: Annotated[
        dict[str, int],
        Meta(description='Per-country minimum ages (JSON, e.g. {"DE": 16, "NL": 16}) overriding signup_min_age.'),
    ] = msgspec.field(default_factory=dict)
    privacy_policy_version: Annotated[str, Meta(description="Policy version stored with every consent record.")] = (
        "2025-01"
    )
    job_heartbeat_s: Annotated[float, Meta(description="How often a running job proves it is alive.")] = 2.0
    job_stale_after_s: Annotated[
        float, Meta(description="A running job silent for this long is re-queued by the reaper.")
    ] = 30.0
    job_batch_size: Annotated[int, Meta(description="Leads written per database transaction.")] = 100
    workers: Annotated[int, Meta(description="Worker threads of the job queue started by `mapleads serve`.")] = 2
    oidc_server_url: Annotated[
        str | None, Meta(description="OpenID Connect issuer for optional social login (with oidc_client_id).")
    ] = None
    oidc_client_id: Annotated[str | None, Meta(description="OpenID Connect client id.")] = None
    oidc_client_secret: Annotated[str | None, Meta(description="OpenID Connect client secret.")] = None
    oidc_name: Annotated[str, Meta(description="Button label of the OpenID Connect login.")] = "Single sign-on"


def _known_index_type(value: str) -> str | None:
    """libosmium fails deep inside a read on an unknown index type; say so when the setting is read."""
    import osmium.index

    kind = value.split(",", 1)[0]
    if kind not in osmium.index.map_types():
        return f"unknown node-location index '{kind}'; use one of {', '.join(osmium.index.map_types())}"
    return None


#: checks beyond a field's type and bounds: the reason a value is refused, or None
_CHECKS = {"node_locations": _known_index_type}
_TRUE, _FALSE = frozenset({"1", "true", "t", "yes", "y", "on"}), frozenset({"0", "false", "f", "no", "n", "off"})


@lru_cache(maxsize=1)
def _hints() -> dict[str, Any]:
    """Each field's annotation, its `Meta` included."""
    return typing.get_type_hints(Settings, include_extras=True)


def descriptions() -> dict[str, str]:
    """Every setting's name and what it means, in declaration order."""
    hints = _hints()
    return {
        name: next((m.description or "" for m in typing.get_args(hints[name])[1:] if isinstance(m, Meta)), "")
        for name in Settings.__struct_fields__
    }


def _base_type(name: str) -> Any:
    """A field's type without its `Meta` (`dict[str, float]`, `bool`, `Path | None`)."""
    return typing.get_args(_hints()[name])[0]


def _from_config_file() -> dict[str, Any]:
    """The optional TOML file named by MAPLEADS_CONFIG (keys are the field names in any case)."""
    path = os.environ.get(f"{PREFIX}CONFIG")
    if not path:
        return {}
    try:
        with open(path, "rb") as fh:
            return {k.lower(): v for k, v in tomllib.load(fh).items()}
    except OSError as exc:
        raise MapleadsError(f"cannot read MAPLEADS_CONFIG file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise MapleadsError(f"MAPLEADS_CONFIG file {path} is not valid TOML: {exc}") from None


def _from_environment() -> dict[str, Any]:
    """MAPLEADS_* variables (in any case) as field values: lists and mappings are written as JSON, booleans as
    1/0, true/false, yes/no or on/off."""
    names = set(Settings.__struct_fields__)
    found: dict[str, Any] = {}
    for key, text in os.environ.items():
        name = key[len(PREFIX) :].lower() if key.upper().startswith(PREFIX) else None
        if name not in names:
            continue
        kind = typing.get_origin(_base_type(name)) or _base_type(name)
        if kind in (list, dict):
            try:
                found[name] = json.loads(text)
            except ValueError:
                raise MapleadsError(f"invalid setting {PREFIX}{name.upper()}={text!r}: not JSON") from None
        elif kind is bool and text.strip().lower() in _TRUE | _FALSE:
            found[name] = text.strip().lower() in _TRUE
        else:
            found[name] = text
    return found


def _decode(kind: type, value: Any) -> Any:
    """msgspec's hook for the one field type it does not know: paths, written as text."""
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise TypeError(f"expected a path, got {value!r}")


def load_settings() -> Settings:
    """Defaults, overridden by the config file, overridden by the environment; a bad value is one clear error."""
    data = _from_config_file()
    data = {k: v for k, v in data.items() if k in Settings.__struct_fields__}
    data.update(_from_environment())
    for name, check in _CHECKS.items():
        if isinstance(data.get(name), str) and (why := check(data[name])) is not None:
            raise MapleadsError(f"invalid setting {PREFIX}{name.upper()}={data[name]!r}: {why}")
    try:
        return msgspec.convert(data, Settings, strict=False, dec_hook=_decode)
    except msgspec.ValidationError as exc:  # "Expected `int`, got `str` - at `$.crawl_concurrency`"
        text = str(exc)
        where = re.search(r" - at `\$\.(\w+)", text)
        name = where.group(1) if where else "?"
        why = text[: where.start()] if where else text
        raise MapleadsError(f"invalid setting {PREFIX}{name.upper()}={data.get(name)!r}: {why}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings in force; tests call ``get_settings.cache_clear()`` after changing the environment."""
    return load_settings()

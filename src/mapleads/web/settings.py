"""Django settings, all derived from `mapleads.settings.get_settings()` (MAPLEADS_ environment variables).

Embedded by default (SQLite, SqliteHuey, local media); PostgreSQL and Redis when their URLs are set.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

from mapleads.settings import get_settings

_cfg = get_settings()
WEB_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(_cfg.data_dir)
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The configured key; without one, a random key kept in data_dir so sessions survive restarts."""
    if _cfg.secret_key:
        return _cfg.secret_key
    keyfile = DATA_DIR / "web-secret-key"
    if not keyfile.exists():
        keyfile.write_text(secrets.token_urlsafe(50))
        keyfile.chmod(0o600)
    return keyfile.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _cfg.debug
ALLOWED_HOSTS = [h.strip() for h in _cfg.allowed_hosts.split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "huey.contrib.djhuey",
    "mapleads.web.accounts",
    "mapleads.web.jobs",
    "mapleads.web.api",
    "mapleads.web.front",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mapleads.web.front.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "mapleads.web.urls"
WSGI_APPLICATION = "mapleads.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]


def _databases() -> dict[str, Any]:
    if _cfg.database_url:
        db = dj_database_url.parse(_cfg.database_url, conn_max_age=60, conn_health_checks=True)
    else:
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "web.sqlite3")}
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL + IMMEDIATE transactions: the web process and the workers write the same file without
        # "database is locked" errors.
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        db.setdefault("TEST", {})["NAME"] = str(DATA_DIR / "web-test.sqlite3")
    return {"default": db}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _huey() -> dict[str, Any]:
    common = {"name": "mapleads", "immediate": False, "results": False}
    consumer = {
        "workers": _cfg.workers,
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
    }
    if _cfg.redis_url:
        return {**common, "huey_class": "huey.RedisHuey", "url": _cfg.redis_url, "consumer": consumer}
    return {
        **common,
        "huey_class": "huey.SqliteHuey",
        "filename": str(DATA_DIR / "web-queue.sqlite3"),
        "consumer": consumer,
    }


HUEY = _huey()

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- accounts (django-allauth) -----------------------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "mapleads.web.accounts.forms.SignupDetailsForm"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MapLeadExtractor] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if _cfg.tls else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "MapLeadExtractor"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS: dict[str, Any] = {}
if _cfg.oidc_server_url and _cfg.oidc_client_id:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "sso",
                "name": _cfg.oidc_name,
                "client_id": _cfg.oidc_client_id,
                "secret": _cfg.oidc_client_secret or "",
                "settings": {"server_url": _cfg.oidc_server_url},
            }
        ]
    }
LOGIN_REDIRECT_URL = "jobs:list"
LOGIN_URL = "account_login"

if _cfg.email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _cfg.email_host
    EMAIL_PORT = _cfg.email_port
    EMAIL_HOST_USER = _cfg.email_user or ""
    EMAIL_HOST_PASSWORD = _cfg.email_password or ""
    EMAIL_USE_TLS = _cfg.email_use_tls
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = _cfg.email_from
SERVER_EMAIL = _cfg.email_from

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(_cfg.media_dir) if _cfg.media_dir else DATA_DIR / "media"

# --- security headers ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if _cfg.tls:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if h and not h.startswith(".")]


def _origin(url: str) -> str:
    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


_tile_origin = _origin(_cfg.tile_url)
if "{s}" in _cfg.tile_url:
    _tile_origin = _tile_origin.replace("://a.", "://*.")
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data: {_tile_origin}".strip(),
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# --- map and jobs -----------------------------------------------------------------------------------
MAPLEADS_TILE_URL = _cfg.tile_url
MAPLEADS_TILE_ATTRIBUTION = _cfg.tile_attribution

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "mapleads": {"handlers": ["console"], "level": "INFO"},
        "huey": {"handlers": ["console"], "level": "WARNING"},
    },
}

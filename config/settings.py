"""Konsulta settings.

Every setting that differs between machines comes from the environment (see README,
"Configuration"). Two modes:

* ``DJANGO_ENV=development`` (the default; what ``make run`` and ``make test`` use): embedded
  defaults, SQLite file, in-memory channel layer, local-memory cache, console email.
* ``DJANGO_ENV=production``: ``DEBUG`` is forced off, ``SECRET_KEY`` and ``ALLOWED_HOSTS`` must be
  given, cookies are secure, HSTS and the other security headers are on.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():  # optional, for local overrides; never committed
    environ.Env.read_env(env_file)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ValueError(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = False if PRODUCTION else env.bool("DEBUG", default=False)

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "channels",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "accounts",
    "consult",
    "proposals",
    "comments",
    "hearings",
    "realtime",
    "reports",
    "plans",
    "subscriptions",
    "jobs",
    "search",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.SecurityHeadersMiddleware",  # CSP, Permissions-Policy (see Security)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.static",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- Data stores ---------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer writes; a busy timeout makes concurrent
    # writers wait instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests use a file, not an in-memory database, so that a real ASGI server running in
    # another thread or process of the test run sees the same data.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # One file per test process (pytest-xdist adds its own suffix), so parallel runs do not meet.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "TEST_SQLITE_NAME", default=str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")
    )
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES:
    # A test database per test process, so that parallel test runs on one server do not meet.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# A test run's processes share one Redis: each keeps its cache keys and channel groups under its
# own prefix, so that one process clearing its cache or numbering its rows from 1 does not meet
# another's (tests/conftest.py clears only its own keys).
_REDIS_TEST_SUFFIX = f"-test{os.getpid()}" if "pytest" in sys.modules else ""

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="konsulta") + _REDIS_TEST_SUFFIX,
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env.str("CHANNEL_PREFIX", default="konsulta") + _REDIS_TEST_SUFFIX,
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Accounts ------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "consult:home"
SITE_ID = 1

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
# People may sign up and read at once; taking part (voting, commenting) needs a verified email,
# which the rules check (accounts.rules.is_verified).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Konsulta] "
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, spelled out so they are visible and tunable.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

# --- Internationalisation ------------------------------------------------------------------

LANGUAGE_CODE = "sq"
LANGUAGES = [
    ("sq", _("Albanian")),
    ("sr-latn", _("Serbian (Latin)")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Belgrade"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "konsulta_language"
# Our own date and number formats for sq and en (config/formats/); Serbian uses Django's.
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and media ----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = None  # uploads are never served as static files; views stream them with checks
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Email ---------------------------------------------------------------------------------

EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Konsulta <no-reply@konsulta.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- API -----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="600/minute"),
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
    },
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Konsulta API",
    "DESCRIPTION": (
        "Public consultations, draft policies article by article, votes, and their history. "
        "Reads of public objects need no authentication; writes need a session (with CSRF) "
        "or a token (`Authorization: Token <key>`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# --- Konsulta rules ------------------------------------------------------------------------

# Kosovo's minimum standards: a written round of at least 15 working days.
CONSULTATION_MIN_WORKING_DAYS = env.int("CONSULTATION_MIN_WORKING_DAYS", default=15)
# How often the in-process scheduler moves consultations between states by time (seconds);
# 0 turns it off (production runs `manage.py run_worker` instead).
SCHEDULER_INTERVAL = env.int("SCHEDULER_INTERVAL", default=0 if PRODUCTION else 30)
DRAFT_UPLOAD_MAX_BYTES = env.int("DRAFT_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# Background jobs: in the web process by default; production runs `manage.py run_worker`.
JOBS_INPROCESS = env.bool("JOBS_INPROCESS", default=not PRODUCTION)
JOBS_RETRY_SECONDS = env.int("JOBS_RETRY_SECONDS", default=30)
# The benchmarks' floor: `/bench/floor` answers a constant from the same server (bench/run.py
# turns it on for its own server; off by default, in production too).
BENCH_FLOOR = env.bool("BENCH_FLOOR", default=False)

# Comments and submissions.
COMMENT_MIN_LENGTH = env.int("COMMENT_MIN_LENGTH", default=2)
COMMENT_MAX_LENGTH = env.int("COMMENT_MAX_LENGTH", default=5000)
# "<count>/<seconds>": at most count comments (flags) by one person in that many seconds.
COMMENT_RATE_LIMIT = env.str("COMMENT_RATE_LIMIT", default="10/600")
FLAG_RATE_LIMIT = env.str("FLAG_RATE_LIMIT", default="20/3600")
FLAGS_TO_HIDE = env.int("FLAGS_TO_HIDE", default=3)
POSITION_PAPER_MAX_BYTES = env.int("POSITION_PAPER_MAX_BYTES", default=10 * 1024 * 1024)
# fmt: off
KOSOVO_MUNICIPALITIES = [
    "Deçan", "Dragash", "Ferizaj", "Fushë Kosovë", "Gjakovë", "Gjilan", "Drenas", "Graçanicë",
    "Hani i Elezit", "Istog", "Junik", "Kaçanik", "Kamenicë", "Klinë", "Kllokot", "Leposaviq",
    "Lipjan", "Malishevë", "Mamushë", "Mitrovicë e Jugut", "Mitrovicë e Veriut", "Novobërdë",
    "Obiliq", "Partesh", "Pejë", "Podujevë", "Prishtinë", "Prizren", "Rahovec", "Ranillug",
    "Shtërpcë", "Shtime", "Skënderaj", "Suharekë", "Viti", "Vushtrri", "Zubin Potok", "Zveçan",
]
# fmt: on
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Security ------------------------------------------------------------------------------
# Headers: Django's SecurityMiddleware (HSTS, nosniff, Referrer-Policy, COOP), X-Frame-Options,
# and config.security.SecurityHeadersMiddleware (Content-Security-Policy, Permissions-Policy).

if PRODUCTION:
    # Refuse to start rather than run insecurely (`manage.py check --deploy` would only warn).
    if env.bool("DEBUG", default=False):
        raise environ.ImproperlyConfigured("DEBUG must not be on with DJANGO_ENV=production")
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise environ.ImproperlyConfigured(
            "SECRET_KEY must be at least 50 random characters with DJANGO_ENV=production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    if not ALLOWED_HOSTS or not all(host.strip() for host in ALLOWED_HOSTS):
        raise environ.ImproperlyConfigured(
            "ALLOWED_HOSTS must list the site's host names with DJANGO_ENV=production"
        )

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # the small scripts read it for fetch(); see static/js
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The same Content-Security-Policy in development and production; 1 sends it as
# Content-Security-Policy-Report-Only (violations are reported in the browser console only).
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # Behind a TLS proxy that sets X-Forwarded-Proto (README, nginx). The health check stays
    # reachable over plain HTTP from inside (load balancers, `curl 127.0.0.1:8000/healthz`).
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}

# Realtime
# Live updates over WebSockets (realtime/README.md): the largest message a client may send, how
# many messages per seconds ("<count>/<seconds>") before the connection is closed, and how often
# at most the number of readers of a consultation is announced.
WS_MAX_MESSAGE_BYTES = env.int("WS_MAX_MESSAGE_BYTES", default=4096)
WS_RATE_LIMIT = env.str("WS_RATE_LIMIT", default="20/10")
WS_PRESENCE_INTERVAL = env.float("WS_PRESENCE_INTERVAL", default=2.0)
WS_PUBLISH_TIMEOUT = env.float("WS_PUBLISH_TIMEOUT", default=2.0)

# Hearings
# Live public hearings (hearings/): the longest question or remark, and how many a person may post
# in how many seconds ("<count>/<seconds>", counted in the database).
HEARING_ITEM_MAX_LENGTH = env.int("HEARING_ITEM_MAX_LENGTH", default=1000)
HEARING_ITEM_RATE_LIMIT = env.str("HEARING_ITEM_RATE_LIMIT", default="5/300")
# With Redis, the channel layer is channels_redis's pub/sub layer: one PUBLISH per event, one
# subscription per server process and consultation, a plain queue per connection; the list-based
# layer (CHANNEL_LAYER=core) does work per connection and per event in Redis and in every process
# (bench/README.md). Delivery is at most once, which the numbered events already allow for: a
# page that misses a number reloads what it shows.
if REDIS_URL and env.str("CHANNEL_LAYER", default="pubsub") == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env.str("CHANNEL_PREFIX", default="konsulta") + _REDIS_TEST_SUFFIX,
            },
        }
    }

# Report exports
# Above this many submissions a report download is made in the background (a job with a status
# page); PDF and DOCX, laid out page by page, above the second number already.
REPORT_EXPORT_SYNC_MAX_SUBMISSIONS = env.int("REPORT_EXPORT_SYNC_MAX_SUBMISSIONS", default=2000)
REPORT_EXPORT_SYNC_MAX_SUBMISSIONS_PAGED = env.int(
    "REPORT_EXPORT_SYNC_MAX_SUBMISSIONS_PAGED", default=300
)
# WeasyPrint logs its progress at INFO, several lines per page of a PDF.
LOGGING["loggers"]["weasyprint"] = {"level": "WARNING"}
LOGGING["loggers"]["fontTools"] = {"level": "WARNING"}

# Plans and subscriptions
# Notifications (subscriptions/README in subscriptions.notify and subscriptions.delivery): the
# "closes soon" reminder goes this many working days before the closing date, from this hour of
# the day (Kosovo time); the weekly digests go on this weekday (0 = Monday) from this hour;
# immediate notifications still unsent this many minutes after they were written are retried by
# the periodic sweeper (the send job retries first, with back-off).
SUBSCRIPTIONS_CLOSING_SOON_WORKING_DAYS = env.int(
    "SUBSCRIPTIONS_CLOSING_SOON_WORKING_DAYS", default=3
)
SUBSCRIPTIONS_DAILY_HOUR = env.int("SUBSCRIPTIONS_DAILY_HOUR", default=8)
SUBSCRIPTIONS_DIGEST_WEEKDAY = env.int("SUBSCRIPTIONS_DIGEST_WEEKDAY", default=0)
SUBSCRIPTIONS_DIGEST_HOUR = env.int("SUBSCRIPTIONS_DIGEST_HOUR", default=8)
SUBSCRIPTIONS_RETRY_AFTER_MINUTES = env.int("SUBSCRIPTIONS_RETRY_AFTER_MINUTES", default=15)

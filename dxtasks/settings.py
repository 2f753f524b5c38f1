"""dxtasks settings, read from the environment (see the table in README.md).

The defaults give the embedded configuration: SQLite under var/, the django-q
ORM broker, .eml files under var/mail/. Production sets DEBUG=0 (the default)
with SECRET_KEY, ALLOWED_HOSTS and SITE_URL, and usually DATABASE_URL,
REDIS_URL and EMAIL_URL.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # the embedded default's database, mail and media; not in git
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
# `make install` writes a development .env (DEBUG=1, SECRET_KEY, SITE_URL); the environment wins over
# it. ENV_FILE names another file, or "" for none (tests and production need not read it).
ENV_FILE = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE)  # optional; absent files are ignored

DEBUG = env.bool("DEBUG", default=False)

# A development key only when DEBUG: a production process without SECRET_KEY
# must fail to start rather than sign cookies and feed links with a known key.
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-" + "x" * 32)
else:
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # Before django.contrib.admin: its registration/ templates (logged out, password change) are ours, not the admin's.
    "dxtasks.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_q",
    "axes",  # sign-in lockout per (username, client address); see dxtasks/accounts/lockout.py
    "ninja",  # serves Swagger UI's files from our origin (no CDN) for /api/v1/docs
    "dxtasks.directives",
    "dxtasks.reminders",
    "dxtasks.calendars",
    "dxtasks.briefings",
    "dxtasks.layout",  # the frame of every page: base.html, its template tags, the navigation apps register
    "dxtasks.portal",
    "dxtasks.ratelimits",  # atomic request counters (Redis INCR or one upsert), for feeds and others
    "dxtasks.operations",
    "dxtasks.api",
]

MIDDLEWARE = [
    "dxtasks.operations.middleware.HealthEndpointsMiddleware",  # /healthz, /readyz: before hosts, HTTPS, sessions
    "django.middleware.security.SecurityMiddleware",
    "dxtasks.portal.security.SecurityHeadersMiddleware",  # CSP, Permissions-Policy, no-store when signed in
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dxtasks.portal.language.ChosenLanguageMiddleware",  # Vietnamese unless the user chose English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dxtasks.portal.errors.ErrorPagesMiddleware",  # the portal's error pages with DEBUG on too
    "axes.middleware.AxesMiddleware",  # last: turns a locked sign-in into the 429 page
]

ROOT_URLCONF = "dxtasks.urls"
WSGI_APPLICATION = "dxtasks.wsgi.application"
ASGI_APPLICATION = "dxtasks.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dxtasks.portal.context.worklist",
            ],
        },
    },
]


# --- Database -----------------------------------------------------------------
def _process_kind() -> str:
    """ "web" (gunicorn, runserver, tests) or "worker" (qcluster and other manage.py commands)."""
    explicit = env.str("DXTASKS_PROCESS", default="")
    if explicit:
        return explicit
    if len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" and sys.argv[1] != "runserver":
        return "worker"
    return "web"


PROCESS_KIND = _process_kind()
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)  # seconds (PostgreSQL's connect_timeout)
DB_STATEMENT_TIMEOUT = env.int("DB_STATEMENT_TIMEOUT", default=30)  # seconds, web processes; 0 = none
DB_WORKER_STATEMENT_TIMEOUT = env.int("DB_WORKER_STATEMENT_TIMEOUT", default=600)  # seconds, qcluster & commands
# An empty DATABASE_URL (`DATABASE_URL=` in an env file) means the embedded default: environ read it as a
# database without an engine, and Django stopped with a bare KeyError: 'ENGINE'.
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'dxtasks.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the
    # busy timeout instead of failing with "database is locked" mid-transaction
    # (django-q's scheduler and the web process write at the same time).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not :memory:, so tests can start real worker processes against it.
    # SQLITE_TEST_NAME lets two test runs on one machine keep separate files.
    DATABASES["default"].setdefault(
        "TEST", {"NAME": env.str("SQLITE_TEST_NAME", default=str(VAR_DIR / "test-dxtasks.sqlite3"))}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A database that does not answer must fail a request quickly, not hang it until
        # gunicorn kills the worker. Web requests get a short statement timeout; the worker
        # (qcluster) and other management commands a long one (a large briefing, a sweep).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
        timeout = DB_STATEMENT_TIMEOUT if PROCESS_KIND == "web" else DB_WORKER_STATEMENT_TIMEOUT
        if timeout:
            options["options"] = f"{options.get('options', '')} -c statement_timeout={timeout * 1000}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


AUTH_USER_MODEL = "accounts.User"
# AxesBackend first: every authenticate() — portal sign-in, /admin/login/ — passes the lockout.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time --------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["dxtasks.formats"]  # dd/mm/yyyy in both languages
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded files (meeting notices) under MEDIA_ROOT; MEDIA_STORAGE (JSON) names a shared storage instead.
    "default": env.json("MEDIA_STORAGE", default={"BACKEND": "django.core.files.storage.FileSystemStorage"}),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Stored briefing PDFs: the database by default, so every web and worker host reaches them;
# BRIEFINGS_STORAGE='{"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {...}}' for object storage.
STORAGES["briefings"] = env.json("BRIEFINGS_STORAGE", default={"BACKEND": "dxtasks.briefings.storage.DatabaseStorage"})
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"

# --- Email --------------------------------------------------------------------
# Default: one .eml file per message under var/mail/, so a new user can open
# what would have been sent. EMAIL_URL=smtp://user:pass@host:587 (smtp+tls://)
# sends for real; consolemail:// prints.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL and not EMAIL_URL.startswith("emlfile:"):
    vars().update(env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "dxtasks.mailfiles.EmlFileBackend"
    EMAIL_FILE_PATH = EMAIL_URL.removeprefix("emlfile://") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dxtasks <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # seconds an SMTP server may take to answer
# `check --deploy` refuses a file/console backend with DEBUG off unless this says it is deliberate.
EMAIL_ALLOW_NON_DELIVERING = env.bool("EMAIL_ALLOW_NON_DELIVERING", default=False)

# --- Background jobs (django-q2) ------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
Q_CLUSTER = {
    "name": "dxtasks",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 600,  # the longest task (a large briefing) must finish in this
    "retry": 900,  # must exceed timeout, or the ORM broker hands a task out twice
    "max_attempts": 3,
    "catch_up": False,  # the reminder sweep catches up itself; no replay storms
    "recycle": 50,  # fresh worker processes release WeasyPrint's memory
    "save_limit": 1000,
    "ack_failures": True,
    "time_zone": TIME_ZONE,
    "label": "Django Q",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"  # keep on "default": the scheduler needs the same alias

CACHES = {
    # A shared cache, so qinfo/qmonitor and rate limits see other processes.
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "dxtasks_cache",
        # Rate-limit counters and built feeds share it; Django's default of 300 culls too soon.
        "OPTIONS": {"MAX_ENTRIES": 10000},
    }
}

# Weekly pruning (expired sessions, old deliveries): cron in Q_CLUSTER's time zone; bootstrap registers it.
PRUNE_CRON = env.str("PRUNE_CRON", default="0 3 * * 0")  # Sundays 03:00

# --- Health endpoints ---------------------------------------------------------------
READYZ_TIMEOUT = env.float("READYZ_TIMEOUT", default=4.0)  # /readyz answers within this, whatever hangs
READYZ_DB_CONNECT_TIMEOUT = env.int("READYZ_DB_CONNECT_TIMEOUT", default=3)  # its own fresh connection

# --- Security -------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "dxtasks.portal.errors.csrf_failure"  # styled, in the user's language, in every mode
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Sessions: a working day, and gone when the browser closes (both from the environment).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
# Unset: none, the client address is REMOTE_ADDR. See dxtasks/clientaddress.py.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Sign-in lockout (django-axes): SIGNIN_FAILURE_LIMIT failures of one username from one client
# address lock that combination for SIGNIN_LOCK_MINUTES. Counted before the password is checked.
AXES_FAILURE_LIMIT = env.int("SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGNIN_LOCK_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "dxtasks.accounts.lockout.AtomicDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "dxtasks.clientaddress.client_address"
AXES_LOCKOUT_CALLABLE = "dxtasks.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # guesses during a lock don't prolong it
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the audit of failures, in the admin
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # no banner on every manage.py command
# The weekly pruning deletes axes' sign-in logs (successes and failures) older than this, and expired
# attempt counts (AccountsConfig.prune, with axes' own cleanup helpers).
SIGNIN_LOG_KEEP_DAYS = env.int("SIGNIN_LOG_KEEP_DAYS", default=180)

# --- Logs and error reporting ------------------------------------------------------
# One line per event on stderr (text, or LOG_FORMAT=json), 403/404 at INFO; gunicorn.conf.py
# uses the same configuration for its own lines. See dxtasks/operations/logs.py.
from dxtasks.operations.logs import logging_config  # noqa: E402  (no Django import inside)

LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from dxtasks.operations.errors import init_sentry  # noqa: E402

    init_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# --- JSON API (/api/v1/) ---------------------------------------------------------
# RATE: requests per token (or per session user) per window of seconds, counted atomically.
API = {
    "RATE": (env.int("API_RATE_LIMIT", default=120), env.int("API_RATE_WINDOW_SECONDS", default=60)),
}

# --- The apps' settings (README "Settings": the one table) ---------------------------
# Every setting the apps read is declared here, with its default, and nowhere else: the code reads
# plain `settings.NAME` (a dictionary's key: `settings.CALENDARS["ALARM_HOUR"]`) when it runs, never
# `getattr(settings, NAME, default)` nor at import time, so override_settings reaches it
# (tests/operations/test_app_settings.py holds every module to that).
# A dictionary setting is set key by key from the environment, a flat variable per key cast like its
# default (CALENDAR_TOKEN_RATE=10,60, REMINDER_DAYS_BEFORE=14,3,0), or whole from one JSON object
# that wins (CALENDARS='{"ALARM_HOUR": 9}').


def _flat(name: str, default):
    if isinstance(default, bool):
        return env.bool(name, default=default)
    if isinstance(default, int):
        return env.int(name, default=default)
    if isinstance(default, float):
        return env.float(name, default=default)
    if isinstance(default, tuple):
        return tuple(env.list(name, cast=int, default=list(default)))
    if isinstance(default, list):
        return env.list(name, cast=int, default=default)
    return env.str(name, default=default)


def _keyed(name: str, prefix: str, defaults: dict) -> dict:
    """`defaults`, each key from the variable PREFIX_KEY, then the JSON object in `name` over them."""
    values = {key: _flat(f"{prefix}_{key}", default) for key, default in defaults.items()}
    values.update(env.json(name, default={}))
    return values


CALENDARS = _keyed(
    "CALENDARS",
    "CALENDAR",
    {
        "TOKEN_RATE": (6, 60),  # requests per token per window of seconds
        "ADDRESS_RATE": (120, 60),  # requests per client address per window
        "CANCELLED_KEEP_DAYS": 90,  # a cancelled directive stays, as CANCELLED, this long
        "ALL_FEED_PAST_DAYS": 30,  # the "all" feed lists deadlines from this many days ago …
        "ALL_FEED_AHEAD_DAYS": 180,  # … to this many days ahead (the rest: the paged history)
        "HISTORY_PAGE_EVENTS": 5000,  # events per page of a feed's full history (?page=N)
        "ALARM_HOUR": 8,  # VALARMs fire at this local hour on the reminder days
        "EVENT_CACHE_SIZE": 20000,  # serialised events memoised per process
        "TOUCH_EVERY_SECONDS": 60,  # last_used_at is written at most this often
        "BODY_CACHE_MAX_BYTES": 4 * 1024 * 1024,  # largest compressed feed kept in the cache; 0: off
    },
)
BRIEFINGS_SYNC_LIMIT = env.int("BRIEFINGS_SYNC_LIMIT", default=300)  # above: made by a worker
BRIEFINGS_CUSTOM_PER_DAY = env.int("BRIEFINGS_CUSTOM_PER_DAY", default=5)  # large custom briefings/user/day
BRIEFINGS_COMMITTEE = env.str("BRIEFINGS_COMMITTEE", default="")  # "": the National Committee's own name
# One date style per edition of a briefing (Django date-filter formats): 02/12/2026, 2 Dec 2026.
BRIEFINGS_DATE_FORMATS = env.json("BRIEFINGS_DATE_FORMATS", default={"vi": "d/m/Y", "en": "j M Y"})
BRIEFINGS_DATETIME_FORMATS = env.json(
    "BRIEFINGS_DATETIME_FORMATS", default={"vi": "H:i \\n\\g\\à\\y d/m/Y", "en": "j M Y, H:i"}
)
PORTAL_DASHBOARD_CACHE_SECONDS = env.int("PORTAL_DASHBOARD_CACHE_SECONDS", default=600)  # 0: no cache
# Every page is served from our own origin with no inline script or style (the templates keep to
# that, tests/portal/test_security.py scans them), so the policy is strict; "" sends none.
PORTAL_CSP = env.str(
    "PORTAL_CSP",
    default="; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    ),
)

# --- Reminder policy ----------------------------------------------------------------
# Read by the reminder sweep and by the calendar feeds (their VALARMs), so both
# follow one policy. Documented in README "Settings".
REMINDERS = _keyed(
    "REMINDERS",
    "REMINDER",
    {
        "DAYS_BEFORE": [30, 7, 1, 0],
        "OVERDUE_EVERY_DAYS": 7,
        "ESCALATE_AFTER_DAYS": 14,
        "ONGOING_EVERY_MONTHS": 3,
        "ASAP_EVERY_DAYS": 7,
        "SWEEP_CRON": "30 7 * * *",  # 07:30 Asia/Ho_Chi_Minh
        "MAX_ATTEMPTS": 5,
        "RETRY_BACKOFF_MINUTES": 15,  # before the first retry of a failed send; doubles per attempt
        "RETRY_EVERY_MINUTES": 15,
        "CLAIM_LEASE_MINUTES": 30,  # a claim older than this, never marked sent, is taken over
        "SEND_THREADS": 4,  # digests sent in parallel on PostgreSQL
        "SWEEP_DEADLINE_MINUTES": 30,  # the day's sweep unfinished this long after its time: the retry job heals
        "SWEEP_DEAD_AFTER_SECONDS": 300.0,  # a started sweep with no heartbeat this long died
        "DIGEST_MAX_ITEMS": 50,  # lines per group of one digest; then a link; 0: no cap
        "KEEP_DELIVERIES_DAYS": 400,  # delivery rows and sweep records older than this: pruned weekly
    },
)

# The printed briefing's cover, as an administrative document (Decree 30/2020/NĐ-CP): the issuing
# body (and the line beneath it), the number's symbol ("Số: …/BC-BKHCN"; the number itself is left
# for the clerk unless BRIEFINGS_NUMBER is set) and the place on the date line.
BRIEFINGS_ISSUER = env.str("BRIEFINGS_ISSUER", default="Bộ Khoa học và Công nghệ")
BRIEFINGS_ISSUER_UNIT = env.str("BRIEFINGS_ISSUER_UNIT", default="Cơ quan thường trực Ban Chỉ đạo")
BRIEFINGS_NUMBER = env.str("BRIEFINGS_NUMBER", default="")
BRIEFINGS_SYMBOL = env.str("BRIEFINGS_SYMBOL", default="BC-BKHCN")
BRIEFINGS_PLACE = env.str("BRIEFINGS_PLACE", default="Hà Nội")
BRIEFINGS_ISSUER_EN = env.str("BRIEFINGS_ISSUER_EN", default="Ministry of Science and Technology")
BRIEFINGS_ISSUER_UNIT_EN = env.str("BRIEFINGS_ISSUER_UNIT_EN", default="Standing agency of the Steering Committee")

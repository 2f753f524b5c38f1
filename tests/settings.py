"""Test settings: the real settings, with a fixed key and no HTTPS redirect."""

import os

# The suite never reads the developer's .env (make install writes one): runs must not depend on it.
os.environ.setdefault("ENV_FILE", "")

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SITE_URL", "http://testserver")
# Production's 30 s guard against a hung query is not a test's business: on a loaded CI machine a briefing's
# query waited past it once (tests/operations/test_timeouts.py checks the setting itself).
os.environ.setdefault("DB_STATEMENT_TIMEOUT", "120")

from dxtasks.settings import *  # noqa: E402,F401,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT = VAR_DIR / "staticfiles"  # noqa: F405  tests leave nothing outside var/
STATIC_ROOT.mkdir(exist_ok=True)  # (whitenoise warns when it is missing)
# No persistent connections in tests: a live server's request thread would keep its
# session open after the test and stop the PostgreSQL test database from being dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

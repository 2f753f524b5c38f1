"""Shared test fixtures: real agencies, meetings and users on the real database; a real Chromium."""

import datetime
from pathlib import Path

import hypothesis
import pytest
from django.core.management import call_command
from hypothesis.database import DirectoryBasedExampleDatabase

from dxtasks.accounts.models import Role, User
from dxtasks.directives.models import Agency, AgencyKind

# Hypothesis keeps its examples under var/ like every other file a run leaves.
hypothesis.settings.register_profile(
    "dxtasks", database=DirectoryBasedExampleDatabase(Path(__file__).resolve().parent.parent / "var" / "hypothesis")
)
hypothesis.settings.load_profile("dxtasks")

FIXTURE_FILES = [
    "fixtures/agencies.json",
    "fixtures/provinces.json",
    "fixtures/meetings.json",
    "fixtures/directives.json",
]


@pytest.fixture
def seed_data(db):
    """The project's own fixtures, loaded as `bootstrap` loads them (group-led directives get their shares)."""
    from dxtasks.directives.collective import convert_loaded

    call_command("loaddata", *FIXTURE_FILES, verbosity=0)
    convert_loaded()


def merge(agency, successor, on=datetime.date(2025, 3, 1)):
    """Merge `agency` into `successor` after its directives were given (a merged agency takes no new one)."""
    Agency.objects.filter(pk=agency.pk).update(active=False, successor=successor, succeeded_on=on)
    agency.refresh_from_db()
    return agency


@pytest.fixture
def agency_factory(db):
    counter = iter(range(1, 100000))

    def make(code=None, **fields):
        n = next(counter)
        code = code or f"T{n}"
        defaults = {
            "name_vi": f"Cơ quan {code}",
            "name_en": f"Agency {code}",
            "short_name_vi": code,
            "kind": AgencyKind.MINISTRY,
        }
        defaults.update(fields)
        return Agency.objects.create(code=code, **defaults)

    return make


@pytest.fixture
def user_factory(db):
    counter = iter(range(1, 100000))

    def make(role=Role.VIEWER, agency=None, username=None, **fields):
        username = username or f"user{next(counter)}"
        fields.setdefault("email", f"{username}@example.gov.vn")
        return User.objects.create_user(
            username=username, password="correct horse battery", role=role, agency=agency, **fields
        )

    return make


@pytest.fixture
def directive_factory(db, agency_factory):
    from dxtasks.directives import services

    counter = iter(range(1, 100000))

    def make(lead=None, deadline_text="trong năm 2030", assigned_on=datetime.date(2024, 1, 1), by=None, **fields):
        n = next(counter)
        return services.create_directive(
            by=by,
            reference=fields.pop("reference", f"TEST-{n}"),
            title_vi=fields.pop("title_vi", f"Nhiệm vụ thử {n}"),
            lead_agency=lead or agency_factory(),
            deadline_text=deadline_text,
            assigned_on=assigned_on,
            **fields,
        )

    return make


# --- A real browser ---------------------------------------------------------------------------------
# Debian's Chromium driven by Playwright (`playwright install` has no network here): see TECH-NOTES.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    """A Chromium for one test, closed after it; the test is skipped (loudly, see below) without one.

    Each browser test makes its own context from it (viewport, locale, permissions, listeners).
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test stay synchronous.
    # Only while this browser lives: monkeypatch switches Django's async-safety check back on after it
    # (the browser closes first, as monkeypatch was set up before it), so no other test runs without it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def _each_test_starts_in_vietnamese():
    """Every test starts in LANGUAGE_CODE ("vi"), whatever the test before it asked for.

    The language middleware activates the cookie's language in the test's own thread and nothing switches
    it back after the response, so an English request would otherwise leave English on for the next test in
    the same process, and results would depend on the order tests run in (they did under xdist).
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _release_live_server_sessions(django_db_setup, django_db_blocker):
    """At the very end, end the sessions live servers' request threads left on PostgreSQL.

    A thread parked on a browser's keep-alive socket holds its session, and the
    test database cannot be dropped while it does. Done once, after every test,
    so no test ever loses its own connection.
    """
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


# --- A whole suite, or a loud word that it was not -------------------------------------------------
_skipped_browser_tests = []


def pytest_collectreport(report):
    if report.skipped and "browser" in report.nodeid:  # e.g. playwright not installed
        _skipped_browser_tests.append(report.nodeid)


def pytest_runtest_logreport(report):
    if report.skipped and "browser" in report.keywords:
        _skipped_browser_tests.append(report.nodeid)


def pytest_terminal_summary(terminalreporter):
    if not _skipped_browser_tests:
        return
    write = terminalreporter.write_line
    terminalreporter.write_sep(
        "!", f"{len(_skipped_browser_tests)} BROWSER TESTS SKIPPED: the suite is NOT whole", red=True, bold=True
    )
    write("Chromium (/usr/bin/chromium) or Playwright is missing, so the portal was not tested in a browser.")
    write("Install the system packages (README, 'Two commands'):")
    write("  sudo apt-get install -y chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 curl")
    terminalreporter.write_sep("!", red=True, bold=True)


def pytest_sessionfinish(session):
    """SQLite test databases are dropped by deleting the file; their -wal/-shm companions stay. Remove them."""
    from django.conf import settings

    var = Path(settings.VAR_DIR)
    for companion in [*var.glob("*.sqlite3-wal"), *var.glob("*.sqlite3-shm")]:
        if not companion.with_name(companion.name[:-4]).exists():
            companion.unlink(missing_ok=True)

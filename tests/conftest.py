"""Shared test fixtures: real agencies, meetings and users on the real database."""
import datetime

import pytest
from django.core.management import call_command

from dxtasks.accounts.models import Role, User
from dxtasks.directives.models import Agency, AgencyKind

FIXTURE_FILES = ["fixtures/agencies.json", "fixtures/provinces.json", "fixtures/meetings.json",
                 "fixtures/directives.json"]


@pytest.fixture
def seed_data(db):
    """The project's own fixtures, loaded as `bootstrap` loads them."""
    call_command("loaddata", *FIXTURE_FILES, verbosity=0)


@pytest.fixture
def agency_factory(db):
    counter = iter(range(1, 100000))

    def make(code=None, **fields):
        n = next(counter)
        code = code or f"T{n}"
        defaults = {"name_vi": f"Cơ quan {code}", "name_en": f"Agency {code}", "short_name_vi": code,
                    "kind": AgencyKind.MINISTRY}
        defaults.update(fields)
        return Agency.objects.create(code=code, **defaults)

    return make


@pytest.fixture
def user_factory(db):
    counter = iter(range(1, 100000))

    def make(role=Role.VIEWER, agency=None, username=None, **fields):
        username = username or f"user{next(counter)}"
        fields.setdefault("email", f"{username}@example.gov.vn")
        return User.objects.create_user(username=username, password="correct horse battery", role=role,
                                        agency=agency, **fields)

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

import datetime

import pytest

from dxtasks.accounts.models import Role
from dxtasks.reminders.sweep import run_sweep

from . import refusing_backend


@pytest.fixture
def lead(agency_factory):
    return agency_factory(
        code="MPS",
        name_vi="Bộ Công an",
        name_en="Ministry of Public Security",
        short_name_vi="BCA",
        contact_email="dau-moi@bca.example.gov.vn",
        leadership_email="lanh-dao@bca.example.gov.vn",
    )


@pytest.fixture
def owner(user_factory, lead):
    return user_factory(role=Role.FOCAL_POINT, agency=lead, username="quan", email="quan@bca.example.gov.vn")


@pytest.fixture
def secretariat(user_factory, agency_factory):
    return user_factory(
        role=Role.SECRETARIAT, agency=agency_factory(code="MOST"), username="ha", email="ha@most.example.gov.vn"
    )


@pytest.fixture
def directive_due(directive_factory, lead, owner):
    """A directive of `owner`, due on the given day, assigned early in January 2025."""

    def make(due: datetime.date, **fields):
        from dxtasks.directives import events

        fields.setdefault("owner", owner)
        fields.setdefault("assigned_on", datetime.date(2025, 1, 2))
        with events.muted():  # reminder tests count reminders, not the assignment notification
            return directive_factory(lead=lead, deadline_text=f"{due:%d/%m/%Y}", **fields)

    return make


@pytest.fixture
def sweep(mailoutbox):
    """Run the sweep for a day and return (summary, messages sent by it)."""

    def run(day: datetime.date, **kwargs):
        before = len(mailoutbox)
        summary = run_sweep(day, **kwargs)
        return summary, mailoutbox[before:]

    return run


@pytest.fixture
def refusing_mail(settings):
    settings.EMAIL_BACKEND = "tests.reminders.refusing_backend.RefusingBackend"
    refusing_backend.REFUSED.clear()
    refusing_backend.DOWN["down"] = False
    yield refusing_backend
    refusing_backend.REFUSED.clear()
    refusing_backend.DOWN["down"] = False


def to(messages, address):
    return [m for m in messages if m.to == [address]]


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)

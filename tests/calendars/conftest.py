"""Helpers for the calendar feed tests: issue a token, fetch and parse a feed."""

import icalendar
import pytest
import vobject
from django.core.cache import cache
from django.test import Client

from dxtasks.calendars import tokens
from dxtasks.calendars.links import feed_url


@pytest.fixture(autouse=True)
def generous_rate_limits(settings, db):
    """Tests fetch feeds far faster than a calendar does; the rate-limit tests set their own limits.

    The "all" feed's window is widened to the years the tests' fixed deadlines span (2025–2031);
    its own test (`test_the_all_feed_is_a_window_and_the_history_is_paged`) sets the bounds it checks.
    """
    settings.CALENDARS = {
        **settings.CALENDARS,
        "TOKEN_RATE": (1000, 60),
        "ADDRESS_RATE": (1000, 60),
        "ALL_FEED_PAST_DAYS": 3650,
        "ALL_FEED_AHEAD_DAYS": 3650,
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issue(db):
    def make(owner, kind="mine", **scope):
        return tokens.issue_token(owner=owner, kind=kind, **scope)

    return make


def feed_path(secret: str, fmt: str = "event") -> str:
    return feed_url(secret, fmt, base_url="")


@pytest.fixture
def fetch(db):
    """GET a feed; return the response after checking both parsers read it."""
    client = Client()

    def get(secret: str, fmt: str = "event", page: str | None = None, **headers):
        path = feed_path(secret, fmt)
        if page is not None:
            path += ("&" if "?" in path else "?") + f"page={page}"
        response = client.get(path, headers=headers)
        if response.status_code == 200:
            response.ical = icalendar.Calendar.from_ical(response.content)
            response.vobj = vobject.readOne(response.content.decode("utf-8"))
        return response

    return get


def events(response, name: str = "VEVENT") -> dict[str, icalendar.cal.Component]:
    """Components by UID."""
    return {str(c["UID"]): c for c in response.ical.walk(name)}

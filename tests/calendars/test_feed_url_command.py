"""`manage.py feed_url`, and the issue's acceptance check after `bootstrap --demo`."""

import datetime
from io import StringIO
from urllib.parse import urlsplit

import icalendar
import pytest
import vobject
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from dxtasks.directives.models import Directive


def run(*args) -> str:
    out = StringIO()
    call_command("feed_url", *args, stdout=out)
    return out.getvalue().strip()


def get(url: str):
    parts = urlsplit(url)
    return Client().get(parts.path + (f"?{parts.query}" if parts.query else ""))


def test_secretariat_all_feed_after_bootstrap_demo_parses_with_one_event_per_dated_directive(db, settings):
    settings.CALENDARS = {**settings.CALENDARS, "ALL_FEED_PAST_DAYS": 90, "ALL_FEED_AHEAD_DAYS": 180}
    call_command("bootstrap", "--demo", stdout=StringIO())
    url = run("secretariat", "--all")
    assert url.startswith("http://testserver/") and url.endswith(".ics")
    response = get(url)
    assert response.status_code == 200
    dated = Directive.objects.filter(due_date__isnull=False)
    long_ago = timezone.localdate() - datetime.timedelta(days=90)
    ahead = timezone.localdate() + datetime.timedelta(days=180)
    # The "all" feed is a window: deadlines from 90 days ago to 180 days ahead (long-cancelled ones left out) …
    expected = {
        f"{d.public_id}@testserver"
        for d in dated
        if long_ago <= d.due_date <= ahead and not (d.cancelled_on and d.cancelled_on < long_ago)
    }
    assert len(expected) > 5
    calendar = icalendar.Calendar.from_ical(response.content)
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == expected
    assert len(vobject.readOne(response.content.decode()).vevent_list) == len(expected)
    # … and the full history is its paged export.
    history = get(url + "?page=1")
    assert history.status_code == 200 and "Link" not in history
    assert {str(e["UID"]) for e in icalendar.Calendar.from_ical(history.content).walk("VEVENT")} == {
        f"{d.public_id}@testserver" for d in dated
    }


def test_scopes_formats_and_errors(db, user_factory, agency_factory):
    agency_factory(code="SBV")
    user_factory(username="anh")
    agency_url = run("anh", "--agency", "sbv")
    assert get(agency_url).status_code == 200
    todo = run("anh", "--format", "todo")
    assert todo.endswith(".ics?format=todo")
    assert get(todo).content.startswith(b"BEGIN:VCALENDAR")
    assert run("anh", "--agency", "SBV", "--regenerate", "--webcal").startswith("webcal://")
    assert get(agency_url).status_code == 404  # replaced
    with pytest.raises(CommandError, match="already has this feed"):
        run("anh", "--agency", "SBV")
    with pytest.raises(CommandError, match="no agency"):
        run("anh", "--agency", "NOPE")
    with pytest.raises(CommandError, match="no meeting"):
        run("anh", "--meeting", "999")
    with pytest.raises(CommandError, match="no user"):
        run("nobody")
    with pytest.raises(CommandError):
        run("anh", "--all")  # a viewer may not have the all feed

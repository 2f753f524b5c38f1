"""Feed and preference tokens never reach a log line in full."""

import logging

import pytest
from django.test import Client

from dxtasks.calendars import tokens
from dxtasks.logfilters import RedactTokens, redact
from dxtasks.reminders.preferences import preferences_token


def test_tokened_paths_are_redacted():
    secret = "A" * 43
    assert (
        redact(f'"GET /feeds/{secret}.ics?format=todo HTTP/1.1" 200')
        == '"GET /feeds/[redacted].ics?format=todo HTTP/1.1" 200'
    )
    link = preferences_token("quan@bca.example.gov.vn")
    assert redact(f"Not Found: /reminders/preferences/{link}/") == "Not Found: /reminders/preferences/[redacted]/"
    assert redact("GET /directives/?q=feeds 200") == "GET /directives/?q=feeds 200"


def test_the_filter_rewrites_messages_with_arguments_and_tracebacks():
    secret = "b" * 43
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/feeds/{secret}.ics",), None
    )
    try:
        raise ValueError(f"while serving /feeds/{secret}.ics")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactTokens().filter(record)
    text = logging.Formatter().format(record)
    assert secret not in text and "/feeds/[redacted].ics" in text


@pytest.fixture
def console_output(settings):
    """What the project's console handler writes, captured (the handler as LOGGING configures it)."""
    import io
    import logging.config

    stream = io.StringIO()
    config = {
        **settings.LOGGING,
        "handlers": {"console": {**settings.LOGGING["handlers"]["console"], "stream": stream}},
    }
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(settings.LOGGING)


def test_a_404_for_a_feed_is_logged_without_its_token(db, console_output, user_factory):
    secret = tokens.issue_token(owner=user_factory(), kind="mine").secret
    tokens.revoke_all(owner=tokens.find_active(secret).owner)
    Client().get(f"/feeds/{secret}.ics")
    Client().get(f"/reminders/preferences/{preferences_token('x@example.gov.vn')}x/")
    written = console_output.getvalue()
    assert "/feeds/[redacted].ics" in written and secret not in written
    assert "/reminders/preferences/[redacted]/" in written

"""Django's async-safety check stays on for the whole run: only the browser fixture lifts it, for its test."""

import importlib
import os

import pytest

BROWSER_MODULES = [
    "tests.portal.test_browser",
    "tests.calendars.test_browser",
    "tests.api.test_browser",
    "tests.briefings.test_options_browser",
]


def test_no_test_left_the_async_safety_check_off():
    # Run after a browser test in the same process, this sees a leak from its fixture or its module.
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") is None


def test_importing_the_browser_tests_does_not_switch_it_off(monkeypatch):
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    for name in BROWSER_MODULES:
        try:
            importlib.reload(importlib.import_module(name))
        except pytest.skip.Exception:  # no Playwright: the module skips itself, which is fine here
            pass
        assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") is None, name

"""Every app setting is declared in settings.py with its default and can be set from the environment."""

import json
import os
import subprocess
import sys

from django.conf import settings

from dxtasks.briefings import policy as briefing_policy
from dxtasks.briefings import rendering, store
from dxtasks.calendars import conf as calendars_conf
from dxtasks.portal import dashboard

PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name, None) for name in ['CALENDARS', 'BRIEFINGS_SYNC_LIMIT', "
    "'BRIEFINGS_COMMITTEE', 'BRIEFINGS_DATE_FORMATS', 'PORTAL_DASHBOARD_CACHE_SECONDS', 'PORTAL_CSP']}))"
)


def probe(**env) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CALENDAR", "BRIEFINGS_", "PORTAL_"))}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        env={**base, "DJANGO_SETTINGS_MODULE": "dxtasks.settings", "DEBUG": "1", **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_declared_defaults_are_the_apps_own():
    assert settings.CALENDARS == calendars_conf.DEFAULTS
    assert settings.BRIEFINGS_SYNC_LIMIT == store.SYNC_LIMIT
    assert settings.BRIEFINGS_CUSTOM_PER_DAY == briefing_policy.CUSTOM_PER_DAY
    assert settings.BRIEFINGS_DATE_FORMATS == rendering.DATE_FORMATS
    assert settings.BRIEFINGS_DATETIME_FORMATS == rendering.DATETIME_FORMATS
    assert settings.PORTAL_DASHBOARD_CACHE_SECONDS == dashboard.DEFAULT_TTL


def test_flat_variables_and_json_objects_set_them():
    conf = probe(
        CALENDAR_TOKEN_RATE="10,60",
        CALENDAR_ALARM_HOUR="7",
        CALENDARS='{"CANCELLED_KEEP_DAYS": 30}',
        BRIEFINGS_SYNC_LIMIT="50",
        BRIEFINGS_COMMITTEE="Ban Chỉ đạo",
        BRIEFINGS_DATE_FORMATS='{"vi": "d.m.Y", "en": "Y-m-d"}',
        PORTAL_DASHBOARD_CACHE_SECONDS="0",
        PORTAL_CSP="default-src 'self'",
    )
    assert conf["CALENDARS"]["TOKEN_RATE"] == [10, 60] and conf["CALENDARS"]["ALARM_HOUR"] == 7
    assert conf["CALENDARS"]["CANCELLED_KEEP_DAYS"] == 30 and conf["CALENDARS"]["EVENT_CACHE_SIZE"] == 20000
    assert conf["BRIEFINGS_SYNC_LIMIT"] == 50 and conf["BRIEFINGS_COMMITTEE"] == "Ban Chỉ đạo"
    assert conf["BRIEFINGS_DATE_FORMATS"] == {"vi": "d.m.Y", "en": "Y-m-d"}
    assert conf["PORTAL_DASHBOARD_CACHE_SECONDS"] == 0 and conf["PORTAL_CSP"] == "default-src 'self'"
    assert probe()["PORTAL_CSP"] is None  # unset: the portal's strict default applies


def test_a_malformed_value_stops_the_process_with_the_variable_named():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dxtasks.settings", "DEBUG": "1", "CALENDAR_ALARM_HOUR": "eight"},
    )
    assert result.returncode != 0 and "eight" in result.stderr

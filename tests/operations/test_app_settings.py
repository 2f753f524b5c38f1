"""One pattern for the apps' settings: each declared in dxtasks/settings.py with its default, and only there.

The code reads plain `settings.NAME` (a dictionary setting's key: `settings.CALENDARS["KEY"]`) when it
runs, so override_settings reaches it; every value can be set from the environment.
"""

import ast
import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import global_settings, settings

import dxtasks.settings as project_settings
from dxtasks.reminders.policy import Policy

ROOT = Path(__file__).resolve().parents[2]
CODE = sorted(path for path in (ROOT / "dxtasks").rglob("*.py") if path != ROOT / "dxtasks" / "settings.py")
README = (ROOT / "README.md").read_text()
# Declared by the third-party app that reads them (django-axes' own defaults), not by us.
THIRD_PARTY = {"AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT"}

PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name, None) for name in ['CALENDARS', 'REMINDERS', 'BRIEFINGS_SYNC_LIMIT', "
    "'BRIEFINGS_COMMITTEE', 'BRIEFINGS_DATE_FORMATS', 'PORTAL_DASHBOARD_CACHE_SECONDS', 'PORTAL_CSP']}))"
)


def probe(**env) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CALENDAR", "REMINDER", "BRIEFINGS_", "PORTAL_"))}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        env={**base, "DJANGO_SETTINGS_MODULE": "dxtasks.settings", "DEBUG": "1", "ENV_FILE": "", **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def names_read(pattern: str) -> dict[str, list[str]]:
    """Each match of `pattern` (one group) in the apps' code, with the files it is in."""
    found: dict[str, list[str]] = {}
    for path in CODE:
        for name in re.findall(pattern, path.read_text()):
            found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return found


def test_every_setting_the_code_reads_is_declared_in_settings_py():
    read = names_read(r"\bsettings\.([A-Z][A-Z0-9_]+)\b")
    assert {"CALENDARS", "REMINDERS", "BRIEFINGS_SYNC_LIMIT", "PORTAL_CSP", "API", "TRUSTED_PROXIES"} <= set(read)
    undeclared = {
        name: files
        for name, files in read.items()
        if not hasattr(project_settings, name) and not hasattr(global_settings, name) and name not in THIRD_PARTY
    }
    assert not undeclared, f"read but declared neither in dxtasks/settings.py nor by Django: {undeclared}"
    assert all(hasattr(settings, name) for name in THIRD_PARTY)


def test_every_key_of_a_dictionary_setting_the_code_reads_is_declared():
    calendars = names_read(r"\bsetting\(\"([A-Z][A-Z0-9_]+)\"\)")
    reminders = names_read(r"\bvalues\[\"([A-Z][A-Z0-9_]+)\"\]") | names_read(r"REMINDERS\[\"([A-Z][A-Z0-9_]+)\"\]")
    assert len(calendars) >= 8 and len(reminders) == len(project_settings.REMINDERS)
    assert set(calendars) <= set(project_settings.CALENDARS), set(calendars) - set(project_settings.CALENDARS)
    assert set(reminders) <= set(project_settings.REMINDERS), set(reminders) - set(project_settings.REMINDERS)
    assert set(names_read(r"\bAPI\[\"([A-Z_]+)\"\]")) <= set(project_settings.API)


def test_no_module_gives_a_setting_a_default_of_its_own_or_reads_it_at_import_time():
    offenders = []
    for path in CODE:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "getattr"
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == "settings"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} getattr(settings, …)")
        for statement in tree.body:  # module level: read once, override_settings would not reach it
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
                for node in ast.walk(statement.value):
                    if (
                        isinstance(node, ast.Attribute)
                        and isinstance(node.value, ast.Name)
                        and node.value.id == "settings"
                        and node.attr != "BASE_DIR"  # a path, fixed for the process
                    ):
                        offenders.append(f"{path.relative_to(ROOT)}:{statement.lineno} settings.{node.attr}")
    assert not offenders, offenders


def test_the_reminder_defaults_exist_once():
    """In settings.REMINDERS: not in the policy module, the calendars' alarms, nor as dataclass defaults."""
    keys = set(project_settings.REMINDERS)
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                literal = {key.value for key in node.keys if isinstance(key, ast.Constant)}
                assert not literal & keys, f"{path.relative_to(ROOT)}:{node.lineno} declares {literal & keys}"
    assert all(field.default is dataclasses.MISSING for field in dataclasses.fields(Policy))
    assert "[30, 7, 1, 0]" not in (ROOT / "dxtasks" / "calendars" / "conf.py").read_text()


def test_the_settings_read_when_called_so_overrides_reach_them(settings, client):
    settings.REMINDERS = {**settings.REMINDERS, "DAYS_BEFORE": [14, 2], "DIGEST_MAX_ITEMS": 9}
    policy = Policy.from_settings()
    assert policy.days_before == (14, 2) and policy.digest_max_items == 9
    settings.PORTAL_CSP = "default-src 'none'"
    assert client.get("/accounts/login/").headers["Content-Security-Policy"] == "default-src 'none'"


def test_flat_variables_and_json_objects_set_them():
    conf = probe(
        CALENDAR_TOKEN_RATE="10,60",
        CALENDAR_ALARM_HOUR="7",
        CALENDARS='{"CANCELLED_KEEP_DAYS": 30}',
        REMINDER_DAYS_BEFORE="14,3,0",
        REMINDER_SWEEP_DEAD_AFTER_SECONDS="90.5",
        REMINDERS='{"MAX_ATTEMPTS": 2}',
        BRIEFINGS_SYNC_LIMIT="50",
        BRIEFINGS_COMMITTEE="Ban Chỉ đạo",
        BRIEFINGS_DATE_FORMATS='{"vi": "d.m.Y", "en": "Y-m-d"}',
        PORTAL_DASHBOARD_CACHE_SECONDS="0",
        PORTAL_CSP="default-src 'self'",
    )
    assert conf["CALENDARS"]["TOKEN_RATE"] == [10, 60] and conf["CALENDARS"]["ALARM_HOUR"] == 7
    assert conf["CALENDARS"]["CANCELLED_KEEP_DAYS"] == 30 and conf["CALENDARS"]["EVENT_CACHE_SIZE"] == 20000
    assert conf["REMINDERS"]["DAYS_BEFORE"] == [14, 3, 0] and conf["REMINDERS"]["SWEEP_DEAD_AFTER_SECONDS"] == 90.5
    assert conf["REMINDERS"]["MAX_ATTEMPTS"] == 2 and conf["REMINDERS"]["OVERDUE_EVERY_DAYS"] == 7
    assert conf["BRIEFINGS_SYNC_LIMIT"] == 50 and conf["BRIEFINGS_COMMITTEE"] == "Ban Chỉ đạo"
    assert conf["BRIEFINGS_DATE_FORMATS"] == {"vi": "d.m.Y", "en": "Y-m-d"}
    assert conf["PORTAL_DASHBOARD_CACHE_SECONDS"] == 0 and conf["PORTAL_CSP"] == "default-src 'self'"
    unset = probe()
    assert "object-src 'none'" in unset["PORTAL_CSP"] and "'unsafe-inline'" not in unset["PORTAL_CSP"]
    assert unset["REMINDERS"]["DAYS_BEFORE"] == [30, 7, 1, 0] and unset["BRIEFINGS_SYNC_LIMIT"] == 300


def test_a_malformed_value_stops_the_process_with_the_variable_named():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dxtasks.settings", "DEBUG": "1", "CALENDAR_ALARM_HOUR": "eight"},
    )
    assert result.returncode != 0 and "eight" in result.stderr


def test_every_app_setting_is_a_row_of_the_readme_settings_table():
    start = README.index("## Settings")
    table = README[start : README.index("\n## ", start + 1)]
    for prefix, setting in (("CALENDAR", "CALENDARS"), ("REMINDER", "REMINDERS")):
        for key in getattr(project_settings, setting):
            assert f'| `{setting}["{key}"]` | `{prefix}_{key}` |' in table, (setting, key)
    for name in dir(project_settings):
        if name.startswith(("BRIEFINGS_", "PORTAL_")):
            assert f"| `{name}` |" in table, name
    assert '| `API["RATE"]` |' in table

"""The operator's page covers what an operator runs: every variable read, the processes, the drill's figures."""

import re
from pathlib import Path

import dxtasks.settings as project_settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def operator_page() -> str:
    start = README.index("## Running in production (the operator's page)")
    return README[start : README.index("\n## ", start + 1)]


def variables_read() -> set[str]:
    """Every environment variable settings.py and gunicorn.conf.py read, found in their source."""
    settings = (ROOT / "dxtasks" / "settings.py").read_text()
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', settings))
    names |= set(re.findall(r'"([A-Z][A-Z0-9_]+)" in env\.ENVIRON', settings))
    gunicorn = (ROOT / "gunicorn.conf.py").read_text()
    names |= set(re.findall(r'(?:environ\.get|_int)\(\s*["\']([A-Z][A-Z0-9_]+)["\']', gunicorn))
    # The dictionary settings' flat variables, one per key (settings._keyed), and the JSON object.
    for name, prefix in re.findall(r'= _keyed\(\s*"([A-Z]+)",\s*"([A-Z]+)"', settings):
        names |= {name} | {f"{prefix}_{key}" for key in getattr(project_settings, name)}
    return names


def test_every_environment_variable_read_is_documented_in_the_readme():
    names = variables_read()
    assert {"DATABASE_URL", "TRUSTED_PROXIES", "SIGNIN_LOG_KEEP_DAYS", "GUNICORN_TIMEOUT", "PORTAL_CSP"} <= names
    assert {"CALENDARS", "CALENDAR_ALARM_HOUR", "REMINDERS", "REMINDER_DAYS_BEFORE"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in README and f"({name})" not in README)
    assert not missing, f"read from the environment but not in README.md: {missing}"


def test_the_operator_page_covers_health_timeouts_sweep_storage_logs_pruning_and_processes():
    page = operator_page()
    for heading in (
        "### Processes and supervision",
        "### A deploy, step by step",
        "### Behind the TLS proxy",
        "### Shared state: what every host must reach",
        "### Pruning",
        "### Backups",
        "### Health endpoints",
        "### Timeouts",
        "### Logs",
        "### The daily sweep and its retry job",
        "### Mail",
    ):
        assert heading in page, heading
    for needle in (
        "/healthz",
        "/readyz",
        "DB_STATEMENT_TIMEOUT",
        "BRIEFINGS_STORAGE",
        "LOG_FORMAT=json",
        "SENTRY_DSN",
        "TRUSTED_PROXIES",
        "X-Forwarded-Proto",
        "SIGNIN_LOG_KEEP_DAYS",
        "pg_dump",
        "Procfile",
        "deploy/",
        "KillMode=mixed",
        "bootstrap",
    ):
        assert needle in page, needle


def test_procfile_and_systemd_units_run_the_documented_processes():
    procfile = dict(
        line.split(": ", 1)
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert procfile == {"web": "gunicorn -c gunicorn.conf.py dxtasks.wsgi", "worker": "python manage.py qcluster"}
    units = {path.name: path.read_text() for path in (ROOT / "deploy").glob("*.service")}
    assert set(units) == {"dxtasks-web.service", "dxtasks-worker.service", "dxtasks-bootstrap.service"}
    for name in ("dxtasks-web.service", "dxtasks-worker.service"):
        unit = units[name]
        # The whole process group goes on stop (no qcluster worker outlives its main process), restarted on failure.
        assert "\nKillMode=mixed\n" in unit and "\nRestart=on-failure\n" in unit, name
        assert "\nEnvironmentFile=/etc/dxtasks/env\n" in unit, name
    assert "gunicorn -c gunicorn.conf.py dxtasks.wsgi" in units["dxtasks-web.service"]
    assert "manage.py qcluster" in units["dxtasks-worker.service"]
    assert "manage.py bootstrap" in units["dxtasks-bootstrap.service"]


def test_the_killed_sweep_figures_are_in_the_benchmarks():
    benchmarks = (ROOT / "docs" / "benchmarks.md").read_text()
    section = benchmarks[benchmarks.index("## A worker killed mid-sweep") :]
    rows = [line for line in section.splitlines() if line.startswith(("| SQLite, ORM", "| PostgreSQL, Redis"))]
    assert len(rows) >= 2
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[6:9] == ["0", "0", "0"], row  # duplicates, missing, rows not sent

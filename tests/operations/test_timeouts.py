"""PostgreSQL connect and statement timeouts from the environment: short for web, long for the worker."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.reminders import processes

SHOW = (
    "from django.db import connection; c = connection.cursor(); c.execute('SHOW statement_timeout'); "
    "print(c.fetchone()[0]); print(connection.settings_dict['OPTIONS']['connect_timeout'])"
)
OPTIONS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
)


def settings_options(**env) -> dict:
    # (tests/settings.py raises DB_STATEMENT_TIMEOUT for the suite: the defaults are checked here without it)
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DXTASKS_PROCESS", "DB_STATEMENT_TIMEOUT"}}
    result = subprocess.run(
        [sys.executable, "-c", OPTIONS],
        capture_output=True,
        text=True,
        timeout=60,
        env={**base, "DJANGO_SETTINGS_MODULE": "dxtasks.settings", "DEBUG": "1", **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_web_and_worker_get_their_statement_timeouts_and_the_environment_overrides_them():
    url = "postgres://u@db.internal:5432/dxtasks"
    web = settings_options(DATABASE_URL=url, DXTASKS_PROCESS="web")
    assert web["connect_timeout"] == 5 and web["options"] == "-c statement_timeout=30000"
    worker = settings_options(DATABASE_URL=url, DXTASKS_PROCESS="worker")
    assert worker["options"] == "-c statement_timeout=600000"
    tuned = settings_options(DATABASE_URL=url, DXTASKS_PROCESS="web", DB_CONNECT_TIMEOUT="2", DB_STATEMENT_TIMEOUT="10")
    assert tuned["connect_timeout"] == 2 and tuned["options"] == "-c statement_timeout=10000"
    assert "options" not in settings_options(DATABASE_URL=url, DXTASKS_PROCESS="web", DB_STATEMENT_TIMEOUT="0")
    sqlite = settings_options(DATABASE_URL="sqlite:////tmp/x.sqlite3")
    assert sqlite["timeout"] == 20 and "connect_timeout" not in sqlite  # SQLite: the busy timeout, as before


@pytest.mark.django_db
def test_the_server_applies_them_web_requests_theirs_a_manage_py_command_10_min(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    from django.conf import settings

    with connection.cursor() as cursor:  # pytest runs as a web process would (tests/settings.py: 120 s, not 30)
        cursor.execute("SELECT extract(epoch FROM current_setting('statement_timeout')::interval)")
        assert cursor.fetchone()[0] == settings.DB_STATEMENT_TIMEOUT == 120
    command = processes.start_manage("shell", "-c", SHOW, mail_dir=tmp_path)
    out, err = command.communicate(timeout=120)
    assert command.returncode == 0, err
    assert out.split()[-2:] == ["10min", "5"]

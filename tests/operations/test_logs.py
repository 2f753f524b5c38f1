"""Logs through the real configuration, in a real process: one line per event, 4xx at INFO, JSON, Sentry."""

import gzip
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from dxtasks.accounts.models import Role
from tests.reminders.processes import ROOT, manage_env

SCRIPT = """
import django, logging
django.setup()
from django.test import Client
from dxtasks.accounts.models import User
Client().get('/no-such-page/')
Client(enforce_csrf_checks=True).post('/accounts/login/', {})
viewer = Client()
viewer.force_login(User.objects.get(username='reader'))
viewer.get('/directives/new/')
logging.getLogger('dxtasks.check').warning('one line please')
"""


def run_script(tmp_path, script=SCRIPT, **env) -> list[str]:
    environment = manage_env(tmp_path)
    environment.update(DEBUG="1", ALLOWED_HOSTS="testserver", LOG_LEVEL="INFO", **env)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


@pytest.fixture
def reader(user_factory):
    return user_factory(role=Role.VIEWER, username="reader")


@pytest.mark.django_db(transaction=True)
def test_text_logs_have_one_line_per_event_and_4xx_at_info_without_traceback(tmp_path, reader):
    lines = run_script(tmp_path)
    assert sum("one line please" in line for line in lines) == 1, lines  # not twice (root + Django's handler)
    assert not any("Traceback" in line for line in lines), lines
    not_found = [line for line in lines if "Not Found: /no-such-page/" in line]
    forbidden = [line for line in lines if "Forbidden" in line]
    assert len(not_found) == 1 and " INFO django.request: " in not_found[0], lines
    assert len(forbidden) == 2 and all(" INFO " in line for line in forbidden), lines  # CSRF, PermissionDenied


@pytest.mark.django_db(transaction=True)
def test_log_format_json_writes_one_json_object_per_line(tmp_path, reader):
    lines = run_script(tmp_path, LOG_FORMAT="json")
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    not_found = next(r for r in records if r["message"] == "Not Found: /no-such-page/")
    assert not_found["level"] == "INFO" and not_found["logger"] == "django.request"
    assert not_found["status_code"] == 404 and "request" not in not_found and not_found["time"]
    warning = next(r for r in records if r["message"] == "one line please")
    assert warning["level"] == "WARNING" and warning["logger"] == "dxtasks.check"
    assert sum(r["message"] == "one line please" for r in records) == 1


def test_an_unknown_log_format_is_refused_at_start(tmp_path):
    environment = manage_env(tmp_path)
    environment.update(DEBUG="1", LOG_FORMAT="xml")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "LOG_FORMAT must be 'text' or 'json'" in result.stderr


class Collector(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk compresses with brotli when it is installed (WeasyPrint brings it)
            import brotli

            body = brotli.decompress(body)
        Collector.bodies.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_sentry_receives_errors_when_sentry_dsn_is_set_and_nothing_is_sent_without(tmp_path):
    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Collector.bodies = []
    script = (
        "import django, logging, sentry_sdk; django.setup(); "
        "print(sentry_sdk.get_client().is_active()); "
        "logging.getLogger('dxtasks.reminders').error('the sweep fell over'); sentry_sdk.flush(5)"
    )
    try:
        environment = manage_env(tmp_path)
        environment.update(DEBUG="1", LOG_LEVEL="WARNING")
        quiet = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
        )
        assert quiet.stdout.strip() == "False" and Collector.bodies == []
        environment["SENTRY_DSN"] = f"http://publickey@127.0.0.1:{server.server_port}/1"
        loud = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
        )
        assert loud.returncode == 0, loud.stderr
        assert loud.stdout.strip() == "True"
    finally:
        server.shutdown()
    assert any(b"the sweep fell over" in body for body in Collector.bodies), Collector.bodies

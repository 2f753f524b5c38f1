"""gunicorn with the repository's gunicorn.conf.py: the same one-line JSON logs, tokens redacted."""

import json

import pytest
from django.core.management import call_command

from tests.reminders import processes

from .servers import free_port, get, start_gunicorn, stop, wait_until_up

SECRET = "Zq" * 21 + "x"  # 43 characters, like a feed token


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_gunicorn_logs_one_json_line_per_event_without_tokens(tmp_path):
    call_command("createcachetable", verbosity=0)  # the feed's rate limits count in the database cache
    port = free_port()
    server = start_gunicorn(
        port=port,
        mail_dir=tmp_path,
        DATABASE_URL=processes.test_database_url(),
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
        DEBUG="1",
        ALLOWED_HOSTS="127.0.0.1",
    )  # DEBUG: static URLs without collectstatic
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        status, _, _ = get(f"http://127.0.0.1:{port}/feeds/{SECRET}.ics?format=todo")
    finally:
        out, err = stop(server)
    assert status == 404, err[-3000:]
    lines = [line for line in (out + err).splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line, master's and worker's, is one JSON object
    assert SECRET not in out + err
    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert any('"GET /healthz HTTP/1.1" 200' in r["message"] for r in access)
    feed = [r for r in access if "/feeds/" in r["message"]]
    assert len(feed) == 1 and '"GET /feeds/[redacted].ics HTTP/1.1" 404' in feed[0]["message"]
    assert "format=todo" not in feed[0]["message"]  # no query strings in the access log
    not_found = [r for r in records if r["logger"] == "django.request"]
    assert len(not_found) == 1 and not_found[0]["level"] == "INFO" and not_found[0]["status_code"] == 404
    assert all(r["time"].endswith("Z") for r in records)  # UTC in every process

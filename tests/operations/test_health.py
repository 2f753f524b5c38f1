"""/healthz and /readyz: what a load balancer sees, through the real stack."""

import json

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from tests.reminders import processes

from .servers import SilenceableProxy, free_port, get, start_gunicorn, stop, wait_until_up


def body(response) -> dict:
    return json.loads(response.content)


@pytest.fixture
def probe_client():
    """A balancer's probe: plain HTTP, by IP address (a host not in ALLOWED_HOSTS)."""
    return Client(HTTP_HOST="10.0.0.7:8000")


def test_healthz_answers_without_touching_the_database(probe_client, settings):
    """No django_db mark: any database access here would raise."""
    settings.SECURE_SSL_REDIRECT = True  # production: everything else is redirected to https
    response = probe_client.get("/healthz")
    assert response.status_code == 200
    assert body(response) == {"status": "ok"}
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert Client().get("/directives/").status_code == 301  # the rest still goes to https


@pytest.mark.django_db(transaction=True)
def test_readyz_is_200_with_every_check_when_all_is_well(probe_client):
    response = probe_client.get("/readyz")
    assert response.status_code == 200, response.content
    checks = body(response)["checks"]
    assert {"database", "migrations", "cache", "broker"} <= set(checks)
    assert all(check["ok"] for check in checks.values()), checks
    assert checks["database"]["detail"] == connection.vendor


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_naming_an_unapplied_migration(probe_client):
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="reminders").order_by("-id").first()
    latest.delete()
    try:
        response = probe_client.get("/readyz")
    finally:
        recorder.record_applied(latest.app, latest.name)
    assert response.status_code == 503
    checks = body(response)["checks"]
    assert not checks["migrations"]["ok"] and f"reminders.{latest.name}" in checks["migrations"]["detail"]
    assert checks["database"]["ok"] and body(response)["status"] == "fail"


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_when_the_cache_or_the_broker_is_unreachable(probe_client, settings):
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": closed}}
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": closed}
    response = probe_client.get("/readyz")
    assert response.status_code == 503
    checks = body(response)["checks"]
    assert not checks["cache"]["ok"] and not checks["broker"]["ok"]
    assert checks["database"]["ok"] and checks["migrations"]["ok"]
    # A balancer that should not drop web hosts for a worker-side problem may skip checks.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = probe_client.get("/readyz?skip=broker")
    assert response.status_code == 200 and "broker" not in body(response)["checks"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_readyz_answers_503_within_6_s_when_the_database_hangs_and_200_when_it_returns(tmp_path):
    """gunicorn with our gunicorn.conf.py, PostgreSQL behind a proxy that can stop answering."""
    if connection.vendor != "postgresql":
        pytest.skip("a database server that hangs: PostgreSQL (SQLite is a file)")
    real = connection.settings_dict
    proxy = SilenceableProxy((real["HOST"] or "127.0.0.1", int(real["PORT"] or 5432)))
    url = processes.test_database_url().replace(f":{real['PORT'] or 5432}/", f":{proxy.port}/")
    port = free_port()
    server = start_gunicorn(port=port, mail_dir=tmp_path, DATABASE_URL=url)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        status, content, _ = get(f"http://127.0.0.1:{port}/readyz")
        assert status == 200, content

        proxy.silent.set()
        status, content, seconds = get(f"http://127.0.0.1:{port}/readyz")
        assert status == 503 and seconds < 6, (status, seconds, content)
        checks = json.loads(content)["checks"]
        assert not checks["database"]["ok"] and not checks["migrations"]["ok"]
        assert get(f"http://127.0.0.1:{port}/healthz")[0] == 200  # alive, just not ready

        proxy.silent.clear()
        status, content, _ = get(f"http://127.0.0.1:{port}/readyz")
        assert status == 200, content
    finally:
        out, err = stop(server)
        proxy.close()
    assert "Traceback" not in err, err

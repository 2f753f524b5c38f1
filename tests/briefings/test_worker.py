"""A queued briefing made by a real `qcluster` process on the ORM broker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_q.conf import Conf

from dxtasks.briefings.models import StoredBriefing, StoredFile

from .pdftext import pdf_text

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def test_a_qcluster_worker_makes_the_queued_briefing(
    client, seed_data, user_factory, settings, media_root, monkeypatch, tmp_path
):
    """The worker runs as on another host: its own MEDIA_ROOT; the web host serves the PDF from the database."""
    monkeypatch.setattr(Conf, "SYNC", False)
    settings.BRIEFINGS_SYNC_LIMIT = 5
    client.force_login(user_factory(username="worker-test"))
    response = client.get(reverse("briefings:meeting", args=[7]), {"as_of": "2025-07-01"})
    assert response.status_code == 302
    stored = StoredBriefing.objects.get()
    assert stored.state == StoredBriefing.State.PENDING

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(tmp_path / "worker-host-media"),
        "Q_WORKERS": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120  # a bound so a broken worker can't hang the suite, not a speed check
        while time.monotonic() < deadline:
            stored.refresh_from_db()
            if stored.state != StoredBriefing.State.PENDING:
                break
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
    assert stored.state == StoredBriefing.State.READY, worker.stderr.read().decode()[-2000:]
    page = client.get(reverse("briefings:stored", args=[stored.pk]))
    assert page["Location"] == reverse("briefings:download", args=[stored.pk])
    pdf = client.get(page["Location"])
    assert "Ngân hàng Nhà nước Việt Nam" in pdf_text(b"".join(pdf.streaming_content))
    # Neither host's disk holds it: it is in the database.
    assert not any(Path(media_root).rglob("*.pdf")) and not any((tmp_path / "worker-host-media").rglob("*.pdf"))
    assert StoredFile.objects.get(name=stored.file.name).size == stored.file.size

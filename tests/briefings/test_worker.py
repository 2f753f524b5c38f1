"""A queued briefing made by a real `qcluster` process on the ORM broker."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ

from dxtasks.briefings import store
from dxtasks.briefings.models import StoredBriefing, StoredFile

from .pdftext import pdf_text

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _run_worker_until_done(stored: StoredBriefing, media: Path) -> str:
    """Run a real `qcluster` (one worker) until `stored` leaves PENDING; the tail of its stderr."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(media),
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
    return worker.stderr.read().decode()[-2000:]


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

    stderr = _run_worker_until_done(stored, tmp_path / "worker-host-media")
    assert stored.state == StoredBriefing.State.READY, stderr
    page = client.get(reverse("briefings:stored", args=[stored.pk]))
    assert page["Location"] == reverse("briefings:download", args=[stored.pk])
    pdf = client.get(page["Location"])
    assert "Ngân hàng Nhà nước Việt Nam" in pdf_text(b"".join(pdf.streaming_content))
    # Neither host's disk holds it: it is in the database.
    assert not any(Path(media_root).rglob("*.pdf")) and not any((tmp_path / "worker-host-media").rglob("*.pdf"))
    assert StoredFile.objects.get(name=stored.file.name).size == stored.file.size


def test_a_briefing_whose_worker_died_is_queued_again_and_made(
    client, seed_data, user_factory, settings, monkeypatch, tmp_path
):
    """README: a task that never finished (worker died) is queued again after twice the task timeout."""
    monkeypatch.setattr(Conf, "SYNC", False)
    settings.BRIEFINGS_SYNC_LIMIT = 5
    client.force_login(user_factory(username="stalled-test"))
    url, params = reverse("briefings:meeting", args=[7]), {"as_of": "2025-07-01"}
    assert client.get(url, params).status_code == 302
    stored = StoredBriefing.objects.get()
    assert stored.state == StoredBriefing.State.PENDING and OrmQ.objects.count() == 1

    # The worker that took the task died with it: the queue no longer holds it, the row stays PENDING.
    OrmQ.objects.all().delete()
    died_at = timezone.now() - datetime.timedelta(seconds=store.task_timeout() * 2 + 60)
    StoredBriefing.objects.filter(pk=stored.pk).update(requested_at=died_at)

    # Within twice the timeout a request waits for that task; after it, the request queues it again.
    assert client.get(url, params).status_code == 302
    stored.refresh_from_db()
    assert StoredBriefing.objects.count() == 1 and stored.state == StoredBriefing.State.PENDING
    assert stored.requested_at > died_at and OrmQ.objects.count() == 1, "the stalled briefing was not queued again"

    stderr = _run_worker_until_done(stored, tmp_path / "worker-host-media")
    assert stored.state == StoredBriefing.State.READY, stderr
    pdf = client.get(reverse("briefings:download", args=[stored.pk]))
    assert "UBQG-7/08" in pdf_text(b"".join(pdf.streaming_content))

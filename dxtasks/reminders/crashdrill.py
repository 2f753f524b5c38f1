"""Kill a real django-q cluster in the middle of the day's sweep and time how the retry job heals it.

Used by `manage.py benchmark_killed_sweep` (figures for docs/benchmarks.md) and
by the test that proves it. The clusters are real `manage.py qcluster`
processes on the configured database and broker, sending through SMTP to a
local aiosmtpd server (a development dependency) that counts what it
accepted. The drill holds the server's answers to RCPT once `kill_after`
digests were accepted — so the cluster is killed between two digests, never
after the server accepted one and before it was marked sent (the one window
the claims cannot close) — and SIGKILLs the cluster's whole process group.
"""

import asyncio
import collections
import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .apps import RETRY_SCHEDULE, SWEEP_SCHEDULE
from .models import Delivery, Outcome, SweepRun

DEAD_AFTER_SECONDS = 3


class HoldingSMTPHandler:
    """Accepts every message until `hold_after`; then holds every RCPT until released."""

    def __init__(self, hold_after: int):
        self.hold_after = hold_after
        self.accepted: list[str] = []
        self.holding = threading.Event()
        self.released = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if len(self.accepted) >= self.hold_after and not self.released.is_set():
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"  # its client is dead by now
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.accepted.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@dataclass
class DrillResult:
    recipients: int
    accepted_before_kill: int
    accepted: collections.Counter = field(default_factory=collections.Counter)
    killed_at: float = 0.0
    healed_after_seconds: float | None = None  # from the second cluster's start
    heal_started_after_kill_seconds: float = 0.0  # from the kill to the second cluster's start
    sweep_runs: int = 0
    rows_not_sent: int = 0
    broker: str = ""
    database: str = ""

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.accepted.values() if n > 1)

    def missing(self, expected: set[str]) -> int:
        return len(expected - set(self.accepted))


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cluster_env(smtp_port: int, redis_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "EMAIL_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="dxtasks.settings",
        DATABASE_URL=database_url(),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        SECRET_KEY=settings.SECRET_KEY,
        SITE_URL=settings.SITE_URL,
        DEBUG="0",
        Q_WORKERS="1",
        CONN_MAX_AGE="0",
        LOG_LEVEL="WARNING",
        REMINDER_SWEEP_DEAD_AFTER_SECONDS=str(DEAD_AFTER_SECONDS),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def start_cluster(env: dict) -> subprocess.Popen:
    """`manage.py qcluster` as the leader of its own process group (as systemd runs it)."""
    return subprocess.Popen(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "qcluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def _due_now(name: str, day: datetime.date) -> None:
    from django_q.models import Schedule

    Schedule.objects.filter(name=name).update(
        next_run=timezone.now() - datetime.timedelta(minutes=1), kwargs=f"day='{day.isoformat()}'"
    )


def _not_before_tomorrow(name: str) -> None:
    from django_q.models import Schedule

    Schedule.objects.filter(name=name).update(next_run=timezone.now() + datetime.timedelta(days=1))


def run_drill(
    day: datetime.date, *, recipients: int, kill_after: int, redis_url: str | None = None, timeout: float = 240
) -> DrillResult:
    """The day's sweep in cluster A, killed after `kill_after` digests; the retry job in cluster B heals it.

    The data (directives owed a reminder on `day`, for `recipients` people)
    must already be committed; schedules are registered here.
    """
    from aiosmtpd.controller import Controller

    from dxtasks.directives.management.commands.bootstrap import register_schedules
    from dxtasks.directives.models import Notification

    if Notification.objects.exists():  # their emails would be counted as digests
        raise RuntimeError("the drill counts reminder digests: the database must hold no workflow notifications")
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        client.delete(f"django_q:{settings.Q_CLUSTER['name']}:q")  # nothing left from an earlier drill
        client.close()
    register_schedules()
    _due_now(SWEEP_SCHEDULE, day)
    _not_before_tomorrow(RETRY_SCHEDULE)
    handler = HoldingSMTPHandler(hold_after=kill_after)
    port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    env = cluster_env(port, redis_url)
    result = DrillResult(
        recipients=recipients,
        accepted_before_kill=0,
        broker="redis" if redis_url else "orm",
        database=connection.vendor,
    )
    first = second = None
    try:
        first = start_cluster(env)
        if not handler.holding.wait(timeout):
            raise RuntimeError(f"the sweep never reached {kill_after} digests: {first.stderr.read()[:2000]}")
        time.sleep(1.0)  # digests accepted just before the hold get marked sent
        kill_group(first)
        result.killed_at = time.monotonic()
        result.accepted_before_kill = len(handler.accepted)
        handler.released.set()
        if SweepRun.objects.filter(day=day, finished_at__isnull=False).exists():
            raise RuntimeError("the sweep finished before it was killed: raise --recipients")
        time.sleep(DEAD_AFTER_SECONDS + 1)  # its heartbeat is now stale
        _due_now(RETRY_SCHEDULE, day)
        started = time.monotonic()
        result.heal_started_after_kill_seconds = started - result.killed_at
        second = start_cluster(env)
        deadline = started + timeout
        while time.monotonic() < deadline:
            run = SweepRun.objects.filter(day=day).first()
            if run and run.finished_at:
                result.healed_after_seconds = time.monotonic() - started
                break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"the retry job did not complete the sweep within {timeout:g} s")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    kill_group(process)
        smtp.stop()
    run = SweepRun.objects.get(day=day)
    result.sweep_runs = run.runs
    result.accepted = collections.Counter(handler.accepted)
    result.rows_not_sent = Delivery.objects.filter(sweep_date=day).exclude(outcome=Outcome.SENT).count()
    return result

"""The weekly pruning: expired sessions, deliveries past their retention, orphaned briefing files."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from dxtasks.briefings.models import StoredFile
from dxtasks.operations.apps import PRUNE_SCHEDULE
from dxtasks.operations.tasks import weekly_prune
from dxtasks.reminders.models import Delivery, Kind, Outcome, SweepRun

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def delivery(directive, sweep_date, occurrence):
    return Delivery.objects.create(
        directive=directive,
        recipient="quan@example.gov.vn",
        kind=Kind.OVERDUE,
        occurrence=occurrence,
        due_key="2025-01-01",
        slot_date=sweep_date,
        sweep_date=sweep_date,
        outcome=Outcome.SENT,
    )


def test_old_deliveries_sweep_records_expired_sessions_and_orphans_go_recent_ones_stay(directive_factory):
    directive = directive_factory()
    old = delivery(directive, TODAY - datetime.timedelta(days=401), "1")
    kept = delivery(directive, TODAY - datetime.timedelta(days=399), "2")
    now = timezone.now()
    for day in (TODAY - datetime.timedelta(days=500), TODAY - datetime.timedelta(days=10)):
        SweepRun.objects.create(day=day, started_at=now, heartbeat_at=now, finished_at=now, trigger="schedule")
    Session.objects.create(session_key="expired", session_data="x", expire_date=now - datetime.timedelta(hours=1))
    Session.objects.create(session_key="current", session_data="x", expire_date=now + datetime.timedelta(hours=1))
    StoredFile.objects.create(name="briefings/2025/01/orphan.pdf", content=b"%PDF", size=4)

    message = weekly_prune(day=TODAY.isoformat())

    assert list(Delivery.objects.values_list("pk", flat=True)) == [kept.pk] and old.pk != kept.pk
    assert list(SweepRun.objects.values_list("day", flat=True)) == [TODAY - datetime.timedelta(days=10)]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]
    assert not StoredFile.objects.exists()
    assert "1 sessions" in message and "1 reminder deliveries" in message and "1 orphaned briefing files" in message


def test_the_retention_comes_from_the_policy(directive_factory, settings):
    settings.REMINDERS = {**settings.REMINDERS, "KEEP_DELIVERIES_DAYS": 30}
    directive = directive_factory()
    delivery(directive, TODAY - datetime.timedelta(days=31), "1")
    weekly_prune(day=TODAY.isoformat())
    assert not Delivery.objects.exists()


def test_bootstrap_registers_the_weekly_schedule():
    from django_q.models import Schedule

    from dxtasks.directives.management.commands.bootstrap import register_schedules

    register_schedules()
    schedule = Schedule.objects.get(name=PRUNE_SCHEDULE)
    assert (schedule.func, schedule.cron) == ("dxtasks.operations.tasks.weekly_prune", "0 3 * * 0")
    assert schedule.next_run > timezone.now()


def test_sign_in_logs_past_their_retention_and_expired_counts_go_recent_ones_stay(client, user_factory, settings):
    """django-axes' records, made by real sign-ins, then aged: its own cleanup helpers delete them."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    settings.SIGNIN_LOG_KEEP_DAYS = 90
    user_factory(username="lan")
    user_factory(username="quan")
    for _ in range(2):
        assert (
            client.post("/accounts/login/", {"username": "lan", "password": "correct horse battery"}).status_code == 302
        )
        client.logout()
    for address in ("10.0.0.1", "10.0.0.2"):
        client.post("/accounts/login/", {"username": "quan", "password": "wrong"}, REMOTE_ADDR=address)
    assert (AccessLog.objects.count(), AccessFailureLog.objects.count(), AccessAttempt.objects.count()) == (2, 2, 2)
    now = timezone.now()
    AccessLog.objects.filter(pk=AccessLog.objects.earliest("pk").pk).update(
        attempt_time=now - datetime.timedelta(days=91)
    )
    AccessFailureLog.objects.filter(ip_address="10.0.0.1").update(attempt_time=now - datetime.timedelta(days=91))
    AccessAttempt.objects.filter(ip_address="10.0.0.1").update(
        attempt_time=now - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    )  # its lock has expired
    kept_log = AccessLog.objects.latest("pk").pk

    message = weekly_prune(day=TODAY.isoformat())

    assert list(AccessLog.objects.values_list("pk", flat=True)) == [kept_log]
    assert list(AccessFailureLog.objects.values_list("ip_address", flat=True)) == ["10.0.0.2"]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.2"]  # still counting
    assert "1 sign-in logs" in message and "1 sign-in failure logs" in message and "1 expired sign-in counts" in message

"""Each day's sweep is recorded; the retry job completes a sweep that never ran or died."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.reminders import runs
from dxtasks.reminders.models import Delivery, Outcome, SweepRun
from dxtasks.reminders.policy import Policy
from dxtasks.reminders.sweep import run_sweep
from dxtasks.reminders.tasks import heal_sweep, retry_failed_sends

from .conftest import day

pytestmark = pytest.mark.django_db
WEDNESDAY = day("2025-03-12")


def local(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def test_a_sweep_records_its_day_with_start_finish_and_counts(directive_due, sweep):
    directive_due(WEDNESDAY)
    directive_due(WEDNESDAY, owner=None)  # no owner email → the agency contact
    summary, sent = sweep(WEDNESDAY)
    run = SweepRun.objects.get()
    assert run.day == WEDNESDAY and run.runs == 1 and run.trigger == SweepRun.Trigger.SCHEDULE
    assert run.started_at <= run.finished_at and run.error == ""
    assert (run.recipients, run.emails_sent, run.emails_failed, run.directives_covered) == (2, 2, 0, 2)
    again, _ = sweep(WEDNESDAY)
    run.refresh_from_db()
    assert run.runs == 2 and run.emails_sent == 2  # the second run sent nothing and added nothing


def test_dry_runs_and_days_off_are_not_recorded(directive_due, sweep):
    directive_due(WEDNESDAY)
    sweep(WEDNESDAY, dry_run=True)
    sweep(day("2025-03-15"))  # a Saturday
    assert not SweepRun.objects.exists()


def test_a_sweep_that_raises_stays_unfinished_and_says_why(directive_due, settings):
    directive_due(WEDNESDAY)
    settings.EMAIL_BACKEND = "tests.reminders.test_sweep_runs.ExplodingBackend"
    with pytest.raises(ZeroDivisionError):
        run_sweep(WEDNESDAY)
    run = SweepRun.objects.get()
    assert run.finished_at is None and "ZeroDivisionError" in run.error


class ExplodingBackend:
    def __init__(self, **kwargs):
        pass

    def open(self):
        raise ZeroDivisionError("the worker fell over")

    def close(self):
        pass


def test_the_schedule_time_and_the_deadline_come_from_the_policy(settings):
    policy = Policy.from_settings()
    assert runs.scheduled_at(WEDNESDAY, policy) == local("2025-03-12 07:30")
    settings.REMINDERS = {**settings.REMINDERS, "SWEEP_CRON": "30 7 * * 1-5"}
    assert runs.scheduled_at(day("2025-03-15"), Policy.from_settings()) is None  # never on Saturdays
    assert runs.owed(WEDNESDAY, policy, now=local("2025-03-12 07:59")) == (False, None)  # before the deadline
    assert runs.owed(WEDNESDAY, policy, now=local("2025-03-12 08:00")) == (True, None)  # never started
    assert runs.owed(day("2025-03-15"), policy, now=local("2025-03-15 12:00")) == (False, None)  # day off


def test_the_retry_job_starts_a_sweep_that_never_ran(directive_due, mailoutbox):
    directive_due(WEDNESDAY)
    message = retry_failed_sends(day="2025-03-12")
    assert "completed by the retry job: 1 sent" in message
    assert [m.to for m in mailoutbox] == [["quan@bca.example.gov.vn"]]
    run = SweepRun.objects.get()
    assert run.trigger == SweepRun.Trigger.RETRY and run.finished_at and run.emails_sent == 1
    assert heal_sweep(WEDNESDAY) == "" and len(mailoutbox) == 1  # finished: not again


def test_a_live_sweep_is_left_alone_and_a_dead_one_is_taken_over_with_its_claims(
    directive_due, mailoutbox, user_factory, lead
):
    from dxtasks.accounts.models import Role

    other = user_factory(role=Role.FOCAL_POINT, agency=lead, username="lan", email="lan@bca.example.gov.vn")
    directive_due(WEDNESDAY)
    directive_due(WEDNESDAY, owner=other)
    # A sweep started a minute ago, claimed lan's reminder, and its worker was killed before sending.
    minute_ago = timezone.now() - datetime.timedelta(minutes=1)
    run = runs.started(WEDNESDAY, SweepRun.Trigger.SCHEDULE)
    SweepRun.objects.filter(pk=run.pk).update(started_at=minute_ago, heartbeat_at=minute_ago)
    dead = run_sweep(WEDNESDAY, dry_run=True).plans
    lan = next(p for p in dead if p.email == "lan@bca.example.gov.vn")
    Delivery.objects.create(
        directive_id=lan.new[0].directive_id,
        recipient=lan.email,
        kind=lan.new[0].kind,
        occurrence=lan.new[0].occurrence,
        due_key=lan.new[0].due_key,
        slot_date=WEDNESDAY,
        sweep_date=WEDNESDAY,
        outcome=Outcome.PENDING,
        claim="00000000-0000-0000-0000-000000000001",
        claimed_at=minute_ago,
    )
    policy = Policy.from_settings()
    # Heartbeat a minute old, the default says dead after 5 minutes: still alive, left alone.
    assert runs.owed(WEDNESDAY, policy)[0] is False
    assert heal_sweep(WEDNESDAY) == "" and mailoutbox == []

    six_minutes_ago = timezone.now() - datetime.timedelta(minutes=6)
    SweepRun.objects.filter(pk=run.pk).update(heartbeat_at=six_minutes_ago)
    Delivery.objects.update(claimed_at=six_minutes_ago)  # well within the 30-minute lease
    assert "completed by the retry job: 2 sent" in heal_sweep(WEDNESDAY)
    assert sorted(m.to[0] for m in mailoutbox) == ["lan@bca.example.gov.vn", "quan@bca.example.gov.vn"]
    assert set(Delivery.objects.values_list("outcome", flat=True)) == {Outcome.SENT}
    run.refresh_from_db()
    assert run.runs == 2 and run.trigger == SweepRun.Trigger.RETRY and run.finished_at and run.emails_sent == 2


def test_a_claim_younger_than_the_dead_sweeps_last_heartbeat_is_not_taken(directive_due, mailoutbox):
    directive_due(WEDNESDAY)
    policy = Policy.from_settings()
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    run = runs.started(WEDNESDAY, SweepRun.Trigger.SCHEDULE)
    SweepRun.objects.filter(pk=run.pk).update(heartbeat_at=long_ago)
    plan = run_sweep(WEDNESDAY, dry_run=True).plans[0].new[0]
    # A claim made just now belongs to someone alive (another cluster), not to the dead sweep.
    Delivery.objects.create(
        directive_id=plan.directive_id,
        recipient="quan@bca.example.gov.vn",
        kind=plan.kind,
        occurrence=plan.occurrence,
        due_key=plan.due_key,
        slot_date=WEDNESDAY,
        sweep_date=WEDNESDAY,
        outcome=Outcome.PENDING,
        claim="00000000-0000-0000-0000-000000000002",
        claimed_at=timezone.now(),
    )
    owed, before = runs.owed(WEDNESDAY, policy)
    assert owed and before < timezone.now() - datetime.timedelta(minutes=9)
    summary = run_sweep(WEDNESDAY, trigger="retry", abandoned_before=before)
    assert summary.emails_sent == 0 and summary.in_progress_elsewhere == 1 and mailoutbox == []


def finished_run(on: datetime.date) -> SweepRun:
    now = timezone.now()
    return SweepRun.objects.create(
        day=on,
        started_at=now,
        finished_at=now,
        heartbeat_at=now,
        runs=1,
        trigger=SweepRun.Trigger.SCHEDULE,
        emails_sent=3,
    )


@pytest.mark.django_db(transaction=True)
def test_readyz_fails_when_the_last_finished_sweep_is_older_than_the_latest_day_owed_one(client):
    import json

    def sweep_check():
        response = client.get("/readyz")
        return response.status_code, json.loads(response.content)["checks"]["sweep"]

    status, check = sweep_check()
    assert status == 200 and check["ok"] and check["detail"] == "no sweep recorded yet"
    expected = runs.expected_day(Policy.from_settings())
    finished_run(expected - datetime.timedelta(days=40))
    status, check = sweep_check()
    assert status == 503 and not check["ok"] and f"no finished sweep for {expected.isoformat()}" in check["detail"]
    # Monitoring keeps the full check; a balancer may skip it.
    assert client.get("/readyz?skip=sweep").status_code == 200
    finished_run(expected)
    status, check = sweep_check()
    assert status == 200 and check["detail"].startswith(f"last {expected.isoformat()} finished")


def test_the_admin_lists_the_days_sweeps_newest_first(admin_client):
    finished_run(day("2025-03-11"))
    finished_run(WEDNESDAY)
    response = admin_client.get("/admin/reminders/sweeprun/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("12/03/2025") < page.index("11/03/2025") or page.index("2025-03-12") < page.index("2025-03-11")

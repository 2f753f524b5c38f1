"""Real processes: two sweeps racing, and a django-q cluster running the schedule."""

import collections
import datetime
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from dxtasks.accounts.models import Role, User
from dxtasks.reminders.apps import SWEEP_SCHEDULE
from dxtasks.reminders.models import Delivery, Outcome

from .conftest import day
from .processes import recipients_of, start_manage

RACING_RECIPIENTS = 150


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_in_parallel_processes_send_no_duplicate(directive_factory, lead, tmp_path):
    User.objects.bulk_create(
        [
            User(username=f"fp{n}", email=f"fp{n}@example.gov.vn", role=Role.FOCAL_POINT, agency=lead)
            for n in range(RACING_RECIPIENTS)
        ]
    )
    for user in User.objects.filter(username__startswith="fp"):
        directive_factory(lead=lead, owner=user, deadline_text="12/03/2025", assigned_on=day("2025-01-02"))
        directive_factory(lead=lead, owner=user, deadline_text="19/03/2025", assigned_on=day("2025-01-02"))
    mail_dir = tmp_path / "mail"
    racers = [start_manage("send_reminders", "--date", "2025-03-12", mail_dir=mail_dir) for _ in range(3)]
    outputs = [racer.communicate(timeout=300) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0, 0], outputs

    sent_to = collections.Counter(recipients_of(mail_dir))
    assert len(sent_to) == RACING_RECIPIENTS
    assert set(sent_to.values()) == {1}, [a for a, n in sent_to.items() if n > 1]
    assert Delivery.objects.filter(outcome=Outcome.SENT).count() == 2 * RACING_RECIPIENTS
    assert not Delivery.objects.exclude(outcome=Outcome.SENT).exists()
    sent_counts = [int(out.split("emails sent: ")[1].split()[0]) for out, _ in outputs]
    assert sum(sent_counts) == RACING_RECIPIENTS, outputs


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_qcluster_runs_the_scheduled_sweep_and_sends_mail(directive_due, tmp_path):
    from django_q.models import Schedule

    from dxtasks.directives.management.commands.bootstrap import register_schedules

    call_command("createcachetable", verbosity=0)
    directive_due(day("2025-03-12"))
    register_schedules()
    schedule = Schedule.objects.get(name=SWEEP_SCHEDULE)
    assert (schedule.schedule_type, schedule.cron) == (Schedule.CRON, "30 7 * * *")
    assert schedule.next_run > timezone.now()  # registering does not fire it
    # Run it now, as of a known working day (today might be a holiday).
    Schedule.objects.filter(pk=schedule.pk).update(
        next_run=timezone.now() - datetime.timedelta(minutes=1), kwargs="day='2025-03-12'"
    )
    mail_dir = tmp_path / "mail"
    cluster = start_manage("qcluster", mail_dir=mail_dir)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not list(mail_dir.glob("*.eml")):
            time.sleep(1)
    finally:
        cluster.terminate()
        try:
            cluster.communicate(timeout=30)
        except Exception:
            cluster.kill()
    assert recipients_of(mail_dir) == ["quan@bca.example.gov.vn"]
    assert Delivery.objects.get().outcome == Outcome.SENT
    schedule.refresh_from_db()
    assert schedule.next_run > timezone.now()  # the scheduler moved it to the next 07:30

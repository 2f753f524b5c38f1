"""Real processes: a qcluster delivering on commit, a crash between commit and enqueue, racing workers."""

import collections
import datetime
import textwrap
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from dxtasks.accounts.models import Role, User
from dxtasks.directives import events, services
from dxtasks.directives.models import Event
from dxtasks.reminders.apps import NOTICE_SCHEDULE
from dxtasks.reminders.models import Delivery, Kind, Outcome
from tests.reminders.processes import recipients_of, start_manage

RACING_SECRETARIES = 120
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _wait_for_mail(mail_dir, count: int, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(list(mail_dir.glob("*.eml"))) < count:
        time.sleep(0.5)


def _stop(process) -> str:
    process.terminate()
    try:
        return process.communicate(timeout=30)[1]
    except Exception:
        process.kill()
        return ""


def _request(people, directive):
    return services.request_extension(
        directive=directive, by=people.focal, proposed_due=datetime.date(2031, 6, 30), reason="Chờ ý kiến"
    )


def test_a_real_qcluster_delivers_an_event_enqueued_on_commit(people, directive, tmp_path):
    from django_q.models import OrmQ

    call_command("createcachetable", verbosity=0)
    _request(people, directive)  # commits; the on-commit hook puts the delivery task on the ORM broker
    assert OrmQ.objects.count() == 1
    mail_dir = tmp_path / "mail"
    cluster = start_manage("qcluster", mail_dir=mail_dir)
    try:
        _wait_for_mail(mail_dir, 2)
        time.sleep(2)  # anything extra would show up now
    finally:
        errors = _stop(cluster)
    assert sorted(recipients_of(mail_dir)) == ["ha@most.example.gov.vn", "minh@most.example.gov.vn"], errors
    assert set(Delivery.objects.values_list("kind", "outcome")) == {(Kind.NOTICE, Outcome.SENT)}


def test_a_crash_between_commit_and_enqueue_is_delivered_by_the_schedule(people, directive, tmp_path):
    from django_q.models import OrmQ, Schedule

    from dxtasks.directives.management.commands.bootstrap import register_schedules

    call_command("createcachetable", verbosity=0)
    # A web process commits the request and dies before its on-commit hooks enqueue anything.
    script = textwrap.dedent(f"""
        import os
        from django.db import transaction
        from dxtasks.accounts.models import User
        from dxtasks.directives import services
        from dxtasks.directives.models import Directive
        import datetime
        with transaction.atomic():
            transaction.on_commit(lambda: os._exit(3))  # runs first: the process is gone after the commit
            services.request_extension(directive=Directive.objects.get(pk={directive.pk}),
                                       by=User.objects.get(pk={people.focal.pk}),
                                       proposed_due=datetime.date(2031, 6, 30), reason="Chờ ý kiến")
    """)
    mail_dir = tmp_path / "mail"
    crashed = start_manage("shell", "-c", script, mail_dir=mail_dir)
    crashed.communicate(timeout=120)
    assert crashed.returncode == 3
    assert Event.objects.count() == 1 and OrmQ.objects.count() == 0  # committed, never enqueued
    register_schedules()
    Schedule.objects.filter(name=NOTICE_SCHEDULE).update(next_run=timezone.now() - datetime.timedelta(minutes=1))
    cluster = start_manage("qcluster", mail_dir=mail_dir)
    try:
        _wait_for_mail(mail_dir, 2)
        time.sleep(2)
    finally:
        errors = _stop(cluster)
    assert sorted(recipients_of(mail_dir)) == ["ha@most.example.gov.vn", "minh@most.example.gov.vn"], errors
    assert Schedule.objects.get(name=NOTICE_SCHEDULE).next_run > timezone.now()


def test_racing_workers_send_each_notification_once(people, directive_factory, tmp_path):
    User.objects.bulk_create(
        [
            User(username=f"sec{n}", email=f"sec{n}@most.example.gov.vn", role=Role.SECRETARIAT)
            for n in range(RACING_SECRETARIES)
        ]
    )
    with events.muted():
        directives = [directive_factory(lead=people.agency, owner=people.focal) for _ in range(3)]
    for directive in directives:
        _request(people, directive)
    total = RACING_SECRETARIES + 2  # and the fixture's two secretaries
    mail_dir = tmp_path / "mail"
    racers = [start_manage("send_notifications", mail_dir=mail_dir) for _ in range(3)]
    outputs = [racer.communicate(timeout=300) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0, 0], outputs
    sent_to = collections.Counter(recipients_of(mail_dir))
    # One email per secretary, with the three requests in it — never two, whoever won each claim.
    assert len(sent_to) == total and set(sent_to.values()) == {1}, [a for a, n in sent_to.items() if n > 1]
    assert Delivery.objects.filter(outcome=Outcome.SENT).count() == 3 * total
    assert not Delivery.objects.exclude(outcome=Outcome.SENT).exists()
    emails = [int(out.split("notifications: ")[1].split()[0]) for out, _ in outputs]
    assert sum(emails) == total, outputs

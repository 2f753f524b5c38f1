"""Nothing sent twice, nothing lost: reruns, failing backends, crashes."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.reminders.models import Delivery, Kind, Outcome
from dxtasks.reminders.sweep import retry_failed, run_sweep

from .conftest import day

QUAN = "quan@bca.example.gov.vn"
pytestmark = pytest.mark.django_db


def test_running_the_sweep_twice_sends_nothing_new(directive_due, sweep):
    directive_due(day("2025-03-12"))
    directive_due(day("2025-03-20"))
    first, sent = sweep(day("2025-03-12"))
    second, again = sweep(day("2025-03-12"))
    assert len(sent) == 1 and first.emails_sent == 1 and first.directives_covered == 2
    assert again == [] and second.emails_sent == 0 and second.already_sent == 2


def test_the_database_refuses_a_second_delivery_row(directive_due):
    directive = directive_due(day("2025-03-12"))
    fields = dict(
        directive=directive,
        recipient=QUAN,
        kind=Kind.DUE,
        occurrence="0",
        due_key="2025-03-12",
        slot_date=day("2025-03-12"),
        sweep_date=day("2025-03-12"),
    )
    Delivery.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(**fields)
    # Nor by a later sweep: the reminder (directive, recipient, step, due date) is the key, not the day it ran.
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(**{**fields, "slot_date": day("2025-03-13"), "sweep_date": day("2025-03-13")})


def test_inserting_claims_skips_the_rows_that_exist_and_writes_every_field_of_the_others(directive_due):
    import uuid

    from dxtasks.reminders.sending import insert_deliveries

    first, second = directive_due(day("2025-03-12")), directive_due(day("2025-03-20"))
    existing = Delivery.objects.create(
        directive=first,
        recipient=QUAN,
        kind=Kind.DUE,
        occurrence="0",
        due_key="2025-03-12",
        slot_date=day("2025-03-12"),
        sweep_date=day("2025-03-11"),
        outcome=Outcome.SENT,
        attempts=1,
    )
    token, now = uuid.uuid4(), timezone.now()
    keys = [
        (first.pk, None, QUAN, Kind.DUE, "0", "2025-03-12", day("2025-03-12")),  # owned already: left alone
        (second.pk, None, QUAN, Kind.BEFORE, "7", "2025-03-20", day("2025-03-13")),
        (second.pk, None, "", Kind.BEFORE, "7", "2025-03-20", day("2025-03-13")),
    ]
    insert_deliveries(
        keys, sweep_date=day("2025-03-12"), outcome=Outcome.PENDING, claim=token, claimed_at=now, error="x"
    )
    existing.refresh_from_db()
    assert (existing.outcome, existing.attempts, existing.claim, existing.sweep_date) == (
        Outcome.SENT,
        1,
        None,
        day("2025-03-11"),
    )
    made = list(Delivery.objects.filter(claim=token).order_by("recipient"))
    assert [(d.directive_id, d.share_id, d.recipient, d.kind, d.occurrence, d.due_key) for d in made] == [
        (second.pk, None, "", Kind.BEFORE, "7", "2025-03-20"),
        (second.pk, None, QUAN, Kind.BEFORE, "7", "2025-03-20"),
    ]
    for row in made:
        assert (row.slot_date, row.sweep_date, row.outcome, row.attempts, row.error) == (
            day("2025-03-13"),
            day("2025-03-12"),
            Outcome.PENDING,
            0,
            "x",
        )
        assert row.claimed_at == now and row.created_at is not None and row.sent_at is None
    # Run again (another sweep racing this one): nothing new, nothing changed.
    insert_deliveries(keys, sweep_date=day("2025-03-13"), outcome=Outcome.PENDING, claim=uuid.uuid4(), claimed_at=now)
    assert Delivery.objects.count() == 3 and Delivery.objects.filter(claim=token).count() == 2


@pytest.fixture
def two_owners(directive_due, user_factory, lead, owner):
    other = user_factory(role=Role.FOCAL_POINT, agency=lead, username="bad", email="bad@bca.example.gov.vn")
    directive_due(day("2025-03-12"), reference="GOOD-1")
    directive_due(day("2025-03-12"), reference="BAD-1", owner=other)
    return other


def test_a_refused_address_does_not_hold_up_the_others_and_is_retried(two_owners, refusing_mail, mailoutbox):
    refusing_mail.REFUSED.add("bad@bca.example.gov.vn")
    summary = run_sweep(day("2025-03-12"))
    assert [m.to for m in mailoutbox] == [[QUAN]]
    assert summary.emails_sent == 1 and summary.emails_failed == 1
    failed = Delivery.objects.get(recipient="bad@bca.example.gov.vn")
    assert failed.outcome == Outcome.FAILED and failed.attempts == 1 and "SMTPRecipientsRefused" in failed.error
    assert failed.next_attempt_at > timezone.now()

    # Before the backoff has passed, neither the sweep nor the retry job sends it.
    assert run_sweep(day("2025-03-12")).emails_sent == 0
    assert retry_failed(day("2025-03-12")).emails_sent == 0

    refusing_mail.REFUSED.clear()
    Delivery.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    retried = retry_failed(day("2025-03-12"))
    assert retried.emails_sent == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["bad@bca.example.gov.vn", QUAN]
    failed.refresh_from_db()
    assert failed.outcome == Outcome.SENT and failed.attempts == 2 and failed.error == ""
    # and nothing more afterwards
    assert run_sweep(day("2025-03-12")).emails_sent == 0 and retry_failed(day("2025-03-12")).emails_sent == 0
    assert len(mailoutbox) == 2


def test_backoff_doubles_and_retries_stop_at_the_maximum(two_owners, refusing_mail, settings):
    settings.REMINDERS = {**settings.REMINDERS, "MAX_ATTEMPTS": 3, "RETRY_BACKOFF_MINUTES": 10}
    refusing_mail.REFUSED.add("bad@bca.example.gov.vn")
    run_sweep(day("2025-03-12"))
    waits = []
    for _ in range(4):
        row = Delivery.objects.get(recipient="bad@bca.example.gov.vn")
        if row.next_attempt_at:
            waits.append(round((row.next_attempt_at - timezone.now()).total_seconds() / 60))
        Delivery.objects.filter(pk=row.pk, next_attempt_at__isnull=False).update(next_attempt_at=timezone.now())
        retry_failed(day("2025-03-12"))
    row = Delivery.objects.get(recipient="bad@bca.example.gov.vn")
    assert waits == [10, 20]
    assert row.outcome == Outcome.GAVE_UP and row.attempts == 3


def test_smtp_down_fails_everything_and_the_next_sweep_sends_it_once(two_owners, refusing_mail, mailoutbox):
    refusing_mail.DOWN["down"] = True
    summary = run_sweep(day("2025-03-12"))
    assert summary.emails_sent == 0 and summary.emails_failed == 2 and mailoutbox == []
    refusing_mail.DOWN["down"] = False
    Delivery.objects.update(next_attempt_at=timezone.now())
    later = run_sweep(day("2025-03-12"))
    assert later.emails_sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["bad@bca.example.gov.vn", QUAN]
    assert run_sweep(day("2025-03-12")).emails_sent == 0


def test_a_malformed_address_is_recorded_as_failed_and_not_retried(directive_due, user_factory, lead, sweep):
    broken = user_factory(role=Role.FOCAL_POINT, agency=lead, username="broken")
    type(broken).objects.filter(pk=broken.pk).update(email="dau-moi@@bca")  # as a raw import could leave it
    directive_due(day("2025-03-12"), owner=broken)
    summary, sent = sweep(day("2025-03-12"))
    row = Delivery.objects.get()
    assert sent == [] and summary.emails_failed == 1
    assert row.outcome == Outcome.GAVE_UP and "invalid address" in row.error
    assert retry_failed(day("2025-03-12")).emails_sent == 0


def test_a_claim_left_by_a_crashed_worker_is_sent_once_after_its_lease(directive_due, sweep, settings):
    directive = directive_due(day("2025-03-12"))
    # A worker claimed the row and died before sending.
    Delivery.objects.create(
        directive=directive,
        recipient=QUAN,
        kind=Kind.DUE,
        occurrence="0",
        due_key="2025-03-12",
        slot_date=day("2025-03-12"),
        sweep_date=day("2025-03-12"),
        outcome=Outcome.PENDING,
        claimed_at=timezone.now(),
    )
    fresh, while_claimed = sweep(day("2025-03-12"))
    assert while_claimed == [] and fresh.in_progress_elsewhere == 1
    Delivery.objects.update(claimed_at=timezone.now() - datetime.timedelta(minutes=31))
    _, after_lease = sweep(day("2025-03-12"))
    _, again = sweep(day("2025-03-12"))
    assert len(after_lease) == 1 and again == []
    assert Delivery.objects.get().outcome == Outcome.SENT


def test_a_reminder_of_a_directive_closed_before_its_retry_is_dropped(
    two_owners, refusing_mail, secretariat, mailoutbox
):
    from dxtasks.directives import services
    from dxtasks.directives.models import Directive

    refusing_mail.DOWN["down"] = True
    run_sweep(day("2025-03-12"))
    refusing_mail.DOWN["down"] = False
    services.cancel_directive(
        directive=Directive.objects.get(reference="BAD-1"),
        by=secretariat,
        reason="Trùng nhiệm vụ khác",
        cancelled_on=day("2025-03-12"),
    )
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert retry_failed(day("2025-03-12")).emails_sent == 1
    assert [m.to for m in mailoutbox] == [[QUAN]]
    assert Delivery.objects.get(directive__reference="BAD-1").outcome == Outcome.OBSOLETE


def test_retries_wait_for_a_working_day(two_owners, refusing_mail, mailoutbox):
    from dxtasks.reminders.tasks import retry_failed_sends

    refusing_mail.DOWN["down"] = True
    run_sweep(day("2025-03-14"))  # Friday
    refusing_mail.DOWN["down"] = False
    Delivery.objects.update(next_attempt_at=timezone.now())
    saturday = retry_failed(day("2025-03-15"))
    assert not saturday.working_day and mailoutbox == []
    assert retry_failed(day("2025-03-17")).emails_sent == 2
    # The scheduled job's own entry point, on a day given (today's sweep may be owed at this hour: the
    # healing would run it, so the test would depend on the wall clock).
    assert retry_failed_sends("2025-03-16") == "reminder retries 2025-03-16: 0 sent, 0 failed"
    assert len(mailoutbox) == 2


def test_a_sent_digest_marks_its_own_rows_and_every_field_of_them(two_owners, mailoutbox):
    """The mark-sent UPDATE is written by hand (sending._mark_sent): read back through the ORM, its rows
    hold what the ORM's update wrote, and a claim shared with another recipient leaves theirs alone."""
    import uuid

    from django.core.mail import EmailMessage, get_connection

    from dxtasks.directives.models import Directive
    from dxtasks.reminders.policy import Policy
    from dxtasks.reminders.sending import insert_deliveries, send_rows

    token, claimed_at = uuid.uuid4(), timezone.now()
    directives = {d.reference: d for d in Directive.objects.filter(reference__in=["GOOD-1", "BAD-1"])}
    insert_deliveries(
        [
            (directives["GOOD-1"].pk, None, QUAN, Kind.DUE, "0", "2025-03-12", day("2025-03-12")),
            (directives["BAD-1"].pk, None, "bad@bca.example.gov.vn", Kind.DUE, "0", "2025-03-12", day("2025-03-12")),
        ],
        sweep_date=day("2025-03-12"),
        outcome=Outcome.PENDING,
        claim=token,
        claimed_at=claimed_at,
        error="an earlier failure",
    )
    Delivery.objects.filter(claim=token).update(attempts=2, next_attempt_at=claimed_at)
    connection = get_connection()
    message = EmailMessage(subject="Nhắc việc “đến hạn” — 1", body="…", to=[QUAN], headers={"Message-ID": "<m@x>"})
    before = timezone.now()
    assert send_rows(
        token=token, recipient=QUAN, build=lambda: message, policy=Policy.from_settings(), connection=connection
    ) == (
        True,
        "",
    )
    good = Delivery.objects.get(recipient=QUAN)
    assert (good.outcome, good.attempts, good.subject, good.message_id, good.error) == (
        Outcome.SENT,
        3,
        "Nhắc việc “đến hạn” — 1",
        "<m@x>",
        "",
    )
    assert good.claim is None and good.next_attempt_at is None
    assert before <= good.sent_at <= timezone.now() and good.sent_at.tzinfo is not None
    other = Delivery.objects.get(recipient="bad@bca.example.gov.vn")
    assert (other.outcome, other.attempts, other.claim, other.error, other.sent_at) == (
        Outcome.PENDING,
        2,
        token,
        "an earlier failure",
        None,
    )
    assert [m.subject for m in mailoutbox] == ["Nhắc việc “đến hạn” — 1"]

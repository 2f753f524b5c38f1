"""The daily sweep: what every recipient is owed today, sent as one digest each.

Reads are a fixed handful of queries whatever the number of directives (the
open directives with their owner and lead agency, the progress flags of
"asap" directives, recent deliveries, preferences, secretariat users);
writes are a few queries per recipient who gets mail (claim, send, mark).
A second sweep of the same day finds everything delivered in memory and
writes nothing. Which rows are owed reminders and to which address the
owner's go is `selectors`' rule, the one the preferences page lists too.
"""

import datetime
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import connections as db_connections
from django.db.models import Q
from django.utils import timezone

from dxtasks.accounts import roles
from dxtasks.directives.deadlines import recurrence_of
from dxtasks.directives.models import Directive, ProgressUpdate, Share, State

from . import runs, selectors
from .digest import make_item
from .models import Delivery, Frequency, Kind, Outcome, RecipientPreference
from .policy import MAX_SHIFT, DirectiveFacts, Policy, Slot, SlotsOfTheDay, ongoing_months
from .selectors import normalise
from .sending import Wanted, claim_batch, insert_deliveries, retryable, send_claimed
from .workdays import WorkingCalendar

logger = logging.getLogger(__name__)

# Recipients claimed together (one INSERT, one SELECT); each digest is still sent and marked on its own.
CLAIM_BATCH = 100
DONE = {Outcome.SENT, Outcome.GAVE_UP, Outcome.NO_RECIPIENT, Outcome.OBSOLETE}


@dataclass
class RecipientPlan:
    email: str
    language: str
    new: list[Wanted] = field(default_factory=list)
    retry: list[Wanted] = field(default_factory=list)

    @property
    def wanted(self) -> list[Wanted]:
        return [*self.new, *self.retry]


@dataclass
class SweepSummary:
    today: datetime.date
    working_day: bool = True
    dry_run: bool = False
    recipients: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    directives_covered: int = 0
    already_sent: int = 0
    in_progress_elsewhere: int = 0
    waiting_retry: int = 0
    muted: int = 0
    deferred_weekly: int = 0
    no_recipient: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    plans: list[RecipientPlan] = field(default_factory=list)


def open_directive_rows(today: datetime.date, policy: Policy | None = None) -> list[dict]:
    """Rows that can be owed a reminder today (`selectors.remindable`), not due too far ahead.

    A directive (a share) due after the horizon (the largest DAYS_BEFORE plus
    MAX_SHIFT, the furthest a slot moves back onto a working day) has no slot
    sent by today, so it is not read at all: at 100,000 open directives a
    sweep reads the ~30 % that can be owed something instead of every row (the
    (state, due_date) index).
    """
    policy = policy or Policy.from_settings()
    horizon = today + datetime.timedelta(days=max(policy.days_before, default=0) + MAX_SHIFT)
    owed = Q(due_date__isnull=True) | Q(due_date__lte=horizon)
    directives, shares = selectors.remindable(today)
    return selectors.reminder_rows(directives.filter(owed), shares.filter(owed))


def delivery_window_start(
    today: datetime.date, policy: Policy, ongoing_every_months: int | None = None
) -> datetime.date:
    """Oldest slot day that can still be the latest slot of some sequence."""
    gaps = [
        (ongoing_every_months or policy.ongoing_every_months) * 31,
        policy.overdue_every_days,
        policy.asap_every_days,
        *policy.days_before,
    ]
    return today - datetime.timedelta(days=max(gaps) + 2 * MAX_SHIFT)


class Audience:
    """Who receives what: users by address, preferences, the secretariat. Four queries."""

    def __init__(self):
        User = get_user_model()
        self.users = {
            normalise(email): (language, active)
            for email, language, active in User.objects.exclude(email="").values_list("email", "language", "is_active")
        }
        self.secretariat = sorted(
            {normalise(e) for e in roles.secretariat_members().exclude(email="").values_list("email", flat=True)}
        )
        weekly = RecipientPreference.objects.filter(frequency=Frequency.WEEKLY)
        self.weekly = set(weekly.values_list("email", flat=True))
        self.muted = set(
            RecipientPreference.muted.through.objects.values_list("recipientpreference__email", "directive_id")
        )

    def language(self, email: str, hint: str | None = None) -> str:
        return hint or self.users.get(email, ("vi", True))[0]

    def escalation_addresses(self, row: dict) -> list[str]:
        leadership = normalise(row["lead_agency__leadership_email"])
        return sorted({*([leadership] if leadership else []), *self.secretariat})


def plan_sweep(
    today: datetime.date,
    *,
    policy: Policy,
    calendar: WorkingCalendar,
    summary: SweepSummary,
    abandoned_before: datetime.datetime | None = None,
) -> tuple[dict[str, RecipientPlan], list[tuple[dict, Slot]]]:
    rows = open_directive_rows(today, policy)
    recurrences = {
        (row["id"], row["share_id"]): recurrence_of(row["deadline_text"])
        for row in rows
        if row["deadline_precision"] == "ongoing"
    }
    longest = max((ongoing_months(r, policy) for r in recurrences.values()), default=None)
    # The rows with an "asap" deadline that have been reported on: directives, and shares whose own
    # deadline is "asap" (under a dated directive too). "asap" has no due date (a constraint): saying so
    # lets the (state, due_date) indexes find the few undated open rows instead of walking all 100,000
    # (136 ms → 23 ms). No ordering: the default one would put reported_at and id into the DISTINCT.
    progress = ProgressUpdate.objects.order_by().values_list("directive_id", "share_id")
    asap_with_progress = set(
        progress.filter(
            directive__state=State.OPEN, directive__due_date__isnull=True, directive__deadline_precision="asap"
        ).union(
            progress.filter(
                directive__state=State.OPEN,
                share__state=State.OPEN,
                share__due_date__isnull=True,
                share__deadline_precision="asap",
            )
        )
    )
    now = timezone.now()
    lease = now - datetime.timedelta(minutes=policy.claim_lease_minutes)
    if abandoned_before is not None:  # the sweep that claimed them is dead
        lease = max(lease, abandoned_before)
    window = Delivery.objects.filter(slot_date__gte=delivery_window_start(today, policy, longest))
    key_columns = ("directive_id", "share_id", "recipient", "kind", "occurrence", "due_key")
    # Read before the done keys: a row another sweep finishes between the two reads is then in both,
    # and counted as done. (Missing from both, it would only be planned again; its claim skips it.)
    unfinished = {
        (d, sh, r, k, o, dk): (outcome, attempts, next_at, claimed_at)
        for d, sh, r, k, o, dk, outcome, attempts, next_at, claimed_at in window.exclude(outcome__in=DONE)
        .values_list(*key_columns, "outcome", "attempts", "next_attempt_at", "claimed_at")
        .iterator(chunk_size=5000)
    }
    # Most rows of the window are done: their keys alone, without the two datetimes per row
    # (0.4 of a 3.1 s second sweep converting them) that only an unfinished row's state needs.
    done = set(window.filter(outcome__in=DONE).values_list(*key_columns).iterator(chunk_size=5000))
    audience = Audience()
    weekly_day = calendar.first_working_day_of_week(today) == today
    plans: dict[str, RecipientPlan] = {}
    no_recipient: list[tuple[dict, Slot]] = []
    slots = SlotsOfTheDay(today, calendar, policy)

    def want(row: dict, slot: Slot, email: str, language: str | None) -> None:
        key = (row["id"], row["share_id"], email, slot.kind, slot.occurrence, slot.due_key)
        if key in done:
            summary.already_sent += 1
            return
        state = unfinished.get(key)
        is_retry = False
        if state is not None:
            outcome, attempts, next_at, claimed_at = state
            if outcome == Outcome.FAILED and (attempts >= policy.max_attempts or (next_at and next_at > now)):
                summary.waiting_retry += 1  # in its backoff; the retry job sends it
                return
            if outcome == Outcome.PENDING and claimed_at and claimed_at >= lease:
                summary.in_progress_elsewhere += 1
                return
            is_retry = True
        if slot.kind != Kind.ESCALATION:
            if (email, row["id"]) in audience.muted:
                summary.muted += 1
                return
            if email in audience.weekly and not weekly_day:
                summary.deferred_weekly += 1
                return
        plan = plans.get(email)
        if plan is None:
            plan = plans[email] = RecipientPlan(email=email, language=audience.language(email, language))
        wanted = Wanted(
            row["id"],
            slot.kind,
            slot.occurrence,
            slot.due_key,
            slot.target,
            make_item(row, slot.kind, today),
            share_id=row["share_id"],
        )
        (plan.retry if is_retry else plan.new).append(wanted)

    for row in rows:
        facts = DirectiveFacts(
            assigned_on=row["assigned_on"],
            due_date=row["due_date"],
            precision=row["deadline_precision"],
            has_progress=(row["id"], row["share_id"]) in asap_with_progress,
            recurrence=recurrences.get((row["id"], row["share_id"])),
        )
        slot = slots.owner(facts)
        if slot is not None:
            email, language = selectors.owner_address(row)
            if email:
                want(row, slot, email, language)
            else:
                no_recipient.append((row, slot))
        escalation = slots.escalation(facts)
        if escalation is not None:
            for email in audience.escalation_addresses(row):
                want(row, escalation, email, None)
    return plans, no_recipient


def record_no_recipient(no_recipient: list[tuple[dict, Slot]], today: datetime.date) -> None:
    """Shown in the admin and on the directive's history, once per slot."""
    insert_deliveries(
        [
            (row["id"], row["share_id"], "", slot.kind, slot.occurrence, slot.due_key, slot.target)
            for row, slot in no_recipient
        ],
        sweep_date=today,
        outcome=Outcome.NO_RECIPIENT,
        error="no owner with an email and no agency contact email",
    )


def run_sweep(
    today: datetime.date | None = None,
    *,
    dry_run: bool = False,
    connection=None,
    policy: Policy | None = None,
    trigger: str = "schedule",
    abandoned_before: datetime.datetime | None = None,
) -> SweepSummary:
    """The day's sweep; recorded in the day's SweepRun (except a dry run).

    `abandoned_before`: claims made before it belong to a sweep that died and
    are taken over now rather than after their lease (the retry job's healing).
    """
    today = today or timezone.localdate()
    policy = policy or Policy.from_settings()
    calendar = WorkingCalendar()
    summary = SweepSummary(today=today, dry_run=dry_run)
    if not calendar.is_working_day(today):
        summary.working_day = False
        return summary
    if dry_run:
        return _plan_only(today, policy=policy, calendar=calendar, summary=summary)
    run = runs.started(today, trigger)
    try:
        _sweep(
            today,
            policy=policy,
            calendar=calendar,
            summary=summary,
            connection=connection,
            abandoned_before=abandoned_before,
            heartbeat=runs.Heartbeat(run, policy),
        )
    except BaseException as exc:  # recorded, then raised: the retry job completes the day
        runs.failed(run, exc)
        raise
    runs.finished(run)
    return summary


def _plan_only(today, *, policy, calendar, summary) -> SweepSummary:
    plans, no_recipient = plan_sweep(today, policy=policy, calendar=calendar, summary=summary)
    summary.no_recipient = sorted({row["reference"] for row, _ in no_recipient})
    summary.plans = [plans[email] for email in sorted(plans)]
    summary.recipients = len(summary.plans)
    summary.directives_covered = len({w.directive_id for p in summary.plans for w in p.wanted})
    return summary


def _sweep(today, *, policy, calendar, summary, connection, abandoned_before, heartbeat) -> None:
    plans, no_recipient = plan_sweep(
        today, policy=policy, calendar=calendar, summary=summary, abandoned_before=abandoned_before
    )
    summary.no_recipient = sorted({row["reference"] for row, _ in no_recipient})
    ordered = [plans[email] for email in sorted(plans)]
    record_no_recipient(no_recipient, today)
    deliver(
        ordered,
        today=today,
        policy=policy,
        connection=connection,
        summary=summary,
        abandoned_before=abandoned_before,
        heartbeat=heartbeat,
    )


def send_threads(policy: Policy, connection) -> int:
    """Parallel senders: each waits on its own commits and SMTP replies.

    Only with a server database and the configured backend: SQLite has one
    writer at a time, and a connection passed in (tests, benchmark) may not
    be shareable between threads.
    """
    if connection is not None or db_connection.vendor == "sqlite" or db_connection.in_atomic_block:
        return 1
    return policy.send_threads


def deliver(
    plans: list[RecipientPlan],
    *,
    today: datetime.date,
    policy: Policy,
    connection,
    summary: SweepSummary,
    abandoned_before: datetime.datetime | None = None,
    heartbeat: "runs.Heartbeat | None" = None,
) -> None:
    threads = min(send_threads(policy, connection), max(1, len(plans)))
    extra = {"abandoned_before": abandoned_before, "heartbeat": heartbeat}
    if threads == 1:
        covered = _deliver_share(plans, today=today, policy=policy, connection=connection, summary=summary, **extra)
    else:
        shares = [plans[i::threads] for i in range(threads)]
        partial = [SweepSummary(today=today) for _ in shares]
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="reminders") as pool:
            futures = [
                pool.submit(_deliver_in_thread, share, today=today, policy=policy, summary=part, **extra)
                for share, part in zip(shares, partial, strict=True)
            ]
            covered = set().union(*(future.result() for future in futures))
        for part in partial:
            summary.recipients += part.recipients
            summary.emails_sent += part.emails_sent
            summary.emails_failed += part.emails_failed
            summary.in_progress_elsewhere += part.in_progress_elsewhere
            summary.failures += part.failures
    summary.directives_covered = len(covered)


def _deliver_in_thread(plans, **kwargs) -> set[int]:
    try:
        return _deliver_share(plans, connection=None, **kwargs)
    finally:
        db_connections.close_all()  # this thread's own database connections


def _deliver_share(
    plans: list[RecipientPlan],
    *,
    today: datetime.date,
    policy: Policy,
    connection,
    summary: SweepSummary,
    abandoned_before=None,
    heartbeat=None,
) -> set[int]:
    connection = connection or get_connection()
    covered: set[int] = set()
    connection.open()  # one SMTP connection for all of this sender's digests
    try:
        for start in range(0, len(plans), CLAIM_BATCH):
            batch = plans[start : start + CLAIM_BATCH]
            if heartbeat is not None:
                heartbeat.beat()  # before the claim: a claim is never younger than the beat before it + its interval
            token, claimed_by = claim_batch(
                plans=[(plan.email, plan.new, plan.retry) for plan in batch],
                sweep_date=today,
                policy=policy,
                abandoned_before=abandoned_before,
            )
            for plan in batch:
                claimed = claimed_by[plan.email]
                if not claimed:
                    summary.in_progress_elsewhere += len(plan.wanted)
                    continue
                if heartbeat is not None:
                    heartbeat.beat()  # at most every few seconds: shows the sweep alive while a batch goes out
                result = send_claimed(
                    token=token,
                    recipient=plan.email,
                    language=plan.language,
                    claimed=claimed,
                    today=today,
                    policy=policy,
                    connection=connection,
                )
                summary.recipients += 1
                if result.sent:
                    summary.emails_sent += 1
                    covered |= result.directive_ids
                else:
                    summary.emails_failed += 1
                    summary.failures.append((plan.email, result.error))
    finally:
        connection.close()
    return covered


def retry_failed(today: datetime.date | None = None, *, connection=None, policy: Policy | None = None) -> SweepSummary:
    """Resend digests whose backoff has passed, and claims a crashed worker left behind.

    Only on working days. A reminder whose directive has closed meanwhile is
    marked obsolete instead of sent.
    """
    today = today or timezone.localdate()
    policy = policy or Policy.from_settings()
    summary = SweepSummary(today=today)
    if not WorkingCalendar().is_working_day(today):
        summary.working_day = False
        return summary
    due = list(
        Delivery.objects.filter(retryable(policy, timezone.now()), notification__isnull=True)
        .exclude(recipient="")
        .values_list("pk", "directive_id", "share_id", "recipient", "kind", "occurrence", "due_key", "slot_date")
    )
    if not due:
        return summary
    rows = {
        (row["id"], None): {**row, "share_id": None}
        for row in Directive.objects.filter(pk__in={d[1] for d in due if d[2] is None})
        .order_by()
        .values(*selectors.DIRECTIVE_FIELDS, "state")
    }
    for row in selectors.share_rows(
        Share.objects.filter(pk__in={d[2] for d in due if d[2] is not None}), "state", "directive__state"
    ):
        # A share is owed reminders while both it and its directive are open.
        row["state"] = row["state"] if row.pop("directive__state") == State.OPEN else State.CANCELLED
        rows[(row["id"], row["share_id"])] = row
    closed = [pk for pk, directive_id, share_id, *_ in due if rows[(directive_id, share_id)]["state"] != State.OPEN]
    if closed:
        Delivery.objects.filter(pk__in=closed).update(outcome=Outcome.OBSOLETE, claim=None)
    audience = Audience()
    plans: dict[str, RecipientPlan] = {}
    for _pk, directive_id, share_id, recipient, kind, occurrence, due_key, slot_date in due:
        row = rows[(directive_id, share_id)]
        if row["state"] != State.OPEN:
            continue
        plan = plans.setdefault(recipient, RecipientPlan(email=recipient, language=audience.language(recipient)))
        plan.retry.append(
            Wanted(directive_id, kind, occurrence, due_key, slot_date, make_item(row, kind, today), share_id=share_id)
        )
    deliver([plans[e] for e in sorted(plans)], today=today, policy=policy, connection=connection, summary=summary)
    return summary

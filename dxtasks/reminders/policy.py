"""Which reminder a directive is owed on a given working day.

Every reminder is a *slot*: a kind, an occurrence and a target day in a
sequence (30, 7, 1 days before the due date and the due day itself; then
weekly once overdue; escalation weekly after 14 days overdue; quarterly for
ongoing directives, or as often as their deadline says — "định kỳ hằng
tháng" monthly, "báo cáo 6 tháng một lần" half-yearly; weekly for "asap" ones until their first progress
report). A slot due on a weekend or holiday goes out on the working day
before, except that an overdue or escalation slot never goes out before the
directive is actually that late (then it waits for the next working day).

A sweep on day T sends, for each sequence, only the latest slot whose send
day is on or before T and that has not been delivered yet. So a missed day
is caught up by the next sweep, once, and a week of downtime does not
produce a burst of stale reminders. Slots whose target day is before the
directive was assigned are not owed.
"""

import datetime
from dataclasses import dataclass, replace

from django.conf import settings

from dxtasks.directives.deadlines import RECURRENCE_MONTHS

from .models import Kind
from .workdays import WorkingCalendar


@dataclass(frozen=True)
class Policy:
    days_before: tuple[int, ...]
    overdue_every_days: int
    escalate_after_days: int
    ongoing_every_months: int
    asap_every_days: int
    sweep_cron: str
    max_attempts: int
    retry_backoff_minutes: int
    retry_every_minutes: int
    claim_lease_minutes: int
    send_threads: int
    sweep_deadline_minutes: int
    sweep_dead_after_seconds: float
    digest_max_items: int
    keep_deliveries_days: int

    @classmethod
    def from_settings(cls) -> "Policy":
        """settings.REMINDERS, declared with its defaults in dxtasks/settings.py (README "Settings")."""
        values = settings.REMINDERS
        return cls(
            days_before=tuple(sorted({int(n) for n in values["DAYS_BEFORE"] if int(n) >= 0}, reverse=True)),
            overdue_every_days=max(1, int(values["OVERDUE_EVERY_DAYS"])),
            escalate_after_days=int(values["ESCALATE_AFTER_DAYS"]),
            ongoing_every_months=max(1, int(values["ONGOING_EVERY_MONTHS"])),
            asap_every_days=max(1, int(values["ASAP_EVERY_DAYS"])),
            sweep_cron=values["SWEEP_CRON"],
            max_attempts=max(1, int(values["MAX_ATTEMPTS"])),
            retry_backoff_minutes=int(values["RETRY_BACKOFF_MINUTES"]),
            retry_every_minutes=max(1, int(values["RETRY_EVERY_MINUTES"])),
            claim_lease_minutes=int(values["CLAIM_LEASE_MINUTES"]),
            send_threads=max(1, int(values["SEND_THREADS"])),
            sweep_deadline_minutes=max(0, int(values["SWEEP_DEADLINE_MINUTES"])),
            sweep_dead_after_seconds=max(1.0, float(values["SWEEP_DEAD_AFTER_SECONDS"])),
            digest_max_items=max(0, int(values["DIGEST_MAX_ITEMS"])),
            keep_deliveries_days=max(1, int(values["KEEP_DELIVERIES_DAYS"])),
        )


@dataclass(frozen=True)
class Slot:
    kind: str
    occurrence: str
    due_key: str
    target: datetime.date  # the day the policy names
    send_on: datetime.date  # that day moved onto a working day

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.occurrence, self.due_key)


@dataclass(frozen=True)
class DirectiveFacts:
    """What the policy needs to know about one open directive."""

    assigned_on: datetime.date
    due_date: datetime.date | None
    precision: str
    has_progress: bool
    recurrence: str | None = None  # a periodic ongoing directive's "monthly", "quarterly" …


def _send_day(calendar: WorkingCalendar, target: datetime.date, not_before: datetime.date | None = None):
    day = calendar.on_or_before(target)
    if not_before is not None and day < not_before:
        day = calendar.on_or_after(target)
    return day


def _latest_periodic(calendar, *, first: datetime.date, every: int, today: datetime.date, not_before=None):
    """Index (1-based) and send day of the latest slot first + (n-1)*every sent by `today`."""
    if first - datetime.timedelta(days=MAX_SHIFT) > today:
        return None
    # A slot can move back by at most MAX_SHIFT days, so look a little past today.
    n = max(1, (today - first).days // every + 1 + MAX_SHIFT // every + 1)
    while n >= 1:
        target = first + datetime.timedelta(days=(n - 1) * every)
        send_on = _send_day(calendar, target, not_before)
        if send_on <= today:
            return n, target, send_on
        n -= 1
    return None


MAX_SHIFT = 20  # see workdays.MAX_DAYS_OFF_IN_A_ROW


def owner_slot(facts: DirectiveFacts, today: datetime.date, calendar: WorkingCalendar, policy: Policy) -> Slot | None:
    """The latest reminder for the directive's owner (or agency contact) due by `today`."""
    if facts.precision == "ongoing":
        return _ongoing_slot(facts, today, calendar, policy)
    if facts.precision == "asap":
        if facts.has_progress:
            return None
        found = _latest_periodic(
            calendar,
            first=facts.assigned_on + datetime.timedelta(days=policy.asap_every_days),
            every=policy.asap_every_days,
            today=today,
        )
        if found is None:
            return None
        n, target, send_on = found
        return Slot(Kind.PROGRESS, f"asap-{n}", "", target, send_on)
    due = facts.due_date
    if due is None:
        return None
    due_key = due.isoformat()
    best: Slot | None = None
    overdue = _latest_periodic(
        calendar,
        first=due + datetime.timedelta(days=1),
        every=policy.overdue_every_days,
        today=today,
        not_before=due + datetime.timedelta(days=1),
    )
    if overdue is not None:
        n, target, send_on = overdue
        best = Slot(Kind.OVERDUE, str(n), due_key, target, send_on)
    else:
        for days in policy.days_before:  # largest first; keep the latest that is due
            target = due - datetime.timedelta(days=days)
            send_on = _send_day(calendar, target)
            if send_on <= today:
                kind = Kind.DUE if days == 0 else Kind.BEFORE
                best = Slot(kind, str(days), due_key, target, send_on)
    if best is None or best.target < facts.assigned_on:
        return None
    return best


def escalation_slot(
    facts: DirectiveFacts, today: datetime.date, calendar: WorkingCalendar, policy: Policy
) -> Slot | None:
    """Weekly while overdue by more than ESCALATE_AFTER_DAYS; cannot be muted."""
    if facts.due_date is None or facts.precision in ("ongoing", "asap"):
        return None
    first = facts.due_date + datetime.timedelta(days=policy.escalate_after_days + 1)
    found = _latest_periodic(calendar, first=first, every=policy.overdue_every_days, today=today, not_before=first)
    if found is None:
        return None
    n, target, send_on = found
    return Slot(Kind.ESCALATION, str(n), facts.due_date.isoformat(), target, send_on)


def ongoing_months(recurrence: str | None, policy: Policy) -> int:
    """How many months apart an ongoing directive is asked for progress."""
    return RECURRENCE_MONTHS.get(recurrence or "", policy.ongoing_every_months)


def _ongoing_slot(facts, today, calendar, policy) -> Slot | None:
    """A progress request at the start of every period (its recurrence, else ONGOING_EVERY_MONTHS),
    counted from January."""
    months = ongoing_months(facts.recurrence, policy)
    # Start from the period after today's (its first day may move back before today).
    index = (today.year * 12 + today.month - 1) // months * months + months
    for _ in range(3):
        target = datetime.date(index // 12, index % 12 + 1, 1)
        send_on = _send_day(calendar, target)
        if send_on <= today:
            if target < facts.assigned_on:
                return None
            return Slot(Kind.PROGRESS, f"{target:%Y-%m}", "", target, send_on)
        index -= months
    return None


class SlotsOfTheDay:
    """`owner_slot` and `escalation_slot` for one sweep day, worked out once per deadline.

    A sweep asks for ~40,000 rows, but their slots depend on far fewer things:
    a dated row's on its due date (and its precision), an ongoing one's on its
    recurrence, an "asap" one's on its assignment day. Only the final "not
    before the directive was assigned" test is the row's own, so it is applied
    to the remembered slot (a slot is the same value whoever asks). The
    policy's part of a second sweep at 100,000 directives went from 0.55 s
    to 0.10 s. The answers are those of the two functions (tests compare them).
    """

    def __init__(self, today: datetime.date, calendar: WorkingCalendar, policy: Policy):
        self.today, self.calendar, self.policy = today, calendar, policy
        self._owner: dict[tuple, Slot | None] = {}
        self._escalation: dict[tuple, Slot | None] = {}

    def owner(self, facts: DirectiveFacts) -> Slot | None:
        if facts.precision == "asap":
            if facts.has_progress:
                return None
            key = ("asap", facts.assigned_on)  # its first slot counts from the assignment
        elif facts.precision == "ongoing":
            key = ("ongoing", facts.recurrence)
        else:
            key = (facts.precision, facts.due_date)
        if key not in self._owner:
            # Worked out for any assignment day (the earliest); the row's own is tested below.
            general = facts if facts.precision == "asap" else replace(facts, assigned_on=datetime.date.min)
            self._owner[key] = owner_slot(general, self.today, self.calendar, self.policy)
        slot = self._owner[key]
        if slot is None or slot.target < facts.assigned_on:
            return None
        return slot

    def escalation(self, facts: DirectiveFacts) -> Slot | None:
        key = (facts.precision in ("ongoing", "asap"), facts.due_date)
        if key not in self._escalation:
            self._escalation[key] = escalation_slot(facts, self.today, self.calendar, self.policy)
        return self._escalation[key]

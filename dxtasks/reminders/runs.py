"""The record of each day's sweep, and the self-healing that reads it.

`started(day)` and `finished(run, summary)` bracket a sweep; `Heartbeat`
shows it is alive while digests go out. The retry job (every 15 minutes)
calls `heal(day)`: if the day's sweep has not finished by its deadline
(`SWEEP_DEADLINE_MINUTES` after the scheduled time) and no live sweep is on
it — it never started (the broker lost the task, the cluster was down) or its
heartbeat stopped (its worker was killed) — the retry job runs it, taking
over the dead sweep's claims. The claims make this safe: what was sent is
not sent again, whoever runs the sweep.
"""

import datetime
import threading
import time

from croniter import croniter
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from .models import Delivery, Outcome, SweepRun
from .policy import Policy
from .workdays import WorkingCalendar


def scheduled_at(day: datetime.date, policy: Policy) -> datetime.datetime | None:
    """When the schedule fires on `day` (its first time that day, local time), or None if it does not."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    fire = croniter(policy.sweep_cron, start - datetime.timedelta(seconds=1)).get_next(datetime.datetime)
    return fire if timezone.localtime(fire).date() == day else None


def heartbeat_every(policy: Policy) -> float:
    return max(0.5, min(10.0, policy.sweep_dead_after_seconds / 5))


def started(day: datetime.date, trigger: str) -> SweepRun:
    now = timezone.now()
    try:
        with transaction.atomic():
            run, created = SweepRun.objects.get_or_create(
                day=day, defaults={"started_at": now, "heartbeat_at": now, "trigger": trigger, "runs": 1}
            )
    except IntegrityError:  # another sweep of the same day recorded it first
        run, created = SweepRun.objects.get(day=day), False
    if not created:
        SweepRun.objects.filter(pk=run.pk).update(runs=F("runs") + 1, heartbeat_at=now, trigger=trigger, error="")
        run.refresh_from_db()
    return run


def finished(run: SweepRun) -> None:
    """Mark the day done with the day's figures, read from the deliveries.

    Read, not added up from this run: a run killed mid-way never reports, and
    what it sent before dying counts for the day.
    """
    addressed = ~Q(recipient="")
    sent = addressed & Q(outcome=Outcome.SENT)
    # One pass over the day's deliveries for all five figures (five counts were 0.1 s of a 1.3 s second sweep).
    figures = Delivery.objects.filter(sweep_date=run.day).aggregate(
        recipients=Count("recipient", distinct=True, filter=addressed),
        emails_sent=Count("recipient", distinct=True, filter=sent),
        emails_failed=Count(
            "recipient", distinct=True, filter=addressed & Q(outcome__in=[Outcome.FAILED, Outcome.GAVE_UP])
        ),
        directives_covered=Count("directive_id", distinct=True, filter=sent),
        no_recipient=Count("pk", filter=Q(outcome=Outcome.NO_RECIPIENT)),
    )
    SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), heartbeat_at=timezone.now(), **figures)


def failed(run: SweepRun, exc: BaseException) -> None:
    """A sweep that raised stays unfinished (the retry job runs it again) and says why."""
    SweepRun.objects.filter(pk=run.pk).update(error=f"{type(exc).__name__}: {exc}"[:2000])


class Heartbeat:
    """Refreshes the run's `heartbeat_at`, at most every few seconds, from any sending thread."""

    def __init__(self, run: SweepRun, policy: Policy):
        self.run_id, self.every = run.pk, heartbeat_every(policy)
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def beat(self) -> None:
        with self.lock:
            if time.monotonic() - self.last < self.every:
                return
            self.last = time.monotonic()
        SweepRun.objects.filter(pk=self.run_id).update(heartbeat_at=timezone.now())


def owed(
    day: datetime.date, policy: Policy, now: datetime.datetime | None = None
) -> tuple[bool, datetime.datetime | None]:
    """Whether the retry job must run `day`'s sweep now, and before when claims are abandoned.

    Owed when `day` is a working day whose schedule time plus the deadline has
    passed, its sweep has not finished, and no sweep is alive on it. Claims
    made up to the dead sweep's last heartbeat (plus one heartbeat interval,
    when it may have claimed without beating) are taken over.
    """
    now = now or timezone.now()
    if not WorkingCalendar().is_working_day(day):
        return False, None
    fire = scheduled_at(day, policy)
    if fire is None or now < fire + datetime.timedelta(minutes=policy.sweep_deadline_minutes):
        return False, None
    run = SweepRun.objects.filter(day=day).first()
    if run is None:
        return True, None
    if run.finished_at is not None:
        return False, None
    if now - run.heartbeat_at < datetime.timedelta(seconds=policy.sweep_dead_after_seconds):
        return False, None  # alive: let it finish
    return True, run.heartbeat_at + datetime.timedelta(seconds=heartbeat_every(policy) + 1)


def last_finished() -> SweepRun | None:
    return SweepRun.objects.filter(finished_at__isnull=False).order_by("-day").first()


def expected_day(policy: Policy, now: datetime.datetime | None = None) -> datetime.date | None:
    """The latest working day whose sweep should be finished by now (healing included), within a month."""
    now = now or timezone.now()
    calendar = WorkingCalendar()
    grace = datetime.timedelta(minutes=policy.sweep_deadline_minutes + 2 * policy.retry_every_minutes)
    day = timezone.localtime(now).date()
    for _ in range(31):
        if calendar.is_working_day(day):
            fire = scheduled_at(day, policy)
            if fire is not None and fire + grace <= now:
                return day
        day -= datetime.timedelta(days=1)
    return None


def readiness() -> str:
    """/readyz's "sweep" check: the last finished sweep is not older than the latest day that should have one."""
    policy = Policy.from_settings()
    last = last_finished()
    if last is None and not SweepRun.objects.exists():
        return "no sweep recorded yet"
    expected = expected_day(policy)
    if expected is not None and (last is None or last.day < expected):
        raise RuntimeError(
            f"no finished sweep for {expected.isoformat()} (last finished: {last.day.isoformat() if last else 'none'})"
        )
    return (
        f"last {last.day.isoformat()} finished {timezone.localtime(last.finished_at):%H:%M}, "
        f"{last.emails_sent} sent, {last.emails_failed} failed"
    )

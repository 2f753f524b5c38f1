"""django-q entry points; the schedules are declared in apps.RemindersConfig.schedules()."""

import datetime
import logging

from . import runs
from .policy import Policy
from .sweep import retry_failed, run_sweep

logger = logging.getLogger(__name__)


def daily_sweep(day: str | None = None) -> str:
    """`day` (YYYY-MM-DD) re-runs the sweep as of that day; the schedule passes nothing."""
    summary = run_sweep(datetime.date.fromisoformat(day) if day else None)
    message = (
        f"reminders {summary.today}: {summary.emails_sent} sent, {summary.emails_failed} failed, "
        f"{summary.already_sent} already sent, {len(summary.no_recipient)} without recipient"
        if summary.working_day
        else f"reminders {summary.today}: not a working day, nothing sent"
    )
    logger.info(message)
    return message  # stored as the task's result, visible in the admin


def retry_failed_sends(day: str | None = None) -> str:
    """Every 15 minutes: complete the day's sweep if it is overdue or died, then resend failed digests."""
    today = datetime.date.fromisoformat(day) if day else None
    healed = heal_sweep(today)
    summary = retry_failed(today)
    message = f"reminder retries {summary.today}: {summary.emails_sent} sent, {summary.emails_failed} failed"
    return f"{healed}; {message}" if healed else message


def heal_sweep(day: datetime.date | None = None) -> str:
    """Run the day's sweep from the retry job when it is owed (never started, or its worker died)."""
    from django.utils import timezone

    day = day or timezone.localdate()
    owed, abandoned_before = runs.owed(day, Policy.from_settings())
    if not owed:
        return ""
    logger.warning(
        "reminder sweep of %s %s by its deadline: the retry job completes it",
        day,
        "died before finishing" if abandoned_before else "did not start",
    )
    summary = run_sweep(day, trigger="retry", abandoned_before=abandoned_before)
    message = (
        f"sweep {day} completed by the retry job: {summary.emails_sent} sent, "
        f"{summary.emails_failed} failed, {summary.already_sent} already sent"
    )
    logger.info(message)
    return message


def deliver_notifications(*event_ids) -> str:
    """Enqueued on commit with the new event ids, and run by the schedule with none: delivers all pending."""
    from .notices import deliver_notices

    return str(deliver_notices())


def deliver_daily_notifications() -> str:
    from .notices import deliver_notices

    return str(deliver_notices(daily=True))

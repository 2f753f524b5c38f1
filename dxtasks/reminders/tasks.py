"""django-q entry points; the schedules are declared in apps.RemindersConfig.schedules()."""
import datetime
import logging

from .sweep import retry_failed, run_sweep

logger = logging.getLogger(__name__)


def daily_sweep(day: str | None = None) -> str:
    """`day` (YYYY-MM-DD) re-runs the sweep as of that day; the schedule passes nothing."""
    summary = run_sweep(datetime.date.fromisoformat(day) if day else None)
    message = (
        f"reminders {summary.today}: {summary.emails_sent} sent, {summary.emails_failed} failed, "
        f"{summary.already_sent} already sent, {len(summary.no_recipient)} without recipient"
        if summary.working_day else f"reminders {summary.today}: not a working day, nothing sent"
    )
    logger.info(message)
    return message  # stored as the task's result, visible in the admin


def retry_failed_sends() -> str:
    summary = retry_failed()
    return f"reminder retries {summary.today}: {summary.emails_sent} sent, {summary.emails_failed} failed"


def deliver_notifications(*event_ids) -> str:
    """Enqueued on commit with the new event ids, and run by the schedule with none: delivers all pending."""
    from .notices import deliver_notices

    return str(deliver_notices())


def deliver_daily_notifications() -> str:
    from .notices import deliver_notices

    return str(deliver_notices(daily=True))

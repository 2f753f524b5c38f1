from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dxtasks.directives import hooks
from dxtasks.formats import short_date

SWEEP_SCHEDULE = "dxtasks.reminders.daily_sweep"
RETRY_SCHEDULE = "dxtasks.reminders.retry_failed"
NOTICE_SCHEDULE = "dxtasks.reminders.deliver_notifications"
NOTICE_DAILY_SCHEDULE = "dxtasks.reminders.daily_notifications"
# How often the notification schedule picks up what the on-commit task did not deliver.
NOTICE_EVERY_MINUTES = 5


class RemindersConfig(
    AppConfig, hooks.DeclaresSchedules, hooks.Prunes, hooks.ChecksReadiness, hooks.AddsTimelineEntries
):
    name = "dxtasks.reminders"
    label = "reminders"
    verbose_name = _("Nhắc hạn")

    def ready(self):
        from dxtasks.directives.events import events_committed

        events_committed.connect(enqueue_notifications, dispatch_uid="reminders.enqueue_notifications")

    def schedules(self) -> list[dict]:
        """Registered by `manage.py bootstrap` (update_or_create by name).

        The next run is set to the next cron time, not "now": registering
        must not send a sweep at an odd hour. django-q's catch_up is off
        (Q_CLUSTER); the sweep itself covers missed days.
        """
        import datetime

        from croniter import croniter
        from django.utils import timezone

        from .policy import Policy

        policy = Policy.from_settings()
        now = timezone.localtime()
        return [
            {
                "name": SWEEP_SCHEDULE,
                "func": "dxtasks.reminders.tasks.daily_sweep",
                "schedule_type": "C",
                "cron": policy.sweep_cron,
                "repeats": -1,
                "next_run": croniter(policy.sweep_cron, now).get_next(type(now)),
            },
            {
                "name": RETRY_SCHEDULE,
                "func": "dxtasks.reminders.tasks.retry_failed_sends",
                "schedule_type": "I",
                "minutes": policy.retry_every_minutes,
                "repeats": -1,
                "next_run": now + datetime.timedelta(minutes=policy.retry_every_minutes),
            },
            {
                # Leftovers: events whose on-commit task never ran (a crash, a broker outage), retries.
                "name": NOTICE_SCHEDULE,
                "func": "dxtasks.reminders.tasks.deliver_notifications",
                "schedule_type": "I",
                "minutes": NOTICE_EVERY_MINUTES,
                "repeats": -1,
                "next_run": now + datetime.timedelta(minutes=NOTICE_EVERY_MINUTES),
            },
            {
                # The daily email of those who chose it, with the morning's reminders.
                "name": NOTICE_DAILY_SCHEDULE,
                "func": "dxtasks.reminders.tasks.deliver_daily_notifications",
                "schedule_type": "C",
                "cron": policy.sweep_cron,
                "repeats": -1,
                "next_run": croniter(policy.sweep_cron, now).get_next(type(now)),
            },
        ]

    def prune(self, today) -> dict[str, int]:
        """Weekly (operations.pruning): deliveries and sweep records older than KEEP_DELIVERIES_DAYS."""
        import datetime

        from .models import Delivery, SweepRun
        from .policy import Policy

        before = today - datetime.timedelta(days=Policy.from_settings().keep_deliveries_days)
        deliveries, _ = Delivery.objects.filter(sweep_date__lt=before).delete()
        runs, _ = SweepRun.objects.filter(day__lt=before).delete()
        return {"reminder deliveries": deliveries, "sweep records": runs}

    def readiness_checks(self) -> dict:
        """Collected by /readyz: the day's sweep ran (operations.health)."""
        from .runs import readiness

        return {"sweep": readiness}

    def timeline_entries(self, directive) -> list[dict]:
        """Reminders of this directive for its page's history (collected by the portal)."""
        from .models import Delivery, Kind, Outcome

        entries = []
        for delivery in Delivery.objects.filter(directive=directive).exclude(outcome=Outcome.PENDING):
            who = delivery.recipient or _("không có người nhận")
            # The day the reminder was for (a sweep run for another day says so), not only when it ran.
            text = (
                _("Email thông báo gửi %(who)s") % {"who": who}
                if delivery.kind == Kind.NOTICE
                else _("Nhắc hạn ngày %(day)s: %(kind)s gửi %(who)s")
                % {"day": short_date(delivery.slot_date), "kind": delivery.get_kind_display(), "who": who}
            )
            # "No recipient" says it all in the reader's language; a send error is the mail server's own text.
            detail = delivery.error and delivery.outcome not in (Outcome.SENT, Outcome.NO_RECIPIENT)
            entries.append(
                {
                    "at": delivery.sent_at or delivery.created_at,
                    "kind": "reminder",
                    "text": text,
                    "outcome": delivery.get_outcome_display() + (f" ({delivery.error[:200]})" if detail else ""),
                }
            )
        return entries


def enqueue_notifications(sender, event_ids, **kwargs) -> None:
    """After a commit that recorded events: deliver now in a worker. If the queue refuses, the
    schedule delivers them within NOTICE_EVERY_MINUTES; the outbox rows are the truth."""
    import logging

    try:
        from django_q.tasks import async_task

        async_task(
            "dxtasks.reminders.tasks.deliver_notifications", *event_ids, task_name=f"notifications {event_ids[0]}"
        )
    except Exception:  # the web request must not fail after its change committed
        logging.getLogger(__name__).exception("could not enqueue notification delivery for events %s", event_ids)

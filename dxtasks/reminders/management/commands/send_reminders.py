"""The daily reminder sweep from the command line (the django-q schedule runs the same code)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dxtasks.reminders.digest import describe_days, merge_items
from dxtasks.reminders.sweep import run_sweep


def parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date: {value!r} is not a date in the form YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Send today's reminder digests (one per recipient, each reminder once). --dry-run records nothing."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=parse_date, help="treat this day (YYYY-MM-DD) as today")
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would go to whom; send and record nothing"
        )
        parser.add_argument(
            "--really-send",
            action="store_true",
            help="with a --date after today: send and record anyway (otherwise refused)",
        )

    def handle(self, *args, date=None, dry_run=False, really_send=False, **options):
        today = date or timezone.localdate()
        if today > timezone.localdate() and not dry_run and not really_send:
            # A future day would send reminders not yet owed — escalations to a ministry's leadership
            # included — and leave permanent "overdue" history on directives still within their deadline.
            raise CommandError(
                f"--date {today:%Y-%m-%d} is after today ({timezone.localdate():%Y-%m-%d}): that would send and "
                "record reminders that are not owed yet. Add --dry-run to see what would go out, or "
                "--really-send if you mean it."
            )
        summary = run_sweep(today, dry_run=dry_run, trigger="command")
        out = self.stdout
        if not summary.working_day:
            out.write(
                f"{today:%Y-%m-%d} is not a working day in Vietnam: nothing sent "
                "(what falls on it went out on the working day before)."
            )
            return
        if dry_run:
            out.write(f"Dry run for {today:%Y-%m-%d}: nothing sent, nothing recorded.")
            for plan in summary.plans:
                items = merge_items([w.item for w in plan.wanted])
                out.write(f"  {plan.email} [{plan.language}]: {len(items)} directive(s)")
                for item in sorted(items, key=lambda i: i.reference):
                    flag = " ESCALATION" if item.escalated else ""
                    out.write(f"    - {item.reference} ({item.group}, {describe_days(item)}){flag}")
        verb = "would receive" if dry_run else "received"
        out.write(f"Reminders for {today:%Y-%m-%d}:")
        out.write(f"  recipients {verb} a digest: {summary.recipients}")
        out.write(f"  emails sent: {summary.emails_sent}")
        if summary.emails_failed:
            out.write(self.style.WARNING(f"  emails failed (will be retried): {summary.emails_failed}"))
            for email, error in summary.failures:
                out.write(f"    - {email}: {error}")
        out.write(f"  directives covered: {summary.directives_covered}")
        out.write(f"  skipped, already sent: {summary.already_sent}")
        if summary.waiting_retry:
            out.write(f"  failed earlier, waiting for their retry: {summary.waiting_retry}")
        if summary.in_progress_elsewhere:
            out.write(f"  skipped, being sent by another worker: {summary.in_progress_elsewhere}")
        if summary.muted or summary.deferred_weekly:
            out.write(f"  muted by recipient: {summary.muted}; held for a weekly digest: {summary.deferred_weekly}")
        if summary.no_recipient:
            out.write(
                self.style.WARNING(
                    f"  no recipient (no owner email, no agency contact): {len(summary.no_recipient)}: "
                    + ", ".join(summary.no_recipient[:50])
                    + (" …" if len(summary.no_recipient) > 50 else "")
                )
            )

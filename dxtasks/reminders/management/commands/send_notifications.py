"""Deliver the workflow notifications pending now (the django-q task and schedule run the same code)."""

from django.core.management.base import BaseCommand

from dxtasks.reminders.notices import deliver_notices


class Command(BaseCommand):
    help = (
        "Send the workflow notifications not delivered yet (each exactly once). --daily also sends the "
        "daily emails of those who chose them (working days)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--daily", action="store_true", help="also send the held daily emails")

    def handle(self, *args, daily=False, **options):
        summary = deliver_notices(daily=daily)
        self.stdout.write(str(summary))
        for address, error in summary.failures:
            self.stdout.write(f"  failed: {address}: {error}")

"""Set up or upgrade an installation: safe to run on every deploy.

Migrates, creates the cache table, loads the reference data that is missing
(agencies, provinces, meetings, the seed directives), and registers the
background schedules that the apps declare. `--demo` adds demo accounts and
directives. Running it twice changes nothing.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dxtasks.directives import hooks
from dxtasks.directives.demo import create_demo
from dxtasks.directives.fixtures import FixtureError, load_missing


def declared_schedules() -> list[dict]:
    """Schedules declared by apps (hooks.DeclaresSchedules).

    Each item holds Schedule fields and must have a unique "name". Collected
    here so the domain app never imports the apps that run jobs.
    """
    return [spec for config in hooks.implementing(hooks.DeclaresSchedules) for spec in config.schedules()]


def register_schedules() -> list[tuple[str, bool]]:
    from django_q.models import Schedule

    results = []
    with transaction.atomic():
        for spec in declared_schedules():
            spec = dict(spec)
            name = spec.pop("name")
            # Schedule.name is not unique in the database: update_or_create keeps one row per name.
            _, created = Schedule.objects.update_or_create(name=name, defaults=spec)
            results.append((name, created))
    return results


class Command(BaseCommand):
    help = "Migrate, load reference data, register schedules; --demo adds demo accounts and directives."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also create demo accounts and directives")

    def handle(self, *args, demo=False, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        call_command("createcachetable", verbosity=max(verbosity - 1, 0))
        try:
            inserted = load_missing()
        except FixtureError as exc:
            raise CommandError(f"reference data not loaded (nothing was saved): {exc}") from exc
        summary = ", ".join(f"{n} {label}" for label, n in inserted.items()) or "nothing new"
        self.stdout.write(f"Reference data: {summary}.")
        for name, created in register_schedules():
            self.stdout.write(f"Schedule {name!r}: {'registered' if created else 'up to date'}.")
        if demo:
            self.stdout.write("Demo accounts (username / password):")
            for username, password, created in create_demo():
                note = "" if created else " (already existed; password unchanged)"
                self.stdout.write(f"  {username} / {password}{note}")
        self.stdout.write(self.style.SUCCESS("dxtasks is ready."))

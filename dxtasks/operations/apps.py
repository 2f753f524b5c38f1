from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dxtasks.directives import hooks

PRUNE_SCHEDULE = "dxtasks.operations.prune"


class OperationsConfig(AppConfig, hooks.DeclaresSchedules):
    """Running dxtasks in production: health endpoints, deploy checks, log format, pruning."""

    name = "dxtasks.operations"
    label = "operations"
    verbose_name = _("Vận hành")

    def schedules(self) -> list[dict]:
        """Registered by `manage.py bootstrap`: the weekly pruning, Sundays at 03:00 (PRUNE_CRON)."""
        from croniter import croniter
        from django.conf import settings
        from django.utils import timezone

        now = timezone.localtime()
        return [
            {
                "name": PRUNE_SCHEDULE,
                "func": "dxtasks.operations.tasks.weekly_prune",
                "schedule_type": "C",
                "cron": settings.PRUNE_CRON,
                "repeats": -1,
                "next_run": croniter(settings.PRUNE_CRON, now).get_next(type(now)),
            }
        ]

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)

import logging

from django.apps import AppConfig

from dxtasks.directives import hooks


class BriefingsConfig(AppConfig, hooks.Prunes):
    name = "dxtasks.briefings"
    label = "briefings"

    def prune(self, today) -> dict[str, int]:
        """Weekly (operations.pruning): stored files no briefing refers to (a briefing deleted in the admin)."""
        from .models import StoredBriefing, StoredFile

        orphans, _ = StoredFile.objects.exclude(name__in=StoredBriefing.objects.values("file")).delete()
        return {"orphaned briefing files": orphans}

    def ready(self):
        # WeasyPrint logs each layout step at INFO ("Step 5 - Creating layout - Page 12"),
        # some at import time; the root logger is at INFO, so quiet that one logger
        # unless settings.LOGGING configured it.
        progress = logging.getLogger("weasyprint.progress")
        if progress.level == logging.NOTSET:
            progress.setLevel(logging.WARNING)

import logging

from django.apps import AppConfig


class BriefingsConfig(AppConfig):
    name = "dxtasks.briefings"
    label = "briefings"

    def ready(self):
        # WeasyPrint logs each layout step at INFO ("Step 5 - Creating layout - Page 12"),
        # some at import time; the root logger is at INFO, so quiet that one logger
        # unless settings.LOGGING configured it.
        progress = logging.getLogger("weasyprint.progress")
        if progress.level == logging.NOTSET:
            progress.setLevel(logging.WARNING)

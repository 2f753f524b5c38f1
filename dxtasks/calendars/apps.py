from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "dxtasks.calendars"
    label = "calendars"

    def ready(self):
        from . import signals  # noqa: F401  (revoke a deactivated user's feeds)

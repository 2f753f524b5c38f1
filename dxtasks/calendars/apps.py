from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "dxtasks.calendars"
    label = "calendars"

    def ready(self):
        from . import signals  # noqa: F401  (revoke a deactivated user's feeds)

    def navigation_entries(self) -> list:
        """The subscription page in the main navigation (the feeds themselves are not pages)."""
        from dxtasks.layout.navigation import Entry

        return [Entry("calendars:subscribe", _("Lịch"), order=70)]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dxtasks.layout.navigation import Entry, RegistersNavigation


class CalendarsConfig(AppConfig, RegistersNavigation):
    name = "dxtasks.calendars"
    label = "calendars"

    def ready(self):
        from . import signals  # noqa: F401  (revoke a deactivated user's feeds)

    def navigation_entries(self) -> list[Entry]:
        """The subscription page in the main navigation (the feeds themselves are not pages)."""
        return [Entry("calendars:subscribe", _("Lịch"), order=70)]

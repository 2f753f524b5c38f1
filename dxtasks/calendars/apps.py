from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "dxtasks.calendars"
    label = "calendars"

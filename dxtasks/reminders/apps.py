from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "dxtasks.reminders"
    label = "reminders"

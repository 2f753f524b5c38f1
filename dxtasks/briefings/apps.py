from django.apps import AppConfig


class BriefingsConfig(AppConfig):
    name = "dxtasks.briefings"
    label = "briefings"

from django.apps import AppConfig


class LayoutConfig(AppConfig):
    name = "dxtasks.layout"
    label = "layout"

    def ready(self):
        from . import navigation  # noqa: F401  (declares its hook, navigation_entries())

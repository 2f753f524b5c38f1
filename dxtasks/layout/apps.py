from django.apps import AppConfig


class LayoutConfig(AppConfig):
    name = "dxtasks.layout"
    label = "layout"

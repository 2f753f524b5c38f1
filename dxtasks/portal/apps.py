from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dxtasks.portal"
    label = "portal"

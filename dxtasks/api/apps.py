from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dxtasks.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from . import signals  # noqa: F401  (revoke a deactivated user's tokens)

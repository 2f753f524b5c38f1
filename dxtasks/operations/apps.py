from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running dxtasks in production: health endpoints, deploy checks, log format, pruning."""

    name = "dxtasks.operations"
    label = "operations"
    verbose_name = _("Vận hành")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)

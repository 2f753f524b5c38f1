from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "dxtasks.directives"
    label = "directives"
    verbose_name = _("Nhiệm vụ")

    def ready(self):
        from . import signals  # noqa: F401  (fixture validation on raw saves)

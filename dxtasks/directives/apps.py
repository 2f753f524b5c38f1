from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_search_index(sender, using, **kwargs):
    """After every migrate: SQLite rebuilds a table to alter it, which drops its triggers; put them back."""
    from django.db import connections

    from .search import DIRECTIVE_TABLE, install_search_index

    connection = connections[using]
    if DIRECTIVE_TABLE in connection.introspection.table_names():
        install_search_index(connection)


class DirectivesConfig(AppConfig):
    name = "dxtasks.directives"
    label = "directives"
    verbose_name = _("Nhiệm vụ")

    def ready(self):
        from . import signals  # noqa: F401  (fixture validation on raw saves)

        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="directives.ensure_search_index")

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dxtasks.portal"
    label = "portal"

    def ready(self):
        from django.db.models.signals import post_delete

        from dxtasks.directives.models import Directive

        from .dashboard import directive_deleted

        post_delete.connect(directive_deleted, sender=Directive, dispatch_uid="portal.directive_deleted")

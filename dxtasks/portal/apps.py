from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dxtasks.layout.navigation import Entry, RegistersNavigation


class PortalConfig(AppConfig, RegistersNavigation):
    name = "dxtasks.portal"
    label = "portal"

    def ready(self):
        from django.db.models.signals import post_delete

        from dxtasks.directives.models import Directive

        from .dashboard import directive_deleted

        post_delete.connect(directive_deleted, sender=Directive, dispatch_uid="portal.directive_deleted")

    def navigation_entries(self) -> list[Entry]:
        """The portal's links in the main navigation; the worklist count is context.worklist's."""
        from dxtasks.accounts.roles import can_manage

        return [
            Entry("portal:dashboard", _("Tổng quan"), order=10),
            Entry(
                "portal:inbox",
                pgettext_lazy("menu", "Việc cần xử lý"),
                order=20,
                count="worklist_count",
                count_label=_("%(n)s việc"),
            ),
            Entry("portal:register", pgettext_lazy("menu", "Nhiệm vụ"), order=30),
            Entry("portal:meetings", pgettext_lazy("menu", "Phiên họp"), order=40),
            Entry("portal:agencies", pgettext_lazy("menu", "Cơ quan"), order=50),
            Entry("portal:import", _("Nhập từ tệp"), order=60, shown_to=can_manage),
        ]

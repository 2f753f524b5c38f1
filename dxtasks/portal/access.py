"""Refusals that say why: each check raises PermissionDenied with a message.

The 403 page shows the message (Django passes it as `exception`), so a
focal point learns *why* a button is missing or a request was refused. The
decisions themselves are `dxtasks.accounts.roles`; this module only words them.
"""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from dxtasks.accounts import roles


def require_manage(user) -> None:
    if not roles.can_manage(user):
        raise PermissionDenied(
            _("Chỉ Thư ký Ủy ban được tạo, sửa, nhập, duyệt gia hạn, xác nhận hoàn thành hoặc hủy nhiệm vụ.")
        )


def require_report(user, directive) -> None:
    if not roles.can_report_on(user, directive):
        raise PermissionDenied(
            _("Chỉ đầu mối của cơ quan chủ trì hoặc phối hợp nhiệm vụ %(ref)s (hoặc Thư ký Ủy ban) "
              "được báo cáo tiến độ, đề nghị gia hạn và gửi xác nhận hoàn thành.") % {"ref": directive.reference}
        )


def require_withdraw(user, request) -> None:
    if not roles.can_withdraw_request(user, request):
        raise PermissionDenied(_("Chỉ người đã gửi đề nghị gia hạn (hoặc Thư ký Ủy ban) được rút lại đề nghị."))


def require_report_on_share(user, share) -> None:
    if not roles.can_report_on_share(user, share):
        raise PermissionDenied(
            _("Chỉ đầu mối của %(agency)s (hoặc Thư ký Ủy ban) được báo cáo tiến độ, đề nghị gia hạn và gửi "
              "xác nhận hoàn thành trên phần việc của cơ quan này.") % {"agency": share.agency.name_vi}
        )

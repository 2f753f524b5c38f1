"""Refusals that say why: each check raises PermissionDenied with a message.

The 403 page shows the message (Django passes it as `exception`), so a
focal point learns *why* a button is missing or a request was refused. The
decisions themselves are `dxtasks.accounts.roles`; this module only words them.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from dxtasks.accounts import roles
from dxtasks.directives import selectors


def require_manage(user) -> None:
    if not roles.can_manage(user):
        raise PermissionDenied(
            _("Chỉ Thư ký Ủy ban được tạo, sửa, nhập, duyệt gia hạn, xác nhận hoàn thành hoặc hủy nhiệm vụ.")
        )


def require_report(user, directive) -> None:
    if not roles.can_report_on(user, directive):
        raise PermissionDenied(
            _(
                "Chỉ đầu mối của cơ quan chủ trì hoặc phối hợp nhiệm vụ %(ref)s (hoặc Thư ký Ủy ban) "
                "được báo cáo tiến độ, đề nghị gia hạn và gửi xác nhận hoàn thành."
            )
            % {"ref": directive.reference}
        )


def require_withdraw(user, request) -> None:
    if not roles.can_withdraw_request(user, request):
        raise PermissionDenied(_("Chỉ người đã gửi đề nghị gia hạn (hoặc Thư ký Ủy ban) được rút lại đề nghị."))


def require_report_on_share(user, share) -> None:
    if not roles.can_report_on_share(user, share):
        raise PermissionDenied(
            _(
                "Chỉ đầu mối của %(agency)s (hoặc Thư ký Ủy ban) được báo cáo tiến độ, đề nghị gia hạn và gửi "
                "xác nhận hoàn thành trên phần việc của cơ quan này."
            )
            % {"agency": share.agency.name_vi}
        )


class NoSuchShare(Http404):
    """The secretariat named an agency the collective directive is not given to."""


def acting_share(user, directive, code: str = ""):
    """The share an action on `directive` is on; None for a single-lead directive or the whole collective one.

    Shared by the portal (`share=` in the form or the address) and the JSON API
    (`agency=`). The secretariat picks any share by its agency's code (none:
    the directive as a whole; an unknown one: `NoSuchShare`). Anyone else acts on
    their own agency's share; naming another agency's is refused (403,
    nothing written).
    """
    if not directive.is_collective:
        return None
    code = (code or "").strip().upper()
    if roles.can_manage(user):
        if not code:
            return None
        share = directive.shares.filter(agency__code=code).select_related("agency", "owner").first()
        if share is None:
            raise NoSuchShare(_("Nhiệm vụ này không giao cho cơ quan %(code)s.") % {"code": code[:32]})
        return share
    own = selectors.share_for(directive, agency=user.agency_id) if user.is_authenticated else None
    if code and (own is None or own.agency.code != code):
        raise PermissionDenied(_("Chỉ được báo cáo, đề nghị gia hạn và gửi xác nhận trên phần việc của cơ quan mình."))
    return own


def require_report_action(user, directive, share=None) -> None:
    """Report progress, request an extension, submit: on `share` when there is one (see `acting_share`).

    A collective directive as a whole takes only the secretariat's notes.
    """
    if share is not None:
        require_report_on_share(user, share)
    elif not (directive.is_collective and roles.can_manage(user)):
        require_report(user, directive)

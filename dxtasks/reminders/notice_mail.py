"""The email of workflow notifications: Vietnamese with English below, HTML and text, the digests' look.

Each notification becomes one item ("Trần Minh Quân đề nghị gia hạn
UBQG-7/01 đến 30/06/2031"); a recipient gets one email per run with all
their items. Strings are translated here, once per language, and the
section templates (emails/notices/section.*) only place them, inside the
frame of email_frame.py (workers have no request).
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dxtasks.directives.models import EventKind, Notification
from dxtasks.formats import short_date, short_datetime

from . import email_frame
from .digest import directive_url, preferences_url

KIND_COLOURS = {
    EventKind.ASSIGNED: "#175cd3",
    EventKind.EXTENSION_REQUESTED: "#b54708",
    EventKind.EXTENSION_APPROVED: "#067647",
    EventKind.EXTENSION_REJECTED: "#b42318",
    EventKind.SUBMITTED: "#b54708",
    EventKind.COMPLETED: "#067647",
    EventKind.RETURNED: "#b42318",
    EventKind.DEADLINE_CHANGED: "#c4320a",
}


def _day(value: str | None) -> str:
    return short_date(datetime.date.fromisoformat(value)) if value else _("không có hạn")


def _share_reference(event, language: str) -> str:
    """ "UBQG-10/01 (phần việc của BCA)" for an event on one agency's share; the bare reference otherwise."""
    reference = event.directive.reference
    if event.share_id is None:
        return reference
    return _("%(ref)s (phần việc của %(agency)s)") % {
        "ref": reference,
        "agency": event.share.agency.short_name(language),
    }


def _sentence(notification: Notification, language: str = "vi") -> str:
    """What happened, in the active language; on a share, the share's agency is named."""
    event = notification.event
    directive = event.directive
    data = event.data or {}
    agency = event.share.agency if event.share_id else directive.lead_agency
    values = {
        "actor": str(event.actor) if event.actor else _("Thư ký Ủy ban"),
        "ref": _share_reference(event, language),
        "proposed": _day(data.get("proposed_due")),
        "old": _day(data.get("old_due")),
        "new": _day(data.get("new_due")),
        "agency": agency.short_name_vi,
    }
    kind = event.kind
    if kind == EventKind.ASSIGNED:
        if event.share_id:
            values.update(ref=directive.reference, agency=agency.short_name(language))
        return _("%(actor)s giao nhiệm vụ %(ref)s cho %(agency)s.") % values
    if kind == EventKind.EXTENSION_REQUESTED:
        return _("%(actor)s đề nghị gia hạn nhiệm vụ %(ref)s đến %(proposed)s (hạn hiện tại %(old)s).") % values
    if kind == EventKind.EXTENSION_APPROVED:
        return _("%(actor)s đã duyệt gia hạn nhiệm vụ %(ref)s: hạn mới %(new)s (trước đây %(old)s).") % values
    if kind == EventKind.EXTENSION_REJECTED:
        return _("%(actor)s không duyệt đề nghị gia hạn nhiệm vụ %(ref)s đến %(proposed)s; hạn giữ nguyên.") % values
    if kind == EventKind.SUBMITTED:
        return _("%(actor)s gửi nhiệm vụ %(ref)s để Thư ký Ủy ban xác nhận hoàn thành.") % values
    if kind == EventKind.COMPLETED:
        return _("%(actor)s xác nhận nhiệm vụ %(ref)s đã hoàn thành.") % values
    if kind == EventKind.RETURNED:
        return _("%(actor)s trả lại nhiệm vụ %(ref)s để hoàn thiện.") % values
    if kind == EventKind.DEADLINE_CHANGED:
        return _("%(actor)s điều chỉnh thời hạn nhiệm vụ %(ref)s: %(old)s → %(new)s.") % values
    return str(event.get_kind_display())


def _section(language: str, notifications: list[Notification], *, pending: dict | None, today: datetime.date) -> dict:
    with translation.override(language):
        english = language == "en"
        count = len(notifications)
        items = []
        for notification in notifications:
            event = notification.event
            directive = event.directive
            items.append(
                {
                    "heading": str(event.get_kind_display()),
                    "colour": KIND_COLOURS.get(event.kind, "#175cd3"),
                    "reference": _share_reference(event, language),
                    "title": (directive.title_en or directive.title_vi) if english else directive.title_vi,
                    "url": directive_url(directive.public_id)
                    + (f"?share={event.share.agency.code}" if event.share_id else ""),
                    "sentence": _sentence(notification, language),
                    "note": event.note,
                    "when": short_datetime(event.created_at),
                }
            )
        section = {
            "language": language,
            "greeting": _("Kính gửi anh/chị,"),
            "intro": ngettext(
                "Có %(n)s thông báo về nhiệm vụ anh/chị theo dõi:",
                "Có %(n)s thông báo về nhiệm vụ anh/chị theo dõi:",
                count,
            )
            % {"n": count},
            "note_label": _("Ghi chú"),
            "items": items,
            "inbox_hint": _("Xem và xử lý trong mục Việc cần xử lý:"),
            "inbox_url": f"{settings.SITE_URL}/inbox/",
            "preferences_hint": _("Chọn nhận thông báo ngay hay gộp một email mỗi sáng:"),
            "preferences_label": _("tùy chọn nhận email"),
            "automatic": _("Email tự động từ dxtasks, vui lòng không trả lời."),
            "pending": None,
        }
        if pending is not None:
            section["pending"] = {
                "heading": _("Đang chờ Thư ký Ủy ban xử lý (%(day)s)") % {"day": short_date(today)},
                "lines": [
                    ngettext(
                        "%(n)s đề nghị gia hạn chờ duyệt", "%(n)s đề nghị gia hạn chờ duyệt", pending["extensions"]
                    )
                    % {"n": pending["extensions"]},
                    ngettext(
                        "%(n)s nhiệm vụ chờ xác nhận hoàn thành",
                        "%(n)s nhiệm vụ chờ xác nhận hoàn thành",
                        pending["submissions"],
                    )
                    % {"n": pending["submissions"]},
                ],
            }
        return section


def subject_for(notifications: list[Notification], language: str) -> str:
    with translation.override(language):
        if len(notifications) == 1:
            event = notifications[0].event
            return f"[dxtasks] {event.get_kind_display()}: {_share_reference(event, language)}"
        n = len(notifications)
        return "[dxtasks] " + ngettext("%(n)s thông báo công việc", "%(n)s thông báo công việc", n) % {"n": n}


def build_notice_email(
    *,
    recipient: str,
    language: str,
    notifications: list[Notification],
    pending: bool,
    today: datetime.date,
    connection=None,
) -> EmailMultiAlternatives:
    """One email for the claimed notifications; `pending` adds the secretariat's pending-request counts."""
    summary = None
    if pending:
        from dxtasks.directives import worklists

        summary = worklists.pending_requests_counts()
    languages = email_frame.reading_order(language)
    prefs = preferences_url(recipient)
    sections = [_section(lang, notifications, pending=summary, today=today) for lang in languages]
    # The frame is email_frame's; each section after its intro is the notice's own templates.
    return email_frame.message(
        subject=subject_for(notifications, languages[0]),
        text=email_frame.text_page(
            sections, lambda s: render_to_string("emails/notices/section.txt", {"s": s, "preferences_url": prefs})
        ),
        html=email_frame.html_page(
            sections, lambda s: render_to_string("emails/notices/section.html", {"s": s, "preferences_url": prefs})
        ),
        recipient=recipient,
        preferences=prefs,
        connection=connection,
    )

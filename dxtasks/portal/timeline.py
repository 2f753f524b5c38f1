"""A directive's history as one list, newest first.

The domain's own history tables give progress, deadline changes, state
changes, agency transfers, extension requests and the audit trail of edits
(DirectiveChange: who changed which field, old → new). Other apps add theirs
(reminders sent, for instance) by defining `timeline_entries(directive)` on
their AppConfig (directives.hooks.AddsTimelineEntries), returning dicts
{"at", "kind", "text", "outcome"}: the portal asks every installed app and
imports none of them.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dxtasks.directives import hooks
from dxtasks.directives.models import Agency, Directive, DirectiveChange, ExtensionRequest, Meeting, Pillar
from dxtasks.directives.status import start_of_day
from dxtasks.formats import short_date


def _dmy(day: datetime.date | None) -> str:
    return short_date(day) if day else _("không có hạn")


# Long texts: the audit trail keeps both versions, the page says only that they changed.
_LONG_FIELDS = frozenset({"full_text", "outcome"})
_AGENCY_FIELDS = frozenset({"lead_agency", "co_agencies", "shares"})


def _field_label(name: str) -> str:
    if name == "shares":
        return _("cơ quan được giao")
    label = str(Directive._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


class _Names:
    """The audit trail's stable identifiers (codes, usernames, register numbers) named for the reader, fetched
    once for all of a page's entries."""

    def __init__(self, changes: list[DirectiveChange]):
        codes, usernames, numbers = set(), set(), set()
        for change in changes:
            if change.action != DirectiveChange.Action.EDITED:  # a creation is shown without its values
                continue
            for name, value in change.changes.items():
                flat = [v for item in value for v in (item if isinstance(item, list) else [item]) if v is not None]
                if name in _AGENCY_FIELDS:
                    codes.update(flat)
                elif name == "owner":
                    usernames.update(flat)
                elif name == "meeting":
                    numbers.update(flat)
        language = (get_language() or "vi")[:2]
        self.agencies = {a.code: a.short_name(language) for a in Agency.objects.filter(code__in=codes)}
        self.users = {u.username: str(u) for u in get_user_model().objects.filter(username__in=usernames)}
        self.meetings = {m.number: m.label for m in Meeting.objects.filter(number__in=numbers)}

    def value(self, name: str, value) -> str:
        if value in (None, "", []):
            return "—"
        if name in _AGENCY_FIELDS:
            codes = value if isinstance(value, list) else [value]
            return ", ".join(self.agencies.get(code, code) for code in codes)
        if name == "owner":
            return self.users.get(value, value)
        if name == "meeting":
            return self.meetings.get(value, str(value))
        if name == "pillar":
            return str(Pillar(value).label) if value in Pillar.values else value
        if name == "assigned_on":
            return _dmy(datetime.date.fromisoformat(value))
        return f"“{value}”"


def _change_entries(directive: Directive, mine: Q) -> list[dict]:
    changes = list(directive.changes.filter(mine).select_related("changed_by"))
    if not changes:
        return []
    names = _Names(changes)
    entries = []
    for change in changes:
        if change.action == DirectiveChange.Action.CREATED:
            text = _("Nhiệm vụ được ghi vào hệ thống")
        else:
            parts = []
            for name, (old, new) in change.changes.items():
                if name in _LONG_FIELDS:
                    parts.append(_("%(field)s: đã sửa") % {"field": _field_label(name)})
                else:
                    parts.append(f"{_field_label(name)}: {names.value(name, old)} → {names.value(name, new)}")
            text = _("Sửa: %(changes)s") % {"changes": "; ".join(parts)}
        entries.append(
            {
                "at": change.changed_at,
                "kind": "created" if change.action == DirectiveChange.Action.CREATED else "edited",
                "by": change.changed_by,
                "text": text,
                "link": "",
                "outcome": "",
            }
        )
    return entries


def _domain_entries(directive: Directive, share=None) -> list[dict]:
    """The directive's own history, and with `share` that share's (a collective directive's shares have
    their own, shown one share at a time)."""
    entries: list[dict] = []
    mine = Q(share__isnull=True) | Q(share=share) if share is not None else Q(share__isnull=True)
    for update in directive.progress_updates.filter(mine).select_related("reported_by"):
        entries.append(
            {
                "at": update.reported_at,
                "kind": "progress",
                "by": update.reported_by,
                "text": _("Tiến độ %(percent)s%%: %(note)s") % {"percent": update.percent, "note": update.note},
                "link": update.evidence_url,
                "outcome": "",
            }
        )
    for change in directive.deadline_changes.filter(mine).select_related("approved_by"):
        entries.append(
            {
                "at": change.approved_at,
                "kind": "deadline",
                "by": change.approved_by,
                "text": _("Thời hạn: %(old)s → %(new)s. Lý do: %(reason)s")
                % {
                    "old": change.old_deadline_text or _dmy(change.old_due),
                    "new": change.new_deadline_text or _dmy(change.new_due),
                    "reason": change.reason,
                },
                "link": "",
                "outcome": _("Lịch đăng ký được cập nhật"),
            }
        )
    for change in directive.state_changes.filter(mine).select_related("changed_by"):
        text = _("Trạng thái: %(old)s → %(new)s") % {
            "old": change.get_old_state_display(),
            "new": change.get_new_state_display(),
        }
        if change.note:
            text += ". " + change.note
        entries.append(
            {"at": change.changed_at, "kind": "state", "by": change.changed_by, "text": text, "link": "", "outcome": ""}
        )
    entries.extend(_change_entries(directive, mine))
    edits = {e["at"] for e in entries if e["kind"] == "edited"}
    for transfer in directive.agency_transfers.select_related("from_agency", "to_agency", "transferred_by"):
        if transfer.transferred_at in edits:  # an edit of the lead agency: its audit entry says it
            continue
        entries.append(
            {
                "at": transfer.transferred_at,
                "kind": "transfer",
                "by": transfer.transferred_by,
                "text": _("Chuyển %(role)s: %(old)s → %(new)s. %(reason)s")
                % {
                    "role": transfer.get_role_display(),
                    "old": transfer.from_agency.short_name((get_language() or "vi")[:2]),
                    "new": transfer.to_agency.short_name((get_language() or "vi")[:2]),
                    "reason": transfer.reason,
                },
                "link": "",
                "outcome": "",
            }
        )
    for request in directive.extension_requests.filter(mine).select_related("requested_by", "decided_by"):
        entries.append(
            {
                "at": request.requested_at,
                "kind": "extension",
                "by": request.requested_by,
                "text": _("Đề nghị gia hạn đến %(date)s. Lý do: %(reason)s")
                % {"date": _dmy(request.proposed_due), "reason": request.reason},
                "link": "",
                "outcome": request.get_decision_display()
                if request.decision == ExtensionRequest.Decision.PENDING
                else "",
            }
        )
        if request.decided_at:
            text = _("%(decision)s đề nghị gia hạn đến %(date)s") % {
                "decision": request.get_decision_display(),
                "date": _dmy(request.proposed_due),
            }
            if request.decision_note:
                text += ". " + request.decision_note
            entries.append(
                {
                    "at": request.decided_at,
                    "kind": "decision",
                    "by": request.decided_by,
                    "text": text,
                    "link": "",
                    "outcome": "",
                }
            )
    return entries


def _app_entries(directive: Directive) -> list[dict]:
    entries = []
    for config in hooks.implementing(hooks.AddsTimelineEntries):
        for entry in config.timeline_entries(directive) or ():
            entry = {"by": None, "link": "", "outcome": "", "kind": config.label, **entry}
            entry["at"] = _as_datetime(entry["at"])
            entries.append(entry)
    return entries


def _as_datetime(at: datetime.date | datetime.datetime) -> datetime.datetime:
    """Apps may date an entry by day; sort it at the start of that day."""
    if isinstance(at, datetime.datetime):
        return at if timezone.is_aware(at) else timezone.make_aware(at)
    return start_of_day(at)


def timeline(directive: Directive, share=None) -> list[dict]:
    entries = _domain_entries(directive, share) + _app_entries(directive)
    if not any(e["kind"] == "created" for e in entries):  # recorded before the audit trail, or loaded raw
        entries.append(
            {
                "at": directive.created_at,
                "kind": "created",
                "by": None,
                "link": "",
                "outcome": "",
                "text": _("Nhiệm vụ được ghi vào hệ thống"),
            }
        )
    return sorted(entries, key=lambda e: e["at"], reverse=True)

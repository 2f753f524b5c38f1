"""Model rows as the API's JSON (plain dicts the schemas validate), and their entity tags.

Reads go through `directives.selectors` (status, latest progress, relations)
so the API shows what the portal, the briefings and the feeds show.
"""

import datetime
import hashlib
import json

from django.db.models import QuerySet
from django.utils import timezone

from dxtasks.accounts import roles
from dxtasks.directives import selectors
from dxtasks.directives.actions import available_actions
from dxtasks.directives.models import Agency, Directive, ExtensionRequest, Meeting, Share
from dxtasks.directives.status import REPORT_ORDER, Status, annotate_status


def agency_ref(agency: Agency) -> dict:
    return {
        "code": agency.code,
        "short_name_vi": agency.short_name_vi,
        "name_vi": agency.name_vi,
        "name_en": agency.name_en,
    }


def agency(agency: Agency) -> dict:
    return {
        **agency_ref(agency),
        "kind": agency.kind,
        "active": agency.active,
        "established_on": agency.established_on,
        "successor": agency.successor.code if agency.successor_id else None,
        "succeeded_on": agency.succeeded_on,
        "predecessors": [p.code for p in agency.predecessors.all()],
    }


def agencies_queryset() -> QuerySet:
    return Agency.objects.select_related("successor").prefetch_related("predecessors")


def meeting(meeting: Meeting) -> dict:
    return {
        "number": meeting.number,
        "committee": meeting.committee,
        "date": meeting.date,
        "title_vi": meeting.title_vi,
        "title_en": meeting.title_en,
        "chair": meeting.chair,
        "notice_ref": meeting.notice_ref,
        "notice_date": meeting.notice_date,
        "source_url": meeting.source_url,
    }


def _username(user) -> str | None:
    return user.username if user is not None else None


def directives_queryset(base: QuerySet) -> QuerySet:
    """The rows of a page: relations and latest progress (apply after slicing or filtering to a page)."""
    return selectors.with_latest_progress(selectors.with_related(base))


def _latest(row) -> dict | None:
    """The `latest_*` annotations of `with_latest_progress` / `with_share_progress`, or None."""
    if getattr(row, "latest_progress_at", None) is None:
        return None
    return {"percent": row.latest_percent, "note": row.latest_note, "reported_at": row.latest_progress_at}


NO_SHARES = {"total": 0, "counted": 0, "completed": 0, **{status.value: 0 for status in REPORT_ORDER}}


def roll_up(directive: Directive, summaries: dict[int, dict]) -> dict | None:
    """A collective directive's `selectors.share_summaries` entry (all zeros without shares); None for a single lead."""
    if not directive.is_collective:
        return None
    return summaries.get(directive.pk, NO_SHARES)


def summary(directive: Directive, as_of: datetime.date, summaries: dict[int, dict] | None = None) -> dict:
    """`summaries`: `selectors.share_summaries` of the page (the roll-up of each collective directive)."""
    return {
        "public_id": directive.public_id,
        "reference": directive.reference,
        "title_vi": directive.title_vi,
        "title_en": directive.title_en,
        "meeting": directive.meeting.number if directive.meeting_id else None,
        "pillar": directive.pillar,
        "lead_agency": agency_ref(directive.lead_agency),
        "addressees": directive.addressees,
        "co_agencies": [agency_ref(a) for a in directive.co_agencies.all()],
        "owner": _username(directive.owner),
        "assigned_on": directive.assigned_on,
        "deadline_text": directive.deadline_text,
        "due_date": directive.due_date,
        "deadline_precision": directive.deadline_precision,
        "state": directive.state,
        "status": directive.status,
        "status_as_of": as_of,
        "completed_on": directive.completed_on,
        "cancelled_on": directive.cancelled_on,
        "version": directive.version,
        "updated_at": directive.updated_at,
        "latest_progress": _latest(directive),
        "roll_up": roll_up(directive, summaries or {}),
        "url": directive.get_absolute_url(),
    }


def directive_ref(directive: Directive) -> dict:
    """A directive named in another resource (a share, a worklist row)."""
    return {
        "public_id": directive.public_id,
        "reference": directive.reference,
        "title_vi": directive.title_vi,
        "title_en": directive.title_en,
        "lead_agency": agency_ref(directive.lead_agency),
        "addressees": directive.addressees,
        "owner": _username(directive.owner),
        "due_date": directive.due_date,
        "state": directive.state,
        "url": directive.get_absolute_url(),
    }


def _share_code(row) -> str | None:
    """The agency code of the share a history row concerns (select_related `share__agency`), or None."""
    return row.share.agency.code if row.share_id else None


def extension(request: ExtensionRequest) -> dict:
    return {
        "id": request.pk,
        "proposed_due": request.proposed_due,
        "reason": request.reason,
        "requested_by": _username(request.requested_by),
        "requested_at": request.requested_at,
        "decision": request.decision,
        "decided_by": _username(request.decided_by),
        "decided_at": request.decided_at,
        "decision_note": request.decision_note,
        "share": _share_code(request),
    }


def _history(followed, extensions: list[ExtensionRequest]) -> dict:
    """The history lists of a directive or of a share (`followed`)."""
    return {
        "progress": [
            {
                "percent": p.percent,
                "note": p.note,
                "evidence_url": p.evidence_url or None,
                "reported_at": p.reported_at,
                "reported_by": _username(p.reported_by),
                "share": _share_code(p),
            }
            for p in followed.progress_updates.select_related("reported_by", "share__agency")
        ],
        "deadline_changes": [
            {
                "old_due": c.old_due,
                "new_due": c.new_due,
                "old_deadline_text": c.old_deadline_text,
                "new_deadline_text": c.new_deadline_text,
                "reason": c.reason,
                "approved_by": _username(c.approved_by),
                "approved_at": c.approved_at,
                "share": _share_code(c),
            }
            for c in followed.deadline_changes.select_related("approved_by", "share__agency")
        ],
        "state_changes": [
            {
                "old_state": c.old_state,
                "new_state": c.new_state,
                "note": c.note,
                "changed_by": _username(c.changed_by),
                "changed_at": c.changed_at,
                "share": _share_code(c),
            }
            for c in followed.state_changes.select_related("changed_by", "share__agency")
        ],
        "extension_requests": [extension(e) for e in extensions],
    }


def _extensions(manager) -> list[ExtensionRequest]:
    return list(manager.select_related("requested_by", "decided_by", "share__agency"))


def pending_by_share(directive: Directive) -> dict[int, ExtensionRequest]:
    """Each share's pending extension request, in one query."""
    pending = directive.extension_requests.filter(share__isnull=False, decision=ExtensionRequest.Decision.PENDING)
    return {e.share_id: e for e in pending.select_related("requested_by", "decided_by", "share__agency")}


def share(row: Share, directive: Directive, caller, as_of: datetime.date, pending: dict[int, ExtensionRequest]) -> dict:
    """A row of `selectors.shares_of` (status and due as of the day, latest progress, agency and owner)."""
    waiting = pending.get(row.pk)
    return {
        "agency": agency_ref(row.agency),
        "owner": _username(row.owner),
        "deadline_text": row.deadline_text,
        "due_date": row.due_date,
        "deadline_precision": row.deadline_precision,
        "due_as_of": row.due_as_of,
        "state": row.state,
        "status": row.status,
        "status_as_of": as_of,
        "days_overdue": selectors.days_overdue(row.due_as_of, as_of) if row.status == Status.OVERDUE else None,
        "completed_on": row.completed_on,
        "cancelled_on": row.cancelled_on,
        "latest_progress": _latest(row),
        "pending_extension": extension(waiting) if waiting else None,
        "version": row.version,
        "updated_at": row.updated_at,
        "permissions": {
            "report": caller.can_write and roles.can_report_on_share(caller.user, row),
            "actions": _actions(caller, directive, row, waiting),
        },
        "url": f"{directive.get_absolute_url()}?share={row.agency.code}",
    }


def share_detail(row: Share, directive: Directive, caller) -> dict:
    today = timezone.localdate()
    return {
        **share(row, directive, caller, today, pending_by_share(directive)),
        "directive": directive_ref(directive),
        "outcome": row.outcome,
        "history": _history(row, _extensions(row.extension_requests)),
    }


def _actions(caller, directive: Directive, share: Share | None, pending: ExtensionRequest | None) -> list[str]:
    """The portal's available actions for the caller (none with a read-only token), in a fixed order."""
    if not caller.can_write:
        return []
    return sorted(available_actions(caller.user, directive, share, pending=pending))


def load_directive(public_id) -> Directive | None:
    """One directive with its status as of today, relations and latest progress, or None."""
    queryset = directives_queryset(annotate_status(Directive.objects.all()))
    return queryset.filter(public_id=public_id).first()


def detail(directive: Directive, caller) -> dict:
    extensions = _extensions(directive.extension_requests)
    pending = next(
        (e for e in extensions if e.decision == ExtensionRequest.Decision.PENDING and e.share_id is None), None
    )
    user = caller.user
    today = timezone.localdate()
    summaries, shares = {}, []
    if directive.is_collective:
        summaries = {directive.pk: selectors.share_summary(directive)}
        waiting = pending_by_share(directive)
        shares = [share(row, directive, caller, today, waiting) for row in selectors.shares_of(directive)]
    return {
        **summary(directive, today, summaries),
        "full_text": directive.full_text,
        "source_ref": directive.source_ref,
        "source_url": directive.source_url,
        "outcome": directive.outcome,
        "created_at": directive.created_at,
        "pending_extension": extension(pending) if pending else None,
        "shares": shares,
        "history": {
            **_history(directive, extensions),
            "agency_transfers": [
                {
                    "role": t.role,
                    "from_agency": t.from_agency.code,
                    "to_agency": t.to_agency.code,
                    "reason": t.reason,
                    "transferred_by": _username(t.transferred_by),
                    "transferred_at": t.transferred_at,
                }
                for t in directive.agency_transfers.select_related("from_agency", "to_agency", "transferred_by")
            ],
        },
        "permissions": {
            "report": caller.can_write and roles.can_report_on(user, directive),
            "manage": caller.can_write and roles.can_manage(user),
            "actions": _actions(caller, directive, None, pending),
        },
    }


# --- Entity tags ---------------------------------------------------------------------------
# From the data sent, so anything shown that changes (a status turning overdue
# at midnight, a renamed agency, a new extension request) changes the tag.


def _digest(data) -> str:
    raw = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def micros(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def content_etag(data) -> str:
    return f'"{_digest(data)}"'


def directive_etag(directive: Directive, data: dict) -> str:
    """`"<updated_at in µs>-<digest of the representation>"`.

    The first part is what the portal's stale-edit rule compares (`updated_at`),
    so `If-Match` follows that rule; the digest makes the tag change with
    anything else the representation shows.
    """
    return f'"{micros(directive.updated_at)}-{_digest(data)}"'


def updated_at_of(etag: str) -> int | None:
    """The `updated_at` (µs) an entity tag from `directive_etag` carries, or None."""
    value = etag.strip()
    if value.startswith("W/") or not (value.startswith('"') and value.endswith('"')):
        return None  # If-Match uses the strong comparison of quoted tags
    head, _sep, _rest = value[1:-1].partition("-")
    return int(head) if head.isdigit() and len(head) < 20 else None

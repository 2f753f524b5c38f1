"""Every write to the directive domain goes through these functions.

Each takes keyword-only arguments, runs in one transaction, locks the
directive row it changes, records history, and bumps `version` when the change
is one a subscribed calendar would show (due date, title, state, lead).
They raise only `DirectiveError` (a ValidationError) when the change is not
allowed: a message for the user and `.refusal`, a `refusals.Refusal` code
saying which rule refused; the model's own validation (`full_clean`) comes
out as `Refusal.INVALID` with its field errors kept. Nothing is written then.

Collective directives: the follow-up actions (`record_progress`,
`request_extension`, `decide_extension`, `change_deadline`,
`submit_for_review`, `return_for_rework`, `complete_directive`,
`cancel_directive`) take an optional `share=`: the addressed agency's share
they act on. With a share, that share alone changes (its row locked after the
directive's, its history rows pointing at it, its `version` bumped) and the
directive's stored state is rolled up from its shares. Who may act on which
share is the caller's check (`dxtasks.accounts.roles.can_report_on_share`).
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dxtasks.accounts import roles
from dxtasks.formats import short_date

from . import events, groups
from .deadlines import Deadline, DeadlineError, parse_deadline
from .models import (
    REGISTER_BASE,
    Agency,
    AgencyTransfer,
    Committee,
    DeadlineChange,
    Directive,
    DirectiveChange,
    EventKind,
    ExtensionRequest,
    Meeting,
    MeetingChange,
    ProgressUpdate,
    Share,
    State,
    StateChange,
)
from .refusals import Refusal
from .transitions import TRANSITIONS, Action

# Fields whose change a calendar subscriber sees (the feeds show the co-ordinating agencies too); they bump `version`.
CALENDAR_FIELDS = frozenset(
    {"title_vi", "title_en", "due_date", "state", "lead_agency", "lead_agency_id", "co_agencies"}
)
EDITABLE_FIELDS = frozenset(
    {
        "reference",
        "title_vi",
        "title_en",
        "full_text",
        "meeting",
        "source_ref",
        "source_url",
        "pillar",
        "lead_agency",
        "owner",
        "assigned_on",
        "outcome",
    }
)


class DirectiveError(ValidationError):
    """A change the rules don't allow: the message (or {field: message}) is for the user, `refusal` for programs."""

    def __init__(self, message, code: Refusal | str = Refusal.INVALID, params=None):
        if isinstance(message, dict):  # each field's message carries the code too
            message = {
                field: value if isinstance(value, (ValidationError, list)) else ValidationError(value, code=code)
                for field, value in message.items()
            }
        super().__init__(message, code=code, params=params)
        self.refusal = Refusal(code)


class StaleEdit(DirectiveError):
    """Someone else changed the directive since the form was loaded."""

    def __init__(self, message, code: Refusal | str = Refusal.STALE_EDIT, params=None):
        super().__init__(message, code=code, params=params)


def _full_clean(instance, **options) -> None:
    """The model's own rules, refused as the services refuse: a DirectiveError keeping each field's errors."""
    try:
        instance.full_clean(**options)
    except ValidationError as exc:
        raise DirectiveError(exc.error_dict if hasattr(exc, "error_dict") else exc.error_list) from exc


def check_lead(agency: Agency | None) -> None:
    """A merged (inactive) agency takes no new directive: it neither leads one nor is addressed by one.

    Directives it already has stay its own until moved (`transfer_to_successor`).
    The portal's form, the admin's form and the importer call this for their early
    messages; `create_directive` and `update_directive` (a lead changed) enforce it.
    """
    if agency is None or agency.active:
        return
    raise DirectiveError({"lead_agency": _merged_message(agency, _language())}, code=Refusal.MERGED_LEAD)


def _merged_message(agency: Agency, language: str) -> str:
    successor = agency.successor
    return _("%(agency)s đã hợp nhất vào %(successor)s; hãy chọn cơ quan đang hoạt động.") % {
        "agency": agency.short_name(language),
        "successor": successor.short_name(language) if successor is not None else "—",
    }


def check_co_agencies(agencies: Iterable[Agency], *, kept: Iterable[Agency] = ()) -> None:
    """Nor is a merged agency made a co-ordinator: of a new directive, or added to one by an edit.

    The co-ordinators a directive already has (`kept`) stay until moved, like
    its lead (`transfer_to_successor`). The importer and the forms are told the
    same through `check_new_directive` and the edit services.
    """
    kept_ids = {agency.pk for agency in kept}
    merged = [agency for agency in agencies if not agency.active and agency.pk not in kept_ids]
    if not merged:
        return
    language = _language()
    raise DirectiveError(
        {"co_agencies": [_merged_message(agency, language) for agency in merged]}, code=Refusal.MERGED_CO_AGENCY
    )


def _locked(directive: Directive) -> Directive:
    return Directive.objects.select_for_update().get(pk=directive.pk)


def _locked_share(directive: Directive, share: Share | None) -> tuple[Directive, Share | None]:
    """Lock the directive, then its share: always in this order, so concurrent share actions can't deadlock."""
    current = _locked(directive)
    if share is None:
        return current, None
    locked = Share.objects.select_for_update().select_related("agency").get(pk=share.pk)
    if locked.directive_id != current.pk:
        raise DirectiveError(_("Phần việc không thuộc nhiệm vụ này."), code=Refusal.SHARE_NOT_OF_DIRECTIVE)
    return current, locked


def _followed(directive: Directive, share: Share | None):
    """The row an action changes: the share when given, else the directive."""
    return share if share is not None else directive


def _refuse_collective_without_share(directive: Directive, action: str) -> None:
    if directive.is_collective:
        raise DirectiveError(
            _("Nhiệm vụ %(ref)s giao cho nhiều cơ quan: hãy chọn phần việc của một cơ quan để %(action)s.")
            % {"ref": directive.reference, "action": action},
            code=Refusal.COLLECTIVE_NEEDS_SHARE,
        )


def _parse(deadline_text: str):
    try:
        return parse_deadline(deadline_text)
    except DeadlineError as exc:
        raise DirectiveError({"deadline_text": str(exc)}, code=Refusal.DEADLINE_UNREADABLE) from exc


def _record_state(directive, *, old_state, by, note="", at=None, share=None):
    StateChange.objects.create(
        directive=directive,
        share=share,
        old_state=old_state,
        new_state=(share or directive).state,
        changed_by=by,
        changed_at=at or timezone.now(),
        note=note,
    )


def _audit_value(value):
    """A value as the audit trail keeps it: what names the thing stably (a code, a username), not a row id."""
    if isinstance(value, Agency):
        return value.code
    if isinstance(value, Meeting):
        return value.number
    if hasattr(value, "get_username"):
        return value.get_username()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(_audit_value(v) for v in value)
    return value


def _audit(directive: Directive, *, action, changes: dict, by, at, share: Share | None = None) -> DirectiveChange:
    return DirectiveChange.objects.create(
        directive=directive, share=share, action=action, changes=changes, changed_by=by, changed_at=at
    )


# What the "created" entry of the audit trail keeps of a new directive.
CREATED_FIELDS = (
    *("reference", "title_vi", "title_en", "meeting", "pillar", "lead_agency", "owner", "assigned_on"),
    *("deadline_text", "source_ref", "source_url", "addressees"),
)


def _addressing(lead_agency: Agency | None, addressees: str, share_agencies: Iterable[Agency] | None):
    """(lead agency, addressee group code, listed agencies or None) of a new directive; see create_directive."""
    listed = None if share_agencies is None else list(dict.fromkeys(share_agencies))
    if not addressees and listed is None and lead_agency is not None and lead_agency.code in groups.IMPORT_GROUP_CODES:
        addressees = lead_agency.code
    if listed is not None:
        if not listed:
            raise DirectiveError({"lead_agency": _("Cần ít nhất một cơ quan được giao.")}, code=Refusal.NO_ADDRESSEES)
        addressees = groups.EACH
    elif addressees and addressees not in groups.IMPORT_GROUP_CODES:
        raise DirectiveError(
            {"lead_agency": _("Không có nhóm cơ quan “%(code)s”.") % {"code": addressees}}, code=Refusal.UNKNOWN_GROUP
        )
    if addressees:
        lead_agency = _group_agency(addressees)
    if lead_agency is None:
        raise TypeError("create_directive() needs lead_agency, addressees or share_agencies")
    return lead_agency, addressees, listed


def _check_addressed(lead_agency: Agency, addressees: str, listed: list[Agency] | None) -> None:
    """No merged agency leads a new directive, nor is listed for a share of one (see check_lead)."""
    for agency in listed if listed is not None else [] if addressees else [lead_agency]:
        check_lead(agency)


def _new_directive(
    *, reference, title_vi, lead_agency, deadline_text, assigned_on, addressees="", deadline=None, **fields
) -> Directive:
    """The unsaved directive; its due date and precision from `deadline` (else read from the text)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"create_directive() got unexpected fields: {sorted(unknown)}")
    deadline = deadline or _parse(deadline_text)
    return Directive(
        reference=reference,
        title_vi=title_vi,
        lead_agency=lead_agency,
        deadline_text=deadline_text,
        due_date=deadline.due,
        deadline_precision=deadline.precision,
        assigned_on=assigned_on,
        addressees=addressees,
        **fields,
    )


# The placeholder of a deadline left out of a check (the rules of its fields are skipped).
_NO_DEADLINE = Deadline(due=None, precision="ongoing")


def check_new_directive(
    *,
    co_agencies: Iterable[Agency] = (),
    lead_agency: Agency | None = None,
    addressees: str = "",
    share_agencies: Iterable[Agency] | None = None,
    exclude: Iterable[str] = (),
    **fields,
) -> None:
    """Raise the DirectiveError `create_directive` would raise for these fields, saving nothing.

    The one check of a new directive before it is saved: the portal's entry
    form and the importer (each row) call it for their early messages. Every
    rule runs (a merged lead or addressee, the deadline, the model's lengths,
    URL schemes, choices, constraints) and every failure is in the one error,
    field by field, except uniqueness, which a caller checking many rows does in
    one query, and the rules of the fields in `exclude`: those the caller could
    not read and has refused already (its own message said), checked with a
    placeholder value instead.
    """
    excluded = {"co_agencies", *exclude}
    listed = None if share_agencies is None else list(share_agencies)
    refused: list[DirectiveError] = []
    try:
        lead_agency, addressees, listed = _addressing(lead_agency, addressees, listed)
    except DirectiveError as error:  # no lead to build a directive with; the agencies named are still checked
        refused.append(error)
        _refused_by(refused, _check_addressed, lead_agency, addressees, listed)
        raise _together(refused) from None
    _refused_by(refused, _check_addressed, lead_agency, addressees, listed)
    _refused_by(refused, check_co_agencies, co_agencies)
    deadline = _NO_DEADLINE
    if "deadline_text" not in excluded:
        try:
            deadline = _parse(fields["deadline_text"])
        except DirectiveError as error:
            refused.append(error)
    if deadline is _NO_DEADLINE:
        excluded |= {"deadline_text", "due_date", "deadline_precision"}
    try:
        _full_clean(
            _new_directive(lead_agency=lead_agency, addressees=addressees, deadline=deadline, **fields),
            exclude=sorted(excluded),
            validate_unique=False,
        )
    except DirectiveError as error:
        refused.append(error)
    if refused:
        raise _together(refused)


def _refused_by(refused: list[DirectiveError], check, *args) -> None:
    try:
        check(*args)
    except DirectiveError as error:
        refused.append(error)


def _together(refused: list[DirectiveError]) -> DirectiveError:
    """One refusal as it is; several as one error holding every field's messages (code INVALID)."""
    if len(refused) == 1:
        return refused[0]
    errors: dict = {}
    for each in refused:
        each.update_error_dict(errors)
    return DirectiveError(errors, code=Refusal.INVALID)


def _language() -> str:
    """The language messages are being said in (the request's, or the worker's override)."""
    from django.utils.translation import get_language

    return (get_language() or "vi")[:2]


@transaction.atomic
def create_directive(
    *,
    by,
    reference: str,
    title_vi: str,
    deadline_text: str,
    assigned_on: datetime.date,
    lead_agency: Agency | None = None,
    co_agencies: Iterable[Agency] = (),
    addressees: str = "",
    share_agencies: Iterable[Agency] | None = None,
    **fields,
) -> Directive:
    """Create an open directive; the due date comes from the deadline text.

    Collective directives: `addressees` a group code (ALL, ALL-MINISTRIES,
    ALL-PROVINCES; also implied by a `lead_agency` that is the group's
    pseudo-agency) gives one share per member agency valid on `assigned_on`;
    `share_agencies` (an explicit list, "each") gives one share per listed
    agency. The lead agency is then the group's pseudo-agency.
    """
    lead_agency, addressees, listed = _addressing(lead_agency, addressees, share_agencies)
    _check_addressed(lead_agency, addressees, listed)
    co_agencies = list(co_agencies)
    check_co_agencies(co_agencies)
    directive = _new_directive(
        reference=reference,
        title_vi=title_vi,
        lead_agency=lead_agency,
        deadline_text=deadline_text,
        assigned_on=assigned_on,
        addressees=addressees,
        **fields,
    )
    _full_clean(directive, exclude=["co_agencies"])
    directive.save()
    co = [a for a in co_agencies if a.pk != lead_agency.pk]
    directive.co_agencies.set(co)
    first = {name: _audit_value(getattr(directive, name)) for name in CREATED_FIELDS}
    first["co_agencies"] = _audit_value(co)
    shares = []
    if addressees:
        members = listed if listed is not None else list(groups.members(addressees, assigned_on))
        shares = open_shares(directive=directive, agencies=members)
        first["shares"] = _audit_value([share.agency for share in shares])
    _audit(directive, action=DirectiveChange.Action.CREATED, changes=first, by=by, at=directive.created_at)
    if addressees:
        # Each addressed agency hears of its own share; the group's pseudo-agency has nobody to tell.
        events.record_for_shares(EventKind.ASSIGNED, directive=directive, shares=shares, actor=by)
        if directive.owner is not None:
            events.record(EventKind.ASSIGNED, directive=directive, actor=by, users=[directive.owner])
        return directive
    events.record(EventKind.ASSIGNED, directive=directive, actor=by, new_owner=directive.owner)
    return directive


def _group_agency(code: str) -> Agency:
    try:
        return Agency.objects.get(code=code)
    except Agency.DoesNotExist:
        raise DirectiveError(
            {
                "lead_agency": _(
                    "Thiếu cơ quan đại diện cho nhóm “%(code)s” (chạy bootstrap để nạp dữ liệu tham chiếu)."
                )
                % {"code": code}
            },
            code=Refusal.GROUP_AGENCY_MISSING,
        ) from None


def default_owner(agency: Agency):
    """A share's default owner: the agency's focal point (the first active one), or nobody."""
    return roles.focal_points(agency.pk).first()


def open_shares(*, directive: Directive, agencies: Iterable[Agency]) -> list[Share]:
    """One share per agency (skipping those that already have one), with the directive's deadline.

    Part of `create_directive`'s and the migration's transaction; a pseudo-agency
    of a group is never a member.
    """
    present = set(directive.shares.values_list("agency_id", flat=True))
    shares = []
    for agency in agencies:
        if agency.pk in present or groups.is_group_code(agency.code):
            continue
        present.add(agency.pk)
        shares.append(
            Share(
                directive=directive,
                agency=agency,
                owner=default_owner(agency),
                deadline_text=directive.deadline_text,
                due_date=directive.due_date,
                deadline_precision=directive.deadline_precision,
                state=directive.state,
                completed_on=directive.completed_on,
                cancelled_on=directive.cancelled_on,
            )
        )
    return Share.objects.bulk_create(shares)


@transaction.atomic
def assign_share(*, share: Share, by, owner) -> Share:
    """Give a share its owner (None: its agency's focal point or contact is reminded instead)."""
    current = Share.objects.select_for_update().select_related("agency", "directive").get(pk=share.pk)
    if owner is not None and owner.agency_id not in (None, current.agency_id) and roles.is_focal_point(owner):
        raise DirectiveError(
            {"owner": _("Người phụ trách phải thuộc cơ quan của phần việc.")}, code=Refusal.SHARE_OWNER_AGENCY
        )
    old_owner = current.owner
    if (owner.pk if owner is not None else None) == current.owner_id:
        return current  # nothing changes, nothing is written
    now = timezone.now()
    Share.objects.filter(pk=current.pk).update(owner=owner, updated_at=now)
    Directive.objects.filter(pk=current.directive_id).update(updated_at=now)
    current.refresh_from_db()
    _audit(
        current.directive,
        share=current,
        action=DirectiveChange.Action.EDITED,
        changes={"owner": [_audit_value(old_owner), _audit_value(owner)]},
        by=by,
        at=now,
    )
    if owner is not None:  # the new owner is told (nobody else: nothing else moved)
        events.record(EventKind.ASSIGNED, directive=current.directive, actor=by, share=current, users=[owner])
    return current


def _roll_up(directive: Directive, *, by) -> None:
    """Keep a collective directive's stored state in step with its shares.

    Completed (on the last share's completion day) once every non-cancelled
    share is completed; open otherwise. The status reports use is computed from
    the shares (status.py); this stored state serves the lists that filter by
    state and the "closed" checks. A cancelled directive stays cancelled.
    """
    if directive.state == State.CANCELLED:
        return
    states = list(directive.shares.exclude(state=State.CANCELLED).values_list("state", "completed_on"))
    if states and all(state == State.COMPLETED for state, _on in states):
        new_state, completed_on = State.COMPLETED, max(on for _state, on in states if on is not None)
    else:
        new_state, completed_on = State.OPEN, None
    if new_state == directive.state and completed_on == directive.completed_on:
        Directive.objects.filter(pk=directive.pk).update(updated_at=timezone.now())
        return
    old_state = directive.state
    Directive.objects.filter(pk=directive.pk).update(
        state=new_state, completed_on=completed_on, version=F("version") + 1, updated_at=timezone.now()
    )
    directive.refresh_from_db()
    if new_state != old_state:
        _record_state(directive, old_state=old_state, by=by, note=_("Tổng hợp từ phần việc của các cơ quan"))


def _check_fresh(current: Directive, expected_updated_at: datetime.datetime | None) -> None:
    """The stale-edit rule: refused when the (locked) row changed since the editor loaded it."""
    if expected_updated_at is not None and current.updated_at != expected_updated_at:
        raise StaleEdit(_("Nhiệm vụ vừa được người khác sửa. Hãy tải lại trang để xem thay đổi rồi sửa lại."))


@transaction.atomic
def update_directive(
    *,
    directive: Directive,
    by,
    expected_updated_at: datetime.datetime | None = None,
    co_agencies: Iterable[Agency] | None = None,
    **changes,
) -> Directive:
    """Edit descriptive fields. The deadline is changed by `change_deadline`.

    `expected_updated_at` is the `updated_at` the editor saw; if the row has
    changed since, the edit is refused instead of overwriting someone else's.
    Only the fields that change are saved, each recorded [old, new] in the
    audit trail (DirectiveChange); an edit that changes nothing writes nothing,
    so `updated_at` (the stale-edit token, ETag input, cache key) and `version` stay.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"update_directive() got unexpected fields: {sorted(unknown)}")
    current = _locked(directive)
    _check_fresh(current, expected_updated_at)
    old_lead, old_owner = current.lead_agency_id, current.owner_id
    if current.is_collective and "lead_agency" in changes and changes["lead_agency"].pk != old_lead:
        raise DirectiveError(
            {"lead_agency": _("Nhiệm vụ giao cho nhiều cơ quan: không đổi đơn vị chủ trì.")},
            code=Refusal.COLLECTIVE_LEAD_FIXED,
        )
    changed: dict[str, list] = {}
    for field, value in changes.items():
        old = getattr(current, field)
        if old != value:
            changed[field] = [_audit_value(old), _audit_value(value)]
            setattr(current, field, value)
    new_co = None
    if co_agencies is not None:
        new_co = list({a.pk: a for a in co_agencies if a.pk != current.lead_agency_id}.values())
        old_co = list(current.co_agencies.all())
        if {a.pk for a in old_co} != {a.pk for a in new_co}:
            check_co_agencies(new_co, kept=old_co)
            changed["co_agencies"] = [_audit_value(old_co), _audit_value(new_co)]
    if not changed:
        return current
    if "lead_agency" in changed:
        check_lead(current.lead_agency)
    _full_clean(current, exclude=["co_agencies"])
    saved = [field for field in changed if field != "co_agencies"] + ["updated_at"]
    if {"reference", "title_vi", "title_en"} & set(changed):
        saved.append("search_text")
    if CALENDAR_FIELDS & set(changed):
        current.version = F("version") + 1
        saved.append("version")
    current.save(update_fields=saved)
    at = current.updated_at  # the audit row and the transfer carry the save's own time
    if current.lead_agency_id != old_lead:
        AgencyTransfer.objects.create(
            directive=current,
            from_agency_id=old_lead,
            to_agency_id=current.lead_agency_id,
            reason=_("Sửa đơn vị chủ trì"),
            transferred_by=by,
            transferred_at=at,
        )
    if new_co is not None and "co_agencies" in changed:
        current.co_agencies.set(new_co)
    _audit(current, action=DirectiveChange.Action.EDITED, changes=changed, by=by, at=at)
    current.refresh_from_db()
    if current.lead_agency_id != old_lead or (current.owner_id != old_owner and current.owner_id):
        # A new owner is told; a new lead agency's focal points are told (not the old one's again).
        new_lead = current.lead_agency_id if current.lead_agency_id != old_lead else None
        users, _addresses = events.recipients_for(
            EventKind.ASSIGNED,
            current,
            new_owner=current.owner if current.owner_id != old_owner else None,
            new_lead_id=new_lead,
        )
        if new_lead is None:
            users = [u for u in users if u.pk == current.owner_id]
        events.record(EventKind.ASSIGNED, directive=current, actor=by, users=users)
    return current


@transaction.atomic
def edit_directive(
    *,
    directive: Directive,
    by,
    expected_updated_at: datetime.datetime | None = None,
    co_agencies: Iterable[Agency] | None = None,
    deadline_text: str | None = None,
    deadline_reason: str = "",
    **changes,
) -> Directive:
    """The whole edit of a directive, as the portal's form and the API's PATCH send it, in one transaction.

    The stale-edit check once, first, on the locked row (so a deadline move can't
    slip past it); then the descriptive fields (`update_directive`, which records
    only what changed); then, when the deadline as written differs from the
    stored one, the deadline move with its reason (`change_deadline`: history,
    version, notifications). A refusal of either leaves nothing written.
    """
    current = _locked(directive)
    _check_fresh(current, expected_updated_at)
    moves_deadline = deadline_text is not None and deadline_text != current.deadline_text
    if moves_deadline and not deadline_reason.strip():
        raise DirectiveError({"deadline_reason": _("Cần nêu lý do khi đổi thời hạn.")}, code=Refusal.REASON_REQUIRED)
    update_directive(directive=current, by=by, co_agencies=co_agencies, **changes)
    if moves_deadline:
        change_deadline(directive=current, approved_by=by, new_deadline_text=deadline_text, reason=deadline_reason)
    return Directive.objects.get(pk=current.pk)


@transaction.atomic
def record_progress(
    *, directive: Directive, by, percent: int, note: str, evidence_url: str = "", share: Share | None = None
) -> ProgressUpdate:
    """A progress report, on the directive or (collective) on one agency's share.

    Without a share on a collective directive it is a note about the whole
    directive; the shares' own figures are untouched.
    """
    current, share = _locked_share(directive, share)
    _refuse_unless_allowed(
        Action.PROGRESS, current, _followed(current, share), _("Nhiệm vụ đã đóng, không thể báo cáo tiến độ.")
    )
    update = ProgressUpdate(
        directive=current,
        share=share,
        reported_by=by,
        reported_at=timezone.now(),
        percent=percent,
        note=note,
        evidence_url=evidence_url,
    )
    _full_clean(update)
    update.save()
    now = timezone.now()
    if share is not None:
        Share.objects.filter(pk=share.pk).update(updated_at=now)
    Directive.objects.filter(pk=current.pk).update(updated_at=now)
    return update


def _deadline_values(current, *, new_due, new_deadline_text):
    if new_deadline_text is not None:
        deadline = _parse(new_deadline_text)
        return deadline.due, deadline.precision, new_deadline_text
    if new_due is not None:
        return new_due, "day", f"{new_due:%d/%m/%Y}"
    raise TypeError("change_deadline() needs new_due or new_deadline_text")


@transaction.atomic
def change_deadline(
    *,
    directive: Directive,
    approved_by,
    reason: str,
    new_due: datetime.date | None = None,
    new_deadline_text: str | None = None,
    share: Share | None = None,
    notify: bool = True,
) -> DeadlineChange:
    """Move the deadline, by a new date or a new deadline as written.

    The change is recorded (old and new), the version bumps so calendars
    move the event, and the reminder sequence restarts for the new date.
    With `share`, only that share's deadline moves (an extension). Without it
    on a collective directive, the directive's deadline moves and so does
    every open share still on the directive's old deadline (each recorded);
    shares already given their own deadline keep it.
    """
    if not reason.strip():
        raise DirectiveError({"reason": _("Cần nêu lý do điều chỉnh thời hạn.")}, code=Refusal.REASON_REQUIRED)
    current, share = _locked_share(directive, share)
    target = _followed(current, share)
    _refuse_unless_allowed(Action.DEADLINE, current, target, _("Nhiệm vụ đã đóng, không thể điều chỉnh thời hạn."))
    due, precision, text = _deadline_values(target, new_due=new_due, new_deadline_text=new_deadline_text)
    if due == target.due_date and text == target.deadline_text:
        raise DirectiveError(_("Thời hạn mới trùng thời hạn hiện tại."), code=Refusal.DEADLINE_UNCHANGED)
    now = timezone.now()
    change = DeadlineChange.objects.create(
        directive=current,
        share=share,
        old_due=target.due_date,
        new_due=due,
        old_deadline_text=target.deadline_text,
        new_deadline_text=text,
        reason=reason,
        approved_by=approved_by,
        approved_at=now,
    )
    if notify and (share is not None or not current.is_collective):
        # An approved extension tells its own story (decide_extension); a collective directive's shares
        # that follow the move are told below, each its own.
        events.record(
            EventKind.DEADLINE_CHANGED,
            directive=current,
            actor=approved_by,
            note=reason,
            data=_deadline_data(change),
            share=share,
        )
    moved = dict(
        due_date=due, deadline_precision=precision, deadline_text=text, version=F("version") + 1, updated_at=now
    )
    if share is not None:
        Share.objects.filter(pk=share.pk).update(**moved)
        Directive.objects.filter(pk=current.pk).update(updated_at=now)
        return change
    if current.is_collective:
        following = list(
            current.shares.select_for_update()
            .filter(due_date=current.due_date, deadline_text=current.deadline_text)
            .open()
            .order_by("pk")
        )
        DeadlineChange.objects.bulk_create(
            DeadlineChange(
                directive=current,
                share=followed,
                old_due=followed.due_date,
                new_due=due,
                old_deadline_text=followed.deadline_text,
                new_deadline_text=text,
                reason=reason,
                approved_by=approved_by,
                approved_at=now,
            )
            for followed in following
        )
        Share.objects.filter(pk__in=[followed.pk for followed in following]).update(**moved)
        if notify:
            events.record_for_shares(
                EventKind.DEADLINE_CHANGED,
                directive=current,
                shares=following,
                actor=approved_by,
                note=reason,
                data=_deadline_data(change),
            )
            if current.owner_id:
                events.record(
                    EventKind.DEADLINE_CHANGED,
                    directive=current,
                    actor=approved_by,
                    note=reason,
                    data=_deadline_data(change),
                    users=[current.owner],
                )
    Directive.objects.filter(pk=current.pk).update(**moved)
    return change


def _deadline_data(change: DeadlineChange) -> dict:
    return {
        "old_due": change.old_due.isoformat() if change.old_due else None,
        "new_due": change.new_due.isoformat() if change.new_due else None,
        "old_deadline_text": change.old_deadline_text,
        "new_deadline_text": change.new_deadline_text,
    }


def _refuse_unless_allowed(action: Action, current: Directive, target, message: str) -> None:
    """The transition table's refusal: CLOSED from a closed directive, share or state, TRANSITION otherwise."""
    if current.is_closed or not target.allows(action):
        raise DirectiveError(
            message, code=Refusal.CLOSED if current.is_closed or target.is_closed else Refusal.TRANSITION
        )


def _transition(directive, *, by, action: Action, note="", share=None, **fields):
    """Move the directive (or the share) by `action`, as the transition table says; refused otherwise."""
    new_state = TRANSITIONS[action].target
    if new_state is None:
        raise ValueError(f"{action} keeps the state: it is not a transition")
    current, share = _locked_share(directive, share)
    target = _followed(current, share)
    if share is not None and current.is_closed:
        raise DirectiveError(
            _("Không thể chuyển nhiệm vụ từ “%(old)s” sang “%(new)s”.")
            % {"old": current.get_state_display(), "new": State(new_state).label},
            code=Refusal.CLOSED,
        )
    if not target.allows(action):
        raise DirectiveError(
            _("Không thể chuyển nhiệm vụ từ “%(old)s” sang “%(new)s”.")
            % {"old": target.get_state_display(), "new": State(new_state).label},
            code=Refusal.CLOSED if target.is_closed else Refusal.TRANSITION,
        )
    old_state = target.state
    type(target).objects.filter(pk=target.pk).update(
        state=new_state, version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    target.refresh_from_db()
    _record_state(current, old_state=old_state, by=by, note=note, share=share)
    if share is not None:
        _roll_up(current, by=by)
    current.refresh_from_db()
    return target


@transaction.atomic
def submit_for_review(*, directive: Directive, by, note: str = "", share: Share | None = None):
    """Open → submitted; on a collective directive, of one share. Returns the changed directive or share."""
    if share is None:
        _refuse_collective_without_share(directive, _("gửi xác nhận hoàn thành"))
    changed = _transition(directive, by=by, action=Action.SUBMIT, note=note, share=share)
    events.record(EventKind.SUBMITTED, directive=_directive_of(changed), actor=by, note=note, share=_share_of(changed))
    return changed


@transaction.atomic
def return_for_rework(*, directive: Directive, by, note: str, share: Share | None = None):
    if share is None:
        _refuse_collective_without_share(directive, _("trả lại"))
    changed = _transition(directive, by=by, action=Action.RETURN, note=note, share=share)
    events.record(EventKind.RETURNED, directive=_directive_of(changed), actor=by, note=note, share=_share_of(changed))
    return changed


def _directive_of(changed) -> Directive:
    """The directive a transition changed, whether it returned the directive or one of its shares."""
    return changed.directive if isinstance(changed, Share) else changed


def _share_of(changed) -> Share | None:
    return changed if isinstance(changed, Share) else None


@transaction.atomic
def complete_directive(
    *,
    directive: Directive,
    by,
    completed_on: datetime.date,
    outcome: str = "",
    note: str = "",
    share: Share | None = None,
):
    """Confirm completion; on a collective directive, of one share (the directive completes with the last)."""
    if share is None:
        _refuse_collective_without_share(directive, _("xác nhận hoàn thành"))
    if completed_on > timezone.localdate():
        raise DirectiveError(
            {"completed_on": _("Ngày hoàn thành không thể ở tương lai.")}, code=Refusal.COMPLETION_DATE
        )
    if completed_on < directive.assigned_on:
        raise DirectiveError(
            {"completed_on": _("Ngày hoàn thành không thể trước ngày giao nhiệm vụ.")}, code=Refusal.COMPLETION_DATE
        )
    fields: dict[str, object] = {"completed_on": completed_on}
    if outcome:
        fields["outcome"] = outcome
    current = _transition(
        directive,
        by=by,
        action=Action.COMPLETE,
        note=note,
        share=share,
        **fields,
    )
    events.record(
        EventKind.COMPLETED,
        directive=_directive_of(current),
        actor=by,
        note=note or outcome,
        data={"completed_on": completed_on.isoformat()},
        share=_share_of(current),
    )
    return current


@transaction.atomic
def cancel_directive(
    *, directive: Directive, by, reason: str, cancelled_on: datetime.date | None = None, share: Share | None = None
):
    """Cancel the directive (all of it), or with `share` one agency's share only."""
    if not reason.strip():
        raise DirectiveError({"reason": _("Cần nêu lý do hủy nhiệm vụ.")}, code=Refusal.REASON_REQUIRED)
    return _transition(
        directive,
        by=by,
        action=Action.CANCEL,
        note=reason,
        cancelled_on=cancelled_on or timezone.localdate(),
        share=share,
    )


@transaction.atomic
def request_extension(
    *, directive: Directive, by, proposed_due: datetime.date, reason: str, share: Share | None = None
) -> ExtensionRequest:
    """Ask for more time, for the directive or (collective) for one agency's share."""
    current, share = _locked_share(directive, share)
    target = _followed(current, share)
    _refuse_unless_allowed(Action.EXTENSION, current, target, _("Nhiệm vụ đã đóng, không thể đề nghị gia hạn."))
    if share is None:
        _refuse_collective_without_share(current, _("đề nghị gia hạn"))
    if not reason.strip():
        raise DirectiveError({"reason": _("Cần nêu lý do đề nghị gia hạn.")}, code=Refusal.REASON_REQUIRED)
    if proposed_due <= timezone.localdate():
        raise DirectiveError({"proposed_due": _("Hạn đề nghị phải sau ngày hôm nay.")}, code=Refusal.EXTENSION_DATE)
    if target.due_date and proposed_due <= target.due_date:
        raise DirectiveError({"proposed_due": _("Hạn đề nghị phải sau hạn hiện tại.")}, code=Refusal.EXTENSION_DATE)
    pending = ExtensionRequest.objects.filter(
        directive=current, share=share, decision=ExtensionRequest.Decision.PENDING
    )
    if pending.exists():
        raise DirectiveError(_("Đã có một đề nghị gia hạn đang chờ duyệt."), code=Refusal.EXTENSION_PENDING)
    request = ExtensionRequest.objects.create(
        directive=current,
        share=share,
        proposed_due=proposed_due,
        reason=reason,
        requested_by=by,
        requested_at=timezone.now(),
    )
    events.record(
        EventKind.EXTENSION_REQUESTED,
        directive=current,
        actor=by,
        request=request,
        note=reason,
        share=share,
        data={
            "proposed_due": proposed_due.isoformat(),
            "old_due": target.due_date.isoformat() if target.due_date else None,
        },
    )
    return request


@transaction.atomic
def decide_extension(*, request: ExtensionRequest, by, approve: bool, note: str = "") -> ExtensionRequest:
    """Approve (the deadline moves through `change_deadline`: the share's only, for a share's request) or reject."""
    current = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if current.decision != ExtensionRequest.Decision.PENDING:
        raise DirectiveError(_("Đề nghị này đã được xử lý."), code=Refusal.ALREADY_DECIDED)
    data = {"proposed_due": current.proposed_due.isoformat()}
    if approve:
        change = change_deadline(
            directive=current.directive,
            approved_by=by,
            new_due=current.proposed_due,
            share=current.share,
            reason=_("Gia hạn theo đề nghị: %(reason)s") % {"reason": current.reason},
            notify=False,
        )
        data.update(_deadline_data(change))
    current.decision = ExtensionRequest.Decision.APPROVED if approve else ExtensionRequest.Decision.REJECTED
    current.decided_by = by
    current.decided_at = timezone.now()
    current.decision_note = note
    current.save()
    directive = Directive.objects.select_related("owner", "lead_agency").get(pk=current.directive_id)
    share = Share.objects.select_related("agency", "owner").get(pk=current.share_id) if current.share_id else None
    events.record(
        EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REJECTED,
        directive=directive,
        actor=by,
        request=current,
        note=note,
        data=data,
        share=share,
    )
    return current


@transaction.atomic
def withdraw_extension(*, request: ExtensionRequest, by) -> ExtensionRequest:
    """The requester (or the secretariat) takes back a request still pending; nobody needs telling."""
    current = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if current.decision != ExtensionRequest.Decision.PENDING:
        raise DirectiveError(_("Đề nghị này đã được xử lý, không thể rút lại."), code=Refusal.ALREADY_DECIDED)
    current.decision = ExtensionRequest.Decision.WITHDRAWN
    current.decided_by = by
    current.decided_at = timezone.now()
    current.save()
    return current


@transaction.atomic
def transfer_to_successor(
    *, agency: Agency, directives: Iterable[Directive], by, reason: str = "", co_agencies_too: bool = True
) -> list[AgencyTransfer]:
    """Hand chosen open directives of a merged agency to its successor.

    Chosen, not all: a successor is not always one-to-one (MIC's remit went
    to MOST and MCST), so the secretariat picks which directives move.
    Where the merged agency co-ordinates, the successor takes its place too;
    where it has a share of a collective directive, the share (with its
    history: progress, requests, deadline and state changes) passes to the
    successor, owned by the successor's focal point, who is told; a closed
    share stays where it was closed (refused, like a closed directive).
    """
    successor = agency.successor
    if successor is None:
        raise DirectiveError(
            _("%(agency)s không có cơ quan kế thừa.") % {"agency": agency.name(_language())}, code=Refusal.NO_SUCCESSOR
        )
    reason = reason or _("Hợp nhất: %(old)s → %(new)s từ %(date)s") % {
        "old": agency.short_name(_language()),
        "new": successor.short_name(_language()),
        "date": short_date(agency.succeeded_on),
    }
    now = timezone.now()
    transfers = []
    for directive in Directive.objects.select_for_update().filter(pk__in=[d.pk for d in directives]).order_by("pk"):
        if directive.is_closed:
            raise DirectiveError(
                _("Nhiệm vụ %(ref)s đã đóng, không chuyển.") % {"ref": directive.reference}, code=Refusal.CLOSED
            )
        if directive.lead_agency_id == agency.pk:
            Directive.objects.filter(pk=directive.pk).update(
                lead_agency=successor, version=F("version") + 1, updated_at=now
            )
            part = AgencyTransfer.Part.LEAD
        elif directive.shares.filter(agency=agency).exists():
            if directive.shares.closed().filter(agency=agency).exists():
                raise DirectiveError(
                    _("Phần việc của %(agency)s trong nhiệm vụ %(ref)s đã đóng, không chuyển.")
                    % {"ref": directive.reference, "agency": agency.short_name(_language())},
                    code=Refusal.CLOSED,
                )
            if directive.shares.filter(agency=successor).exists():
                raise DirectiveError(
                    _("Nhiệm vụ %(ref)s đã có phần việc của %(agency)s.")
                    % {"ref": directive.reference, "agency": successor.short_name_vi},
                    code=Refusal.SUCCESSOR_HAS_SHARE,
                )
            moved_share = directive.shares.get(agency=agency)
            directive.shares.filter(pk=moved_share.pk).update(
                agency=successor, owner=default_owner(successor), version=F("version") + 1, updated_at=now
            )
            Directive.objects.filter(pk=directive.pk).update(updated_at=now)
            part = AgencyTransfer.Part.SHARE
        elif co_agencies_too and directive.co_agencies.filter(pk=agency.pk).exists():
            directive.co_agencies.remove(agency)
            if successor.pk != directive.lead_agency_id:
                directive.co_agencies.add(successor)
            Directive.objects.filter(pk=directive.pk).update(updated_at=now)
            part = AgencyTransfer.Part.CO
        else:
            raise DirectiveError(
                _("Nhiệm vụ %(ref)s không do %(agency)s chủ trì hay phối hợp.")
                % {"ref": directive.reference, "agency": agency.short_name(_language())},
                code=Refusal.NOT_INVOLVED,
            )
        transfers.append(
            AgencyTransfer.objects.create(
                directive=directive,
                role=part,
                from_agency=agency,
                to_agency=successor,
                reason=reason,
                transferred_by=by,
                transferred_at=now,
            )
        )
        if part == AgencyTransfer.Part.LEAD:  # the successor's focal points take it over
            events.record(EventKind.ASSIGNED, directive=directive, actor=by, new_lead_id=successor.pk, note=reason)
        elif part == AgencyTransfer.Part.SHARE:  # so do they of the share (its new owner among them)
            events.record_for_shares(
                EventKind.ASSIGNED, directive=directive, shares=[moved_share], actor=by, note=reason
            )
    return transfers


# --- Meetings ------------------------------------------------------------------------

MEETING_FIELDS = frozenset(
    {
        "committee",
        "session_number",
        "date",
        "title_vi",
        "title_en",
        "chair",
        "notice_ref",
        "notice_date",
        "source_url",
        "notice_file",
    }
)
# A meeting is registered when it is held or announced; further ahead than this is a typing error.
MEETING_MAX_DAYS_AHEAD = 366


def _check_meeting(meeting: Meeting) -> None:
    """The meeting rules, each refusal beside its field; nothing is saved when one fails."""
    errors = {}
    if not meeting.committee:
        errors["committee"] = _("Hãy chọn ủy ban của phiên họp.")
    if meeting.date and meeting.date > timezone.localdate() + datetime.timedelta(days=MEETING_MAX_DAYS_AHEAD):
        errors["date"] = _("Ngày họp %(date)s quá xa trong tương lai; hãy kiểm tra lại năm.") % {
            "date": short_date(meeting.date)
        }
    if meeting.date and meeting.notice_date and meeting.notice_date < meeting.date:
        errors["notice_date"] = _("Thông báo kết luận không thể trước ngày họp.")
    if meeting.committee and meeting.session_number:
        twin = (
            Meeting.objects.filter(committee=meeting.committee, session_number=meeting.session_number)
            .exclude(pk=meeting.pk)
            .first()
        )
        if twin:
            errors["session_number"] = _("%(committee)s đã có phiên họp thứ %(n)s (%(date)s).") % {
                "committee": meeting.get_committee_display(),
                "n": meeting.session_number,
                "date": short_date(twin.date),
            }
    if errors:
        raise DirectiveError(errors, code=Refusal.MEETING_INVALID)


def default_meeting_title(meeting: Meeting) -> str:
    """The official form of a session's name, in Vietnamese (titles are stored in both languages)."""
    from django.utils import translation

    with translation.override("vi"):
        committee = str(Committee(meeting.committee).label)
        if meeting.session_number:
            return f"Phiên họp thứ {meeting.session_number} của {committee}"
        return f"Phiên họp của {committee} ngày {short_date(meeting.date)}"


def next_register_number(committee: str, session_number: int | None) -> int:
    """The committee's base plus its session number when free, else the next free number after the base."""
    base = REGISTER_BASE.get(committee, 900)
    if session_number and not Meeting.objects.filter(number=base + session_number).exists():
        return base + session_number
    taken = set(Meeting.objects.filter(number__gt=base).values_list("number", flat=True))
    candidate = base + 1
    while candidate in taken:
        candidate += 1
    return candidate


def _meeting_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "name"):  # a stored file
        return value.name or ""
    return value


@transaction.atomic
def create_meeting(*, by, committee: str, date: datetime.date, title_vi: str, **fields) -> Meeting:
    """Register a meeting; its register number is given here and never changes."""
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"create_meeting() got unexpected fields: {sorted(unknown)}")
    meeting = Meeting(committee=committee, date=date, title_vi=title_vi.strip(), **fields)
    _check_meeting(meeting)
    if not meeting.title_vi:
        meeting.title_vi = default_meeting_title(meeting)
    meeting.number = next_register_number(committee, meeting.session_number)
    _full_clean(meeting)
    meeting.save()
    MeetingChange.objects.create(
        meeting=meeting,
        action=MeetingChange.Action.CREATED,
        changed_by=by,
        changed_at=timezone.now(),
        changes={name: _meeting_value(getattr(meeting, name)) for name in sorted(MEETING_FIELDS | {"number"})},
    )
    return meeting


@transaction.atomic
def update_meeting(*, meeting: Meeting, by, **changes) -> Meeting:
    """Edit a meeting; each changed field is recorded with its old and new value."""
    unknown = set(changes) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"update_meeting() got unexpected fields: {sorted(unknown)}")
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    changed = {}
    for field, value in changes.items():
        old = getattr(current, field)
        if _meeting_value(old) != _meeting_value(value):
            changed[field] = [_meeting_value(old), None]
            setattr(current, field, value)
    if not changed:
        return current
    _check_meeting(current)
    _full_clean(current)
    current.save()
    for field in changed:
        changed[field][1] = _meeting_value(getattr(current, field))
    MeetingChange.objects.create(
        meeting=current, action=MeetingChange.Action.EDITED, changed_by=by, changed_at=timezone.now(), changes=changed
    )
    return current


@transaction.atomic
def delete_meeting(*, meeting: Meeting, by) -> None:
    """Only a meeting without directives can go: directives keep the meeting they were given at."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    count = current.directives.count()
    if count:
        raise DirectiveError(
            _(
                "Phiên họp này đã giao %(count)s nhiệm vụ nên không thể xóa: nhiệm vụ luôn gắn với phiên họp đã giao "
                "nó. Có thể sửa thông tin phiên họp."
            )
            % {"count": count},
            code=Refusal.MEETING_HAS_DIRECTIVES,
        )
    if current.notice_file:
        name, storage = current.notice_file.name, current.notice_file.storage
        transaction.on_commit(lambda: storage.delete(name))
    current.delete()

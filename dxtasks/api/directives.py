"""Directives: the register's list, one directive with its history, and the workflow writes.

Reads reuse the portal's register (`portal.register`: the same filters, the
same validation through its filter form). Writes take the same path as the
portal's buttons: the role check (`accounts.roles`, worded by
`portal.access`), the portal's form for the field rules, then the one
service that writes, in one transaction with the directive row locked, so a
refusal leaves nothing written.
"""

import datetime
import uuid
from typing import Annotated, Literal

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from dxtasks.directives import selectors, services
from dxtasks.directives.models import Agency, Directive, ExtensionRequest, Meeting, Share
from dxtasks.portal import access
from dxtasks.portal.forms import (
    CancelForm,
    CompleteForm,
    DirectiveForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ProgressForm,
    ReturnForm,
    SubmitForm,
)
from dxtasks.portal.register import filter_form, register_directives

from . import representations as rep
from .auth import require_write
from .conditional import check_if_match, expected_updated_at, not_modified_or_tag
from .pagination import Ordering, paginate
from .problems import ApiProblem, form_errors
from .schemas import (
    AgencyCode,
    CancelIn,
    CompleteIn,
    DecisionIn,
    DirectiveDetail,
    DirectiveIn,
    DirectivePage,
    DirectivePatch,
    ExtensionIn,
    IsoDate,
    PillarValue,
    Problem,
    ProgressIn,
    ReturnIn,
    StatusValue,
    SubmitIn,
    Text,
)

router = Router(tags=["directives"])

READ_ERRORS = {frozenset({401, 404, 422, 429}): Problem}
WRITE_ERRORS = {frozenset({400, 401, 403, 404, 412, 413, 422, 429}): Problem}

ORDERINGS = {
    # The register's "due" order (no due date last), then the reference (unique).
    "due": Ordering((("due_date", False, True), ("reference", False, False))),
    "reference": Ordering((("reference", False, False),)),
    "-reference": Ordering((("reference", True, False),)),
    "updated": Ordering((("updated_at", True, False), ("id", True, False))),
}


class DirectiveFilters(Schema):
    agency: AgencyCode | None = Field(
        default=None, description="Agency code (lead or co-ordinating, see `agency_role`)."
    )
    agency_role: Literal["involved", "lead"] = Field(
        default="involved",
        description="`involved`: the agency leads, co-ordinates or has a share; `lead`: it leads "
        "or has a share (a collective directive's share is its own to carry out).",
    )
    status: StatusValue | None = Field(default=None, description="Status category on `as_of`.")
    as_of: IsoDate | None = Field(
        default=None, description="Status as of this day (default today); only directives assigned by then are listed."
    )
    meeting: int | None = Field(default=None, ge=1, le=2_147_483_647, description="Meeting number.")
    pillar: PillarValue | None = None
    owner: Annotated[Text, Field(max_length=150)] | None = Field(
        default=None, description="The person responsible: `me`, a username or words of their name (as the register)."
    )
    due_from: IsoDate | None = None
    due_to: IsoDate | None = None
    q: Annotated[Text, Field(max_length=200)] | None = Field(
        default=None, description="Words of the reference or titles, accents optional."
    )
    sort: Literal["due", "reference", "-reference", "updated"] = "due"
    cursor: Annotated[str, Field(max_length=500, pattern=r"^[A-Za-z0-9_-]*$")] | None = None
    limit: int = Field(default=25, ge=1, le=100)


class DirectivePath(Schema):
    public_id: uuid.UUID = Field(description="The directive's public id.")


class ExtensionPath(DirectivePath):
    request_id: int = Field(ge=1, le=2**62)


def _unprocessable(errors) -> ApiProblem:
    errors = list(errors)
    return ApiProblem(422, " ".join(message for _f, message in errors), kind="validation", errors=errors)


# --- Reads -------------------------------------------------------------------------------


@router.get("/directives/", response={200: DirectivePage, 304: None, **READ_ERRORS}, summary="The register")
def list_directives(request: HttpRequest, response: HttpResponse, filters: Query[DirectiveFilters]):
    """Directives with the register's filters, in pages (`cursor`, `limit`)."""
    user = request.auth.user
    today = timezone.localdate()
    if filters.as_of is not None and filters.as_of > today:
        raise _unprocessable([("as_of", _("Ngày xem tình trạng không thể ở tương lai."))])
    # The register's own form validates the filters, so the API refuses what the page refuses.
    params = {
        name: str(value)
        for name, value in filters.dict().items()
        if name in {"agency", "status", "meeting", "pillar", "owner", "due_from", "due_to", "q"} and value is not None
    }
    form = filter_form(params, user)
    if params and not form.is_valid():
        raise _unprocessable(form_errors(form))
    data = {**(form.cleaned_data if params else {}), "agency_role": filters.agency_role}
    as_of = filters.as_of if filters.as_of and filters.as_of != today else None
    queryset = register_directives(data, user, as_of)
    rows, next_cursor, next_url = paginate(
        request, queryset, ORDERINGS[filters.sort], cursor=filters.cursor, limit=filters.limit
    )
    page = Directive.objects.filter(pk__in=[r.pk for r in rows])
    by_pk = {d.pk: d for d in rep.directives_queryset(page)}
    summaries = selectors.share_summaries(page, as_of=as_of)
    results = [rep.summary(_with_status(by_pk[r.pk], r), as_of or today, summaries) for r in rows]
    body = {"results": results, "next_cursor": next_cursor, "next": next_url}
    return not_modified_or_tag(request, response, rep.content_etag(body)) or body


def _with_status(full: Directive, row: Directive) -> Directive:
    full.status = row.status
    return full


def _directive_or_404(public_id: uuid.UUID) -> Directive:
    directive = rep.load_directive(public_id)
    if directive is None:
        raise Http404
    return directive


def _detail_response(request: HttpRequest, response: HttpResponse, public_id, *, status: int = 200):
    directive = _directive_or_404(public_id)
    data = rep.detail(directive, request.auth)
    etag = rep.directive_etag(directive, data)
    if status == 200:
        return not_modified_or_tag(request, response, etag) or data
    response["ETag"] = etag
    response["Location"] = f"/api/v1/directives/{directive.public_id}/"
    return Status(status, data)


@router.get(
    "/directives/{public_id}/",
    response={200: DirectiveDetail, 304: None, **READ_ERRORS},
    summary="One directive, with its history",
)
def get_directive(request: HttpRequest, response: HttpResponse, path: Path[DirectivePath]):
    """Every field, the status today, the latest progress, the history and what the caller may do."""
    return _detail_response(request, response, path.public_id)


# --- Workflow writes -----------------------------------------------------------------------


class ShareChoice(Schema):
    agency: AgencyCode | None = Field(
        default=None,
        description="On a collective directive, the share acted on. A focal point acts on their own "
        "agency's share (this may only name it); the secretariat names any share (none: the "
        "directive as a whole, for a note or a cancellation).",
    )


def _acting_share(user, directive: Directive, code: str | None) -> Share | None:
    """The share a write acts on, by the portal's rule (`access.acting_share`); 422 for a wrong `agency`."""
    if code and not directive.is_collective:
        raise _unprocessable(
            [
                (
                    "agency",
                    _("Nhiệm vụ %(ref)s không giao theo phần việc của từng cơ quan; hãy bỏ tham số agency.")
                    % {"ref": directive.reference},
                )
            ]
        )
    try:
        return access.acting_share(user, directive, code or "")
    except access.NoSuchShare as exc:
        raise _unprocessable([("agency", str(exc))]) from exc


def _act(
    request: HttpRequest,
    response: HttpResponse,
    public_id: uuid.UUID,
    *,
    allowed,
    perform,
    form_class=None,
    data: dict | None = None,
    agency: str | None = None,
):
    """The shape of every workflow write: scope, existence, share, role, fields, then the service under lock.

    `allowed(user, directive, share)` raises PermissionDenied; `perform(directive, data, by, share)` writes.
    """
    caller = require_write(request)
    directive = _directive_or_404(public_id)
    share = _acting_share(caller.user, directive, agency)
    allowed(caller.user, directive, share)
    cleaned = {}
    if form_class is not None:
        form = form_class(data)
        if not form.is_valid():
            raise _unprocessable(form_errors(form))
        cleaned = form.cleaned_data
    with transaction.atomic():
        locked = Directive.objects.select_for_update().get(pk=directive.pk)
        check_if_match(request, locked)
        perform(locked, cleaned, caller.user, share)
    return _detail_response(request, response, directive.public_id)


def _report(user, directive, share):
    access.require_report_action(user, directive, share)


def _manage(user, directive, share):
    access.require_manage(user)


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


@router.post(
    "/directives/{public_id}/progress/", response={200: DirectiveDetail, **WRITE_ERRORS}, summary="Report progress"
)
def report_progress(
    request: HttpRequest,
    response: HttpResponse,
    path: Path[DirectivePath],
    payload: ProgressIn,
    choice: Query[ShareChoice],
):
    """The focal point of a lead or co-ordinating agency, or the secretariat; on a collective directive, on a share."""
    return _act(
        request,
        response,
        path.public_id,
        allowed=_report,
        form_class=ProgressForm,
        agency=choice.agency,
        data={"percent": payload.percent, "note": payload.note, "evidence_url": payload.evidence_url or ""},
        perform=lambda d, data, by, share: services.record_progress(directive=d, by=by, share=share, **data),
    )


@router.post(
    "/directives/{public_id}/extension/",
    response={200: DirectiveDetail, **WRITE_ERRORS},
    summary="Request an extension",
)
def request_extension(
    request: HttpRequest,
    response: HttpResponse,
    path: Path[DirectivePath],
    payload: ExtensionIn,
    choice: Query[ShareChoice],
):
    """One pending request at a time (per share on a collective directive); the secretariat decides."""
    return _act(
        request,
        response,
        path.public_id,
        allowed=_report,
        form_class=ExtensionRequestForm,
        agency=choice.agency,
        data={"proposed_due": _date(payload.proposed_due), "reason": payload.reason},
        perform=lambda d, data, by, share: services.request_extension(directive=d, by=by, share=share, **data),
    )


@router.post(
    "/directives/{public_id}/extension/{request_id}/decision/",
    response={200: DirectiveDetail, **WRITE_ERRORS},
    summary="Decide an extension (secretariat)",
)
def decide_extension(request: HttpRequest, response: HttpResponse, path: Path[ExtensionPath], payload: DecisionIn):
    """Approve (the deadline moves, calendars follow; a share's request moves that share's) or reject."""

    def perform(directive, data, by, _share):
        extension = _extension_or_404(directive, path.request_id)
        services.decide_extension(request=extension, by=by, approve=data["decision"] == "approve", note=data["note"])

    return _act(
        request,
        response,
        path.public_id,
        allowed=_manage,
        form_class=ExtensionDecisionForm,
        data={"decision": payload.decision, "note": payload.note},
        perform=perform,
    )


@router.post(
    "/directives/{public_id}/extension/{request_id}/withdraw/",
    response={200: DirectiveDetail, **WRITE_ERRORS},
    summary="Withdraw a pending extension request",
)
def withdraw_extension(request: HttpRequest, response: HttpResponse, path: Path[ExtensionPath]):
    """Whoever made the request, or the secretariat; the request is kept, as `withdrawn`. No body."""

    def allowed(user, directive, _share):
        access.require_withdraw(user, _extension_or_404(directive, path.request_id))

    def perform(directive, _data, by, _share):
        services.withdraw_extension(request=_extension_or_404(directive, path.request_id), by=by)

    return _act(request, response, path.public_id, allowed=allowed, perform=perform)


def _extension_or_404(directive: Directive, request_id: int) -> ExtensionRequest:
    extension = ExtensionRequest.objects.filter(pk=request_id, directive=directive).first()
    if extension is None:
        raise Http404
    return extension


@router.post(
    "/directives/{public_id}/submit/", response={200: DirectiveDetail, **WRITE_ERRORS}, summary="Submit for review"
)
def submit(
    request: HttpRequest,
    response: HttpResponse,
    path: Path[DirectivePath],
    payload: SubmitIn,
    choice: Query[ShareChoice],
):
    return _act(
        request,
        response,
        path.public_id,
        allowed=_report,
        form_class=SubmitForm,
        agency=choice.agency,
        data={"note": payload.note},
        perform=lambda d, data, by, share: services.submit_for_review(
            directive=d, by=by, note=data["note"], share=share
        ),
    )


@router.post(
    "/directives/{public_id}/complete/",
    response={200: DirectiveDetail, **WRITE_ERRORS},
    summary="Confirm completion (secretariat)",
)
def complete(
    request: HttpRequest,
    response: HttpResponse,
    path: Path[DirectivePath],
    payload: CompleteIn,
    choice: Query[ShareChoice],
):
    """On a collective directive, of one share (`agency`); the directive completes with its last share."""
    return _act(
        request,
        response,
        path.public_id,
        allowed=_manage,
        form_class=CompleteForm,
        agency=choice.agency,
        data={"completed_on": _date(payload.completed_on), "outcome": payload.outcome},
        perform=lambda d, data, by, share: services.complete_directive(directive=d, by=by, share=share, **data),
    )


@router.post(
    "/directives/{public_id}/return/",
    response={200: DirectiveDetail, **WRITE_ERRORS},
    summary="Return for more work (secretariat)",
)
def return_for_rework(
    request: HttpRequest,
    response: HttpResponse,
    path: Path[DirectivePath],
    payload: ReturnIn,
    choice: Query[ShareChoice],
):
    return _act(
        request,
        response,
        path.public_id,
        allowed=_manage,
        form_class=ReturnForm,
        agency=choice.agency,
        data={"note": payload.note},
        perform=lambda d, data, by, share: services.return_for_rework(
            directive=d, by=by, note=data["note"], share=share
        ),
    )


@router.post(
    "/directives/{public_id}/cancel/", response={200: DirectiveDetail, **WRITE_ERRORS}, summary="Cancel (secretariat)"
)
def cancel(
    request: HttpRequest,
    response: HttpResponse,
    path: Path[DirectivePath],
    payload: CancelIn,
    choice: Query[ShareChoice],
):
    """The whole directive, or with `agency` one share of a collective directive."""
    return _act(
        request,
        response,
        path.public_id,
        allowed=_manage,
        form_class=CancelForm,
        agency=choice.agency,
        data={"reason": payload.reason},
        perform=lambda d, data, by, share: services.cancel_directive(
            directive=d, by=by, reason=data["reason"], share=share
        ),
    )


# --- Entry (secretariat) -------------------------------------------------------------------


def _form_data(fields: dict) -> tuple[dict, list]:
    """The portal entry form's data from API values: codes, numbers and usernames become ids."""
    data, errors = {}, []
    for name, value in fields.items():
        if name == "lead_agency":
            agency = Agency.objects.filter(code=value).only("pk").first()
            if agency is None:
                errors.append((name, _("Không có cơ quan mã %(code)s.") % {"code": value}))
            data[name] = agency.pk if agency else ""
        elif name == "co_agencies":
            found = dict(Agency.objects.filter(code__in=value).values_list("code", "pk"))
            errors += [
                (name, _("Không có cơ quan mã %(code)s.") % {"code": code}) for code in value if code not in found
            ]
            data[name] = [found[c] for c in value if c in found]
        elif name == "meeting":
            meeting = Meeting.objects.filter(number=value).only("pk").first() if value is not None else None
            if value is not None and meeting is None:
                errors.append((name, _("Không có phiên họp số %(number)s.") % {"number": value}))
            data[name] = meeting.pk if meeting else ""
        elif name == "owner":
            from django.contrib.auth import get_user_model

            owner = (
                get_user_model().objects.filter(username=value, is_active=True).only("pk").first() if value else None
            )
            if value and owner is None:
                errors.append((name, _("Không có người dùng %(username)s đang hoạt động.") % {"username": value}))
            data[name] = owner.pk if owner else ""
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = "" if value is None else value
    return data, errors


def _current_values(directive: Directive) -> dict:
    return {
        "reference": directive.reference,
        "title_vi": directive.title_vi,
        "title_en": directive.title_en,
        "lead_agency": directive.lead_agency.code,
        "co_agencies": [a.code for a in directive.co_agencies.all()],
        "deadline_text": directive.deadline_text,
        "deadline_reason": "",
        "assigned_on": directive.assigned_on,
        "meeting": directive.meeting.number if directive.meeting_id else None,
        "owner": directive.owner.username if directive.owner_id else None,
        "pillar": directive.pillar,
        "source_ref": directive.source_ref,
        "source_url": directive.source_url,
        "full_text": directive.full_text,
        "outcome": directive.outcome,
    }


@router.post("/directives/", response={201: DirectiveDetail, **WRITE_ERRORS}, summary="Create (secretariat)")
def create_directive(request: HttpRequest, response: HttpResponse, payload: DirectiveIn):
    """The deadline is given as written and parsed as the portal parses it."""
    caller = require_write(request)
    access.require_manage(caller.user)
    data, errors = _form_data(payload.dict())
    form = DirectiveForm(data)
    if errors or not form.is_valid():
        raise _unprocessable(errors + [e for e in form_errors(form) if e[0] not in {f for f, _m in errors}])
    directive = form.save(by=caller.user)
    return _detail_response(request, response, directive.public_id, status=201)


@router.patch("/directives/{public_id}/", response={200: DirectiveDetail, **WRITE_ERRORS}, summary="Edit (secretariat)")
def update_directive(request: HttpRequest, response: HttpResponse, path: Path[DirectivePath], payload: DirectivePatch):
    """Only the fields sent change; `If-Match` guards against overwriting someone else's edit."""
    caller = require_write(request)
    directive = _directive_or_404(path.public_id)
    access.require_manage(caller.user)
    sent = payload.dict(exclude_unset=True)
    for name in ("reference", "title_vi", "lead_agency", "co_agencies", "deadline_text", "assigned_on", "pillar"):
        if name in sent and sent[name] is None:
            raise _unprocessable([(name, _("Trường này không được để trống."))])
    values = {**_current_values(directive), **sent}
    data, errors = _form_data(values)
    seen = expected_updated_at(request)
    data["updated_at"] = (seen or directive.updated_at).isoformat()
    form = DirectiveForm(data, directive=directive)
    if errors or not form.is_valid():
        raise _unprocessable(errors + [e for e in form_errors(form) if e[0] not in {f for f, _m in errors}])
    form.save(by=caller.user)
    return _detail_response(request, response, directive.public_id)

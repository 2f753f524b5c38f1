"""What the API reads and writes, as pydantic schemas (they are the OpenAPI schema).

Every input schema forbids unknown fields, so a misspelt field is an error
naming it rather than a silently ignored value. Dates are ISO 8601
(`2024-12-31`), instants ISO 8601 with their offset.
"""

import datetime
import re
import uuid
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Strict

from dxtasks.directives.actions import RequestAction
from dxtasks.directives.groups import GROUPS
from dxtasks.directives.models import AgencyKind, AgencyTransfer, Committee, ExtensionRequest, Pillar, Precision, State
from dxtasks.directives.refusals import Refusal
from dxtasks.directives.status import Status
from dxtasks.directives.transitions import Action
from dxtasks.directives.worklists import SPECS

StatusValue = Literal[tuple(s.value for s in Status)]  # type: ignore[valid-type]
StateValue = Literal[tuple(State.values)]  # type: ignore[valid-type]
PillarValue = Literal[tuple(Pillar.values)]  # type: ignore[valid-type]
PrecisionValue = Literal[tuple(Precision.values)]  # type: ignore[valid-type]
KindValue = Literal[tuple(AgencyKind.values)]  # type: ignore[valid-type]
CommitteeValue = Literal[tuple(Committee.values)]  # type: ignore[valid-type]
# From the models' choices, so a new decision or transfer part is in the schema the day it is in the model.
DecisionValue = Literal[tuple(ExtensionRequest.Decision.values)]  # type: ignore[valid-type]
TransferPartValue = Literal[tuple(AgencyTransfer.Part.values)]  # type: ignore[valid-type]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


# Text from clients: no NUL characters (PostgreSQL can't store them; they are never meant).
# A validator, not a schema `pattern`: generators and clients need not parse a regex for it.
Text = Annotated[str, AfterValidator(_no_nul)]


def _iso_date(value):
    """Only YYYY-MM-DD: pydantic alone would also read 0 or 1700000000 as a date."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.date.fromisoformat(value)  # ValueError for 2024-02-30
    raise ValueError("a date as YYYY-MM-DD (ISO 8601)")


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
StrictInt = Annotated[int, Strict()]  # JSON numbers only, not "50" or true
AgencyCode = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$", max_length=32, examples=["MPS"])]


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


# --- Problems (RFC 9457) -------------------------------------------------------------------


class FieldError(Schema):
    field: str = Field(description="The field, parameter or header at fault, e.g. `percent`, `If-Match`.")
    message: str


RefusalValue = Literal[tuple(Refusal.values)]  # type: ignore[valid-type]


class Problem(Schema):
    """An error, as `application/problem+json`."""

    type: str = Field(description="A URI naming the kind of problem; `about:blank` for a plain HTTP status.")
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = Field(default_factory=list)
    refusal: RefusalValue | None = Field(
        default=None,
        description="A refusal of the rules (422, and 412 `stale_edit`): which rule refused, a code of "
        "`directives.refusals.Refusal` (README, *Refusals and their codes*); absent for other problems.",
    )


# --- Reference data ------------------------------------------------------------------------


class AgencyRef(Schema):
    code: str
    short_name_vi: str
    name_vi: str
    name_en: str


class AgencyOut(AgencyRef):
    kind: KindValue
    active: bool
    established_on: datetime.date | None
    successor: str | None = Field(description="Code of the agency that took over, for a merged agency.")
    succeeded_on: datetime.date | None
    predecessors: list[str] = Field(description="Codes of the agencies merged into this one.")


class MeetingOut(Schema):
    number: int = Field(
        description="The register number used in URLs: 7 is NCDT session 7; 101+ E-Government, 201+ Steering Committee."
    )
    committee: CommitteeValue
    date: datetime.date
    title_vi: str
    title_en: str
    chair: str
    notice_ref: str
    notice_date: datetime.date | None
    source_url: str


class Page(Schema):
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    next: str | None = Field(description="The next page's URL (path and query); null on the last page.")


class AgencyPage(Page):
    results: list[AgencyOut]


class MeetingPage(Page):
    results: list[MeetingOut]


# --- Directives ----------------------------------------------------------------------------


class Progress(Schema):
    percent: int
    note: str
    evidence_url: str | None
    reported_at: datetime.datetime
    reported_by: str | None = Field(description="Username.")
    share: str | None = Field(default=None, description="Agency code of the share concerned; null: the directive.")


class LatestProgress(Schema):
    percent: int
    note: str
    reported_at: datetime.datetime


class RollUp(Schema):
    """A collective directive's shares counted by status (as of `status_as_of`): "21/34 completed, 5 overdue"."""

    total: int
    counted: int = Field(description="Shares not cancelled.")
    completed: int = Field(description="Completed on time or late.")
    completed_on_time: int
    completed_late: int
    within_deadline: int
    overdue: int
    no_deadline: int
    cancelled: int


AddresseesValue = Literal[("",) + tuple(GROUPS)]  # type: ignore[valid-type]


class DirectiveSummary(Schema):
    public_id: uuid.UUID
    reference: str
    title_vi: str
    title_en: str
    meeting: int | None = Field(description="Meeting number.")
    pillar: PillarValue
    lead_agency: AgencyRef = Field(description="For a collective directive, the group's pseudo-agency (e.g. `ALL`).")
    addressees: AddresseesValue = Field(
        description="The group a collective directive is given to (one share per "
        "agency); empty for a single lead agency."
    )
    co_agencies: list[AgencyRef]
    owner: str | None = Field(description="Username of the person responsible.")
    assigned_on: datetime.date
    deadline_text: str = Field(description="The deadline as written, e.g. “hoàn thành trong quý II/2024”.")
    due_date: datetime.date | None
    deadline_precision: PrecisionValue
    state: StateValue
    status: StatusValue = Field(description="The Government Office category on `status_as_of`.")
    status_as_of: datetime.date
    completed_on: datetime.date | None
    cancelled_on: datetime.date | None
    version: int = Field(description="Increases on every change a calendar shows (due date, title, state, lead).")
    updated_at: datetime.datetime
    latest_progress: LatestProgress | None = Field(
        description="The latest report; on a collective directive, about the directive as a whole (see its shares)."
    )
    roll_up: RollUp | None = Field(description="A collective directive's shares by status; null for a single lead.")
    url: str = Field(description="The directive's page in the portal.")


class DirectivePage(Page):
    results: list[DirectiveSummary]


class DeadlineChangeOut(Schema):
    old_due: datetime.date | None
    new_due: datetime.date | None
    old_deadline_text: str
    new_deadline_text: str
    reason: str
    approved_by: str | None
    approved_at: datetime.datetime
    share: str | None = Field(default=None, description="Agency code of the share concerned; null: the directive.")


class StateChangeOut(Schema):
    old_state: StateValue
    new_state: StateValue
    note: str
    changed_by: str | None
    changed_at: datetime.datetime
    share: str | None = Field(default=None, description="Agency code of the share concerned; null: the directive.")


class AgencyTransferOut(Schema):
    role: TransferPartValue  # the part the agency had: lead, co, share
    from_agency: str
    to_agency: str
    reason: str
    transferred_by: str | None
    transferred_at: datetime.datetime


class ExtensionOut(Schema):
    id: int
    proposed_due: datetime.date
    reason: str
    requested_by: str | None
    requested_at: datetime.datetime
    decision: DecisionValue
    decided_by: str | None
    decided_at: datetime.datetime | None
    decision_note: str
    share: str | None = Field(default=None, description="Agency code of the share concerned; null: the directive.")


class History(Schema):
    progress: list[Progress]
    deadline_changes: list[DeadlineChangeOut]
    state_changes: list[StateChangeOut]
    agency_transfers: list[AgencyTransferOut]
    extension_requests: list[ExtensionOut]


DirectiveAction = Literal[tuple([*Action.values, *RequestAction.values])]  # type: ignore[valid-type]
ACTIONS_HELP = (
    "What the caller may do now, by role and state (`directives.actions.available_actions`, the portal's "
    "buttons): progress, extension, deadline, submit, return, complete, cancel, decide, withdraw. Empty for a "
    "read-only token."
)


class Permissions(Schema):
    """What the caller may do on this directive (the portal's rules, narrowed by a read-only token)."""

    report: bool = Field(description="Report progress, request or withdraw an extension, submit for review.")
    manage: bool = Field(description="Edit, decide extensions, complete, return, cancel (secretariat).")
    actions: list[DirectiveAction] = Field(description=ACTIONS_HELP)


class SharePermissions(Schema):
    report: bool = Field(description="Report progress, request an extension, submit for review on this share.")
    actions: list[DirectiveAction] = Field(description=ACTIONS_HELP)


class ShareOut(Schema):
    """One addressed agency's share of a collective directive, followed like a directive of its own."""

    agency: AgencyRef
    owner: str | None = Field(description="Username of the person responsible for the share.")
    deadline_text: str
    due_date: datetime.date | None
    deadline_precision: PrecisionValue
    due_as_of: datetime.date | None = Field(description="The due date in force on `status_as_of`.")
    state: StateValue
    status: StatusValue = Field(description="The Government Office category on `status_as_of`.")
    status_as_of: datetime.date
    days_overdue: int | None = Field(description="Days past `due_as_of` when overdue; otherwise null.")
    completed_on: datetime.date | None
    cancelled_on: datetime.date | None
    latest_progress: LatestProgress | None
    pending_extension: ExtensionOut | None
    version: int = Field(description="The share's calendar SEQUENCE; increases when its deadline or state changes.")
    updated_at: datetime.datetime
    permissions: SharePermissions
    url: str = Field(description="The directive's page in the portal, on this share.")


class ShareHistory(Schema):
    progress: list[Progress]
    deadline_changes: list[DeadlineChangeOut]
    state_changes: list[StateChangeOut]
    extension_requests: list[ExtensionOut]


class DirectiveRef(Schema):
    public_id: uuid.UUID
    reference: str
    title_vi: str
    title_en: str
    lead_agency: AgencyRef
    addressees: AddresseesValue
    owner: str | None
    due_date: datetime.date | None
    state: StateValue
    url: str = Field(description="The directive's page in the portal.")


class ShareDetail(ShareOut):
    directive: DirectiveRef
    outcome: str
    history: ShareHistory


class SharePage(Page):
    roll_up: RollUp | None = Field(description="Every share by status (whatever the filters); null for a single lead.")
    results: list[ShareOut]


class DirectiveDetail(DirectiveSummary):
    full_text: str
    source_ref: str
    source_url: str
    outcome: str
    created_at: datetime.datetime
    pending_extension: ExtensionOut | None = Field(
        description="The pending request for the directive itself; a share's is in its `pending_extension`."
    )
    shares: list[ShareOut] = Field(description="A collective directive's shares, by agency; empty for a single lead.")
    history: History
    permissions: Permissions


# --- The worklist --------------------------------------------------------------------------


WorklistValue = Literal[tuple(SPECS)]  # type: ignore[valid-type]
ActionValue = Literal[tuple(dict.fromkeys(spec.action for spec in SPECS.values()))]  # type: ignore[valid-type]
RowKindValue = Literal[tuple(dict.fromkeys(spec.model for spec in SPECS.values()))]  # type: ignore[valid-type]


class WorklistRow(Schema):
    directive: DirectiveRef
    extension_request: ExtensionOut | None = Field(description="For the lists of requests; null otherwise.")
    age_days: int | None = Field(
        description="Days since the row's date (requested, submitted, due …); negative for a due date still ahead."
    )
    action: ActionValue = Field(description="What the row asks for (`decide`, `complete`, `withdraw`, `open`).")
    action_path: str = Field(description="The API path that does it (`open`: the directive).")


class Worklist(Page):
    name: WorklistValue
    label: str
    count: int = Field(description="Rows in the whole list (with the `agency` filter).")
    row_kind: RowKindValue
    results: list[WorklistRow] = Field(
        description="The list's rows, oldest first (decisions and new assignments: newest first), a page of `limit`."
    )


class Inbox(Schema):
    lists: list[Worklist] = Field(description="The caller's lists in the portal's order (only `list` when given).")
    total: int = Field(
        description="The navigation's number: everything waiting, without the informational decisions "
        "and without the `agency` filter."
    )
    unread_notifications: int


# --- Writes --------------------------------------------------------------------------------


class ProgressIn(Input):
    percent: StrictInt = Field(ge=0, le=100)
    note: Text = Field(min_length=1, max_length=5000)
    evidence_url: Text | None = Field(default=None, max_length=500)


class ExtensionIn(Input):
    proposed_due: IsoDate
    reason: Text = Field(min_length=1, max_length=5000)


class DecisionIn(Input):
    decision: Literal["approve", "reject"]
    note: Text = Field(default="", max_length=5000)


class SubmitIn(Input):
    note: Text = Field(default="", max_length=5000)


class CompleteIn(Input):
    completed_on: IsoDate
    outcome: Text = Field(default="", max_length=5000)


class ReturnIn(Input):
    note: Text = Field(min_length=1, max_length=5000)


class CancelIn(Input):
    reason: Text = Field(min_length=1, max_length=5000)


class DirectiveIn(Input):
    reference: Text = Field(min_length=1, max_length=32)
    title_vi: Text = Field(min_length=1, max_length=300)
    title_en: Text = Field(default="", max_length=300)
    lead_agency: AgencyCode = Field(description="Agency code, e.g. `MPS`.", max_length=32)
    co_agencies: list[AgencyCode] = Field(default_factory=list, max_length=100)
    deadline_text: Text = Field(
        min_length=1,
        max_length=200,
        description="As written: “hoàn thành trong quý II/2024”, “trước ngày 15/3/2024”, “thường xuyên”.",
    )
    assigned_on: IsoDate
    meeting: StrictInt | None = Field(default=None, ge=1, le=2_147_483_647, description="Meeting number.")
    owner: Text | None = Field(default=None, description="Username.", max_length=150)
    pillar: PillarValue = "cross"
    source_ref: Text = Field(default="", max_length=300)
    source_url: Text = Field(default="", max_length=500)
    full_text: Text = Field(default="", max_length=100_000)


class DirectivePatch(Input):
    """Only the fields sent change. Changing `deadline_text` needs `deadline_reason`."""

    reference: Text | None = Field(default=None, min_length=1, max_length=32)
    title_vi: Text | None = Field(default=None, min_length=1, max_length=300)
    title_en: Text | None = Field(default=None, max_length=300)
    lead_agency: AgencyCode | None = Field(default=None, max_length=32)
    co_agencies: list[AgencyCode] | None = Field(default=None, max_length=100)
    deadline_text: Text | None = Field(default=None, min_length=1, max_length=200)
    deadline_reason: Text | None = Field(default=None, max_length=5000)
    assigned_on: IsoDate | None = None
    meeting: StrictInt | None = Field(default=None, ge=1, le=2_147_483_647)
    owner: Text | None = Field(default=None, max_length=150)
    pillar: PillarValue | None = None
    source_ref: Text | None = Field(default=None, max_length=300)
    source_url: Text | None = Field(default=None, max_length=500)
    full_text: Text | None = Field(default=None, max_length=100_000)
    outcome: Text | None = Field(default=None, max_length=100_000)

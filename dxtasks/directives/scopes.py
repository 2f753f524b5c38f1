"""The one definition of what a figure counts: a scope.

Every figure dxtasks prints — the dashboard, a meeting's page, an agency's
page, the briefings, the register and its exports — is computed over a
`Scope`, through `directives(scope)`:

- **population**: the directives assigned by the end of the period (the
  as-of day when there is no period) and, with a period start, not completed
  or cancelled before it (work carried over from earlier still counts);
  optionally those of one meeting, or those of one agency;
- **as-of day**: the status (and due date, deadline as written, progress) is
  the one in force at the end of that day, replayed from the history;
- **agency role**: `lead` — the directives the agency leads and its shares of
  collective directives (what it answers for: its line of the scorecards);
  `involved` — those and the ones it co-ordinates; `share` — its shares only.
  With an agency, a collective directive counts with the agency's own share's
  status, not the roll-up of every agency's.

Without a period, meeting or agency the scope is "every directive followed":
the default of the dashboard and of the overall briefing, which therefore
print the same numbers. A scope is also a set of GET parameters (`params`),
so a figure can link to the register filter that lists exactly what it counted.
"""

import dataclasses
import datetime

from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dxtasks.formats import short_date

from . import selectors
from .models import Agency, Directive, Meeting, Share
from .status import annotate_status

LEAD = "lead"
INVOLVED = "involved"
SHARE = "share"
ROLES = (LEAD, INVOLVED, SHARE)


@dataclasses.dataclass(frozen=True)
class Scope:
    as_of: datetime.date
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None  # None: up to the as-of day
    meeting: int | None = None  # the meeting's register number
    agency: str = ""  # an agency code
    role: str = LEAD

    @property
    def end(self) -> datetime.date:
        return min(self.period_end or self.as_of, self.as_of)

    def params(self, *, dates: str = "dmy") -> dict[str, str]:
        """The GET parameters that name this scope (register, dashboard, briefing links)."""
        fmt = (lambda d: f"{d:%d/%m/%Y}") if dates == "dmy" else (lambda d: d.isoformat())
        params = {}
        if self.as_of != timezone.localdate():
            params["as_of"] = fmt(self.as_of)
        if self.period_start:
            params["from"] = fmt(self.period_start)
        if self.period_end:
            params["to"] = fmt(self.period_end)
        if self.meeting:
            params["meeting"] = str(self.meeting)
        if self.agency:
            params["agency"] = self.agency
            params["role"] = self.role
        return params


class ScopeError(ValueError):
    """A scope that can't be: the message is for the user, `field` names the parameter."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _dmy(day: datetime.date) -> str:
    return short_date(day)


def make_scope(
    *,
    as_of: datetime.date | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    meeting: int | None = None,
    agency: str = "",
    role: str = LEAD,
) -> Scope:
    """Validate a scope; raise `ScopeError` naming the field. Nothing in the future, nothing before the records.

    A period end after today, or after the as-of day, is an error (never
    clipped silently); without an as-of day a period's figures are as of its
    end. An end equal to the as-of day is dropped (the as-of day ends the period).
    """
    today = timezone.localdate()
    if period_end and period_end > today:
        raise ScopeError(
            _("Cuối kỳ %(to)s ở tương lai; hãy chọn một ngày đến hết hôm nay (%(today)s).")
            % {"to": _dmy(period_end), "today": _dmy(today)},
            field="to",
        )
    if as_of is None:
        as_of = period_end or today
    if as_of > today:
        raise ScopeError(
            _("Ngày số liệu %(as_of)s ở tương lai; hãy chọn một ngày đến hết hôm nay (%(today)s).")
            % {"as_of": _dmy(as_of), "today": _dmy(today)},
            field="as_of",
        )
    first_meeting = Meeting.objects.aggregate(first=Min("date"))["first"]
    if first_meeting is not None and as_of < first_meeting:
        raise ScopeError(
            _("Ngày số liệu %(as_of)s trước phiên họp đầu tiên (%(first)s): chưa có nhiệm vụ nào để báo cáo.")
            % {"as_of": _dmy(as_of), "first": _dmy(first_meeting)},
            field="as_of",
        )
    first = Directive.objects.aggregate(first=Min("assigned_on"))["first"]
    if first is None or as_of < first:
        raise ScopeError(
            _("Chưa có dữ liệu vào ngày %(as_of)s: nhiệm vụ đầu tiên được giao ngày %(first)s.")
            % {"as_of": _dmy(as_of), "first": _dmy(first) if first else "—"},
            field="as_of",
        )
    if period_start and period_end and period_start > period_end:
        raise ScopeError(_("Đầu kỳ phải trước cuối kỳ."), field="from")
    if period_start and period_start > as_of:
        raise ScopeError(_("Đầu kỳ phải trước ngày số liệu."), field="from")
    if period_end and period_end > as_of:
        raise ScopeError(
            _("Cuối kỳ %(to)s sau ngày số liệu %(as_of)s; hãy chọn ngày số liệu từ cuối kỳ trở đi.")
            % {"to": _dmy(period_end), "as_of": _dmy(as_of)},
            field="to",
        )
    if period_end == as_of:
        period_end = None
    if meeting is not None:
        found = Meeting.objects.filter(number=meeting).first()
        if found is None:
            raise ScopeError(_("Không có phiên họp số “%(scope)s”.") % {"scope": meeting}, field="meeting")
        if as_of < found.date:
            raise ScopeError(
                _("Phiên họp số %(number)s diễn ra ngày %(date)s: chưa có nhiệm vụ nào vào ngày %(as_of)s.")
                % {"number": found.number, "date": _dmy(found.date), "as_of": _dmy(as_of)},
                field="as_of",
            )
    if agency and not Agency.objects.filter(code=agency).exists():
        raise ScopeError(_("Không có cơ quan mã “%(scope)s”.") % {"scope": agency}, field="agency")
    if role not in ROLES:
        raise ScopeError(_("Vai trò “%(role)s” không có; chọn lead hoặc involved.") % {"role": role}, field="role")
    return Scope(
        as_of=as_of, period_start=period_start, period_end=period_end, meeting=meeting, agency=agency, role=role
    )


def today_scope() -> Scope:
    return Scope(as_of=timezone.localdate())


def agency_id(scope: Scope) -> int | None:
    if not scope.agency:
        return None
    return Agency.objects.filter(code=scope.agency).values_list("pk", flat=True).first() or -1


def population(scope: Scope, queryset: QuerySet | None = None) -> QuerySet:
    """The scope's directives, not yet annotated (for counts and fingerprints that need no status)."""
    base = Directive.objects.all() if queryset is None else queryset
    base = base.filter(assigned_on__lte=scope.end)
    if scope.period_start:
        base = base.filter(
            Q(completed_on__isnull=True) | Q(completed_on__gte=scope.period_start),
            Q(cancelled_on__isnull=True) | Q(cancelled_on__gte=scope.period_start),
        )
    if scope.meeting:
        base = base.filter(meeting__number=scope.meeting)
    agency = agency_id(scope)
    if agency is not None:
        shared = Q(pk__in=Share.objects.filter(agency_id=agency).values("directive_id"))
        if scope.role == SHARE:
            base = base.filter(shared)
        elif scope.role == INVOLVED:
            base = selectors.involving_agency(agency, base)
        else:
            base = selectors.led_by_agency(agency, base)
    return base


def directives(scope: Scope, queryset: QuerySet | None = None) -> QuerySet:
    """The scope's directives annotated with `status`, `due_as_of` and `deadline_text_as_of` on its as-of day."""
    return annotate_status(population(scope, queryset), scope.as_of, agency_id=agency_id(scope))


def headline(scope: Scope) -> dict:
    """Totals and rates (selectors.headline_figures) of the scope."""
    return selectors.headline_figures(directives(scope))


def scorecards(scope: Scope, queryset: QuerySet | None = None) -> list[dict]:
    """Per-agency lines; with an agency in the scope, collective directives count only that agency's share."""
    queryset = directives(scope) if queryset is None else queryset
    return selectors.agency_scorecards(queryset, scope.as_of, share_agency_id=agency_id(scope))


def due_within(scope: Scope, days: int, queryset: QuerySet | None = None) -> int:
    """Directives within their deadline and due by as-of + `days`: the register's status + due_to filter."""
    queryset = directives(scope) if queryset is None else queryset
    return queryset.filter(status="within_deadline", due_as_of__lte=scope.as_of + datetime.timedelta(days=days)).count()


def describe(scope: Scope, *, subject: str = "", day=None) -> str:
    """The scope in one line, in the active language ("Tất cả nhiệm vụ đang theo dõi, số liệu đến 01/12/2026").

    `day` formats the dates (dd/mm/yyyy unless given: a printed edition passes its own style)."""
    day = day or _dmy
    if scope.meeting or scope.agency:
        if scope.agency:
            what = {
                LEAD: _("Nhiệm vụ do %(subject)s chủ trì, kể cả phần việc trong nhiệm vụ giao chung"),
                INVOLVED: _("Nhiệm vụ %(subject)s chủ trì, phối hợp hoặc có phần việc"),
                SHARE: _("Phần việc của %(subject)s trong các nhiệm vụ giao chung"),
            }[scope.role] % {"subject": subject or scope.agency}
        else:
            what = _("Nhiệm vụ của %(subject)s") % {"subject": subject or scope.meeting}
    elif scope.period_start:
        what = _("Nhiệm vụ đang theo dõi trong kỳ")
    else:
        what = _("Tất cả nhiệm vụ đang theo dõi")
    parts = [what]
    if scope.period_start or scope.period_end:
        start = day(scope.period_start) if scope.period_start else "…"
        parts.append(
            _("kỳ %(start)s–%(end)s (giao đến cuối kỳ, chưa xong trước đầu kỳ)")
            % {"start": start, "end": day(scope.end)}
        )
    parts.append(_("số liệu đến %(day)s") % {"day": day(scope.as_of)})
    return ", ".join(parts)

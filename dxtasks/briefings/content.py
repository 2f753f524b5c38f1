"""What a briefing says: its scope, and the figures and lists built from the selectors.

A `BriefingSpec` names one briefing (kind, scope, as-of date, language,
period). `make_spec` validates a request for one (unknown meeting or agency,
an as-of date in the future or before any data, an unsupported language) and
`build_content` turns a spec into the plain data the template prints. Status
is always the database's, for the as-of date (`selectors.directives_as_of`),
so a past date shows what the status was then.
"""

import dataclasses
import datetime
import hashlib

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dxtasks.directives import groups, labels, scopes, selectors
from dxtasks.directives.models import Agency, Committee, DeadlineChange, Directive, Meeting, Pillar, Share
from dxtasks.directives.status import REPORT_ORDER, Status, end_of_day

from . import cover
from .charts import STATUS_COLOURS, stacked_bars

# Bump when the layout or content changes, so stored PDFs of the old layout are not reused.
LAYOUT_VERSION = 2
UPCOMING_DAYS = 30
CHART_AGENCIES = 15  # agencies drawn in the chart (those with most overdue work); the rest in a note


class Kind:
    OVERALL = "overall"
    MEETING = "meeting"
    AGENCY = "agency"
    ALL = (OVERALL, MEETING, AGENCY)


class BriefingError(ValueError):
    """A briefing that can't be made; the message is for the user."""

    def __init__(self, message: str, *, not_found: bool = False, field: str = "") -> None:
        super().__init__(message)
        self.not_found = not_found  # the web answers 404 instead of 400
        self.field = field  # the options form's field it is about ("" for the form as a whole)


@dataclasses.dataclass(frozen=True)
class BriefingSpec:
    kind: str
    scope: str  # meeting number or agency code; "" for the overall briefing
    as_of: datetime.date
    language: str
    period_start: datetime.date | None = None  # None: from the first directive
    period_end: datetime.date | None = None  # None: up to the as-of date
    # An agency briefing's role (scopes.LEAD or scopes.INVOLVED, as the register's filter); "" for the others.
    role: str = ""

    @property
    def figure_scope(self) -> scopes.Scope:
        """The scope every figure of this briefing is computed over (the dashboard's, for the same choices)."""
        return scopes.Scope(
            as_of=self.as_of,
            period_start=self.period_start,
            period_end=self.period_end,
            meeting=int(self.scope) if self.kind == Kind.MEETING else None,
            agency=self.scope if self.kind == Kind.AGENCY else "",
            role=self.role or scopes.LEAD,
        )

    @property
    def period_key(self) -> str:
        return f"{self.period_start or ''}/{self.period_end or ''}"

    def slug(self) -> str:
        """A file name for the download: briefing kind, scope, date and language."""
        role = self.role if self.role not in ("", scopes.LEAD) else ""
        parts = ["briefing", self.kind, self.scope.lower(), role, self.as_of.isoformat(), self.language]
        return "-".join(p for p in parts if p)


def supported_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@dataclasses.dataclass(frozen=True)
class _Subject:
    """What a requested briefing is about, once checked: its scope and role, and the figures' filter."""

    scope: str = ""
    role: str = ""
    meeting: int | None = None
    agency: str = ""


def _overall_subject(scope: str, role: str) -> _Subject:
    """The overall briefing: every directive; a scope or role given with it is ignored."""
    return _Subject()


def _meeting_subject(scope: str, role: str) -> _Subject:
    """A meeting's briefing: the scope is the meeting's register number; no role."""
    number = int(scope) if str(scope).isascii() and str(scope).isdecimal() else -1
    if not Meeting.objects.filter(number=number).exists():
        raise BriefingError(_("Không có phiên họp số “%(scope)s”.") % {"scope": scope}, not_found=True, field="meeting")
    return _Subject(scope=scope, meeting=number)


def _agency_subject(scope: str, role: str) -> _Subject:
    """An agency's briefing: the scope is its code (any case); the role what it leads (default) or is involved in."""
    code = str(scope).upper()
    if not Agency.objects.filter(code=code).exists():
        raise BriefingError(_("Không có cơ quan mã “%(scope)s”.") % {"scope": code}, not_found=True, field="agency")
    role = role or scopes.LEAD
    if role not in (scopes.LEAD, scopes.INVOLVED):
        raise BriefingError(_("Vai trò “%(role)s” không có; chọn lead hoặc involved.") % {"role": role}, field="role")
    return _Subject(scope=code, role=role, agency=code)


# Each kind's check of its scope and role.
SUBJECTS = {Kind.OVERALL: _overall_subject, Kind.MEETING: _meeting_subject, Kind.AGENCY: _agency_subject}


def _check_language(language: str) -> None:
    if language not in supported_languages():
        raise BriefingError(
            _("Ngôn ngữ “%(lang)s” không được hỗ trợ; chọn một trong: %(choices)s.")
            % {"lang": language, "choices": ", ".join(supported_languages())},
            field="lang",
        )


def _checked_scope(subject: _Subject, **dates: datetime.date | None) -> scopes.Scope:
    """The dates checked with the subject by `scopes.make_scope`, as the dashboard's scope controls are."""
    try:
        return scopes.make_scope(
            **dates, meeting=subject.meeting, agency=subject.agency, role=subject.role or scopes.LEAD
        )
    except scopes.ScopeError as error:
        raise BriefingError(str(error), field=error.field) from error


def make_spec(
    *,
    kind: str,
    scope: str = "",
    as_of: datetime.date | None = None,
    language: str | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    role: str = "",
) -> BriefingSpec:
    """Validate a briefing request; raise `BriefingError` with a message naming the bad field.

    `role` is an agency briefing's: `lead` (the default: what the agency leads,
    its shares included) or `involved` (also what it co-ordinates). The kind,
    then the language, then the kind's own scope (`SUBJECTS`), then the dates
    are checked, the first error raised. The dates, meeting and agency are
    checked by `scopes.make_scope`, the one validation the dashboard's scope
    controls use too.
    """
    language = language or settings.LANGUAGE_CODE
    subject_of = SUBJECTS.get(kind)
    if subject_of is None:
        raise BriefingError(_("Không có loại báo cáo “%(kind)s”.") % {"kind": kind}, not_found=True, field="kind")
    _check_language(language)
    subject = subject_of(scope, role)
    checked = _checked_scope(subject, as_of=as_of, period_start=period_start, period_end=period_end)
    return BriefingSpec(
        kind, subject.scope, checked.as_of, language, checked.period_start, checked.period_end, subject.role
    )


def scope_queryset(spec: BriefingSpec) -> QuerySet:
    """The briefing's directives, annotated for the as-of date: `scopes.directives` of its scope."""
    return scopes.directives(spec.figure_scope)


def fingerprint(spec: BriefingSpec) -> str:
    """Changes whenever the data a briefing shows changes (or its layout does)."""
    data = selectors.data_fingerprint(scope_queryset(spec))
    raw = repr((LAYOUT_VERSION, spec, data))
    return hashlib.sha256(raw.encode()).hexdigest()


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def _title(directive: Directive, language: str) -> str:
    return directive.title(language)


STATUS_LABELS = dict(Status.choices)


def _date_adds_to(deadline_text: str, due: datetime.date | None) -> bool:
    """Print the due date beside the deadline as written, unless the text is that date already."""
    return due is not None and deadline_text.strip() != f"{due:%d/%m/%Y}"


LATE_NAMES_SHOWN = 12


def _roll_up_text(summary: dict) -> str:
    text = _("%(done)s/%(total)s hoàn thành") % {"done": summary["completed"], "total": summary["counted"]}
    if summary[Status.OVERDUE]:
        n = summary[Status.OVERDUE]
        text += ", " + ngettext("%(n)s quá hạn", "%(n)s quá hạn", n) % {"n": n}
    return text


def _day(language: str):
    """The edition's date style, for the labels and lines that carry a date (cover.edition_day)."""
    return lambda day: cover.edition_day(day, language)


def _late_text(agencies: list, language: str) -> str:
    names = [labels.name_label(agency, language, _day(language)) for agency in agencies[:LATE_NAMES_SHOWN]]
    rest = len(agencies) - len(names)
    text = "; ".join(names)
    if rest:
        text += " " + _("và %(n)s cơ quan khác") % {"n": rest}
    return text


def own_shares(queryset: QuerySet, spec: BriefingSpec) -> dict[int, Share]:
    """An agency briefing's own shares of the listed collective directives (directive id → share), in one query,
    each with its latest progress report by the as-of day: the agency answers for its share, so its rows
    print the share's progress, completion and outcome, not the whole directive's."""
    if spec.kind != Kind.AGENCY:
        return {}
    shares = Share.objects.filter(
        agency__code=spec.scope, directive__in=queryset.exclude(addressees="").values("pk")
    ).select_related("agency__successor")
    return {share.directive_id: share for share in selectors.with_share_progress(shares, as_of=spec.as_of)}


def _directive_rows(
    queryset: QuerySet, spec: BriefingSpec, shares: tuple[dict, dict] = ({}, {}), own: dict | None = None
) -> list[dict]:
    """The listed directives; a collective one once, with its shares' roll-up and its late agencies named
    (in an agency's briefing: with that agency's share instead, see `own_shares`)."""
    summaries, late = shares
    own = own or {}
    rows = []
    for d in queryset:
        summary = summaries.get(d.pk)
        share = own.get(d.pk)
        done = share if share is not None else d  # whose completion and progress the row prints
        completed = done.completed_on if done.completed_on and done.completed_on <= spec.as_of else None
        if summary is None:
            lead = labels.name_label(d.lead_agency, spec.language, _day(spec.language))
        else:
            lead = groups.label(d.addressees, summary["total"])
        if share is not None:
            roll_up = _("phần việc của %(agency)s") % {
                "agency": labels.short_label(share.agency, spec.language, _day(spec.language))
            }
        else:
            roll_up = _roll_up_text(summary) if summary else ""
        rows.append(
            {
                "reference": d.reference,
                "title": _title(d, spec.language),
                "lead": lead,
                "roll_up": roll_up,
                "late_agencies": "" if share is not None else _late_text(late.get(d.pk, []), spec.language),
                "deadline_text": d.deadline_text_as_of,
                "due": d.due_as_of,
                "due_differs": _date_adds_to(d.deadline_text_as_of, d.due_as_of),
                "status": d.status,
                "status_label": STATUS_LABELS[d.status],
                "days_overdue": selectors.days_overdue(d.due_as_of, spec.as_of) if d.status == Status.OVERDUE else None,
                "days_left": (d.due_as_of - spec.as_of).days if d.due_as_of and d.due_as_of >= spec.as_of else None,
                "completed_on": completed,
                "outcome": done.outcome if completed else "",
                "latest_percent": done.latest_percent,
                "latest_note": done.latest_note or "",
            }
        )
    return rows


def _status_chart_by_agency(scorecards: list[dict], language: str) -> dict:
    """The agencies with most overdue work, one bar each; the rest are summed in a note, not a bar
    (a bar of thirty agencies' sum would squash every other bar to a sliver)."""
    rows = [(card["chart"], _scorecard_counts(card)) for card in scorecards[:CHART_AGENCIES]]
    rest = scorecards[CHART_AGENCIES:]
    chart = stacked_bars(rows)
    chart["shown"] = len(rows)
    chart["rest_agencies"] = len(rest)
    chart["rest_directives"] = sum(card["assigned"] for card in rest)
    return chart


def _scorecard_counts(card: dict) -> dict[str, int]:
    return {
        Status.COMPLETED_ON_TIME: card["on_time"],
        Status.COMPLETED_LATE: card["completed"] - card["on_time"],
        Status.WITHIN_DEADLINE: card["within"],
        Status.OVERDUE: card["overdue"],
        Status.NO_DEADLINE: card["no_deadline"],
    }


def _status_chart_by_pillar(queryset: QuerySet):
    counts = {
        status.value: Count("pk", filter=Q(status=status.value))
        for status in REPORT_ORDER
        if status != Status.CANCELLED
    }
    by_pillar = {
        row["pillar"]: row for row in queryset.exclude(status=Status.CANCELLED).values("pillar").annotate(**counts)
    }
    rows = []
    for pillar in Pillar:
        if pillar.value in by_pillar:
            row = by_pillar[pillar.value]
            rows.append((str(pillar.label), {status: row[status] for status in counts}))
    return stacked_bars(rows)


def _committee_name(spec: BriefingSpec) -> str:
    if spec.kind == Kind.MEETING:
        meeting = Meeting.objects.get(number=int(spec.scope))
        return str(Committee(meeting.committee).label)
    return str(settings.BRIEFINGS_COMMITTEE or Committee.NCDT.label)


def _cover_title(spec: BriefingSpec) -> str:
    """The subject under "BÁO CÁO" on the cover."""
    if spec.kind == Kind.MEETING:
        return _("Tình hình thực hiện nhiệm vụ của phiên họp")
    if spec.kind == Kind.AGENCY:
        return _("Kết quả thực hiện nhiệm vụ của cơ quan")
    return _("Tổng hợp tình hình thực hiện nhiệm vụ")


def _label_scorecards(scorecards: list[dict], language: str) -> None:
    """Each line's name and abbreviation, merged agencies marked ("BTTTT (đã hợp nhất vào BKHCN 01/03/2025)")."""
    for card in labels.label_scorecards(scorecards, language, _day(language)):
        card["on_time_percent"] = _percent(card["on_time_rate"])


def _title_lines(spec: BriefingSpec) -> tuple[str, str, Meeting | None]:
    """The briefing's title, its subject line (meeting or agency), and the meeting."""
    if spec.kind == Kind.MEETING:
        meeting = Meeting.objects.get(number=int(spec.scope))
        return _("Báo cáo tình hình thực hiện nhiệm vụ của phiên họp"), meeting.title(spec.language), meeting
    if spec.kind == Kind.AGENCY:
        agency = Agency.objects.select_related("successor").get(code=spec.scope)
        return (
            _("Báo cáo kết quả thực hiện nhiệm vụ của cơ quan"),
            labels.name_label(agency, spec.language, _day(spec.language)),
            None,
        )
    return _("Báo cáo tổng hợp tình hình thực hiện nhiệm vụ"), "", None


def build_content(spec: BriefingSpec) -> dict:
    """Everything the template prints, computed by the database; no further queries in the template."""
    queryset = scope_queryset(spec)
    as_of = spec.as_of
    figures = selectors.headline_figures(queryset)
    scorecards = scopes.scorecards(spec.figure_scope, queryset)
    _label_scorecards(scorecards, spec.language)

    listed = selectors.with_latest_progress(queryset.select_related("lead_agency__successor"), as_of=as_of)
    shares = (selectors.share_summaries(queryset, as_of=as_of), selectors.late_agencies(queryset, as_of=as_of))
    own = own_shares(queryset, spec)
    overdue = _directive_rows(
        listed.filter(status=Status.OVERDUE).order_by("due_as_of", "reference"), spec, shares, own
    )
    upcoming = _directive_rows(
        listed.filter(
            status=Status.WITHIN_DEADLINE,
            due_as_of__gte=as_of,
            due_as_of__lte=as_of + datetime.timedelta(days=UPCOMING_DAYS),
        ).order_by("due_as_of", "reference"),
        spec,
        shares,
        own,
    )
    register = []
    if spec.kind != Kind.OVERALL:
        register = _directive_rows(listed.order_by("reference"), spec, shares, own)

    changes_start = spec.period_start
    # The directive's own deadline changes, and the extensions of single shares (not the copies a
    # directive-wide change leaves on every share that followed it).
    changes = DeadlineChange.objects.filter(
        directive__in=queryset.values("pk"), approved_at__lt=end_of_day(spec.period_end or as_of)
    ).exclude(
        share__isnull=False,
        approved_at__in=DeadlineChange.objects.filter(directive=OuterRef("directive"), share__isnull=True).values(
            "approved_at"
        ),
    )
    if changes_start:
        changes = changes.filter(approved_at__gte=end_of_day(changes_start - datetime.timedelta(days=1)))
    day = _day(spec.language)
    changes = [
        {
            "reference": c.directive.reference,
            "lead": labels.name_label(c.share.agency if c.share_id else c.directive.lead_agency, spec.language, day),
            "old_text": c.old_deadline_text,
            "old_due": c.old_due if _date_adds_to(c.old_deadline_text, c.old_due) else None,
            "new_text": c.new_deadline_text,
            "new_due": c.new_due if _date_adds_to(c.new_deadline_text, c.new_due) else None,
            "approved_at": timezone.localtime(c.approved_at),
            "reason": c.reason,
        }
        for c in changes.select_related("directive__lead_agency__successor", "share__agency__successor").order_by(
            "approved_at", "pk"
        )
    ]

    title, subject, meeting = _title_lines(spec)
    headline = [
        (Status.COMPLETED_ON_TIME, figures[Status.COMPLETED_ON_TIME]),
        (Status.COMPLETED_LATE, figures[Status.COMPLETED_LATE]),
        (Status.WITHIN_DEADLINE, figures[Status.WITHIN_DEADLINE]),
        (Status.OVERDUE, figures[Status.OVERDUE]),
        (Status.NO_DEADLINE, figures[Status.NO_DEADLINE]),
    ]
    generated_at = timezone.localtime()
    return {
        "spec": spec,
        "scope_line": cover.no_orphan(
            scopes.describe(
                spec.figure_scope,
                subject=subject or (meeting.label if meeting else ""),
                day=_day(spec.language),
            )
        ),
        "cover": cover.cover(
            _cover_title(spec), subject, figures, scorecards, as_of, generated_at.date(), spec.language
        ),
        "committee": _committee_name(spec),
        "title": title,
        "subject": subject,
        "meeting": meeting,
        "generated_at": generated_at,
        "figures": figures,
        "headline": [
            {
                "status": s.value,
                "label": STATUS_LABELS[s],
                "count": n,
                "colour": STATUS_COLOURS[s],
                "percent": _percent(n / figures["counted"]) if figures["counted"] else None,
            }
            for s, n in headline
        ],
        "completion_percent": _percent(figures["completion_rate"]),
        "on_time_percent": _percent(figures["on_time_rate"]),
        "overdue_percent_of_all": _percent(figures["overdue_share_of_all"]),
        "overdue_percent_of_due": _percent(figures["overdue_share_of_due"]),
        "already_due": figures["completed"] + figures[Status.OVERDUE],
        "scorecards": scorecards,
        "agency_chart": _status_chart_by_agency(scorecards, spec.language),
        "pillar_chart": _status_chart_by_pillar(queryset),
        "legend": [
            {"label": STATUS_LABELS[s], "colour": STATUS_COLOURS[s]} for s in REPORT_ORDER if s != Status.CANCELLED
        ],
        "overdue": overdue,
        "upcoming": upcoming,
        "upcoming_days": UPCOMING_DAYS,
        "register": register,
        "changes": changes,
        "directive_count": figures["total"],
    }

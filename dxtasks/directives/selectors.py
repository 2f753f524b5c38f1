"""Reads of the directive domain, shared by the portal, reminders, feeds and briefings.

Everything here returns querysets or plain dicts computed by the database, so
that the dashboard, the register, the reminder sweep, the calendar feeds and
the briefings count the same way and stay fast at 100,000 directives.
"""
import datetime

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from .models import Agency, Directive, ProgressUpdate
from .status import REPORT_ORDER, Status, annotate_status, end_of_day


def directives_as_of(as_of: datetime.date | None = None, queryset: QuerySet | None = None) -> QuerySet:
    """Directives already assigned on `as_of`, annotated with `status` and `due_as_of`."""
    as_of = as_of or timezone.localdate()
    queryset = Directive.objects.all() if queryset is None else queryset
    return annotate_status(queryset.filter(assigned_on__lte=as_of), as_of)


def with_related(queryset: QuerySet) -> QuerySet:
    """The relations every list shows, fetched in the same query or one more."""
    return queryset.select_related("lead_agency", "meeting", "owner").prefetch_related("co_agencies")


def with_latest_progress(queryset: QuerySet, as_of: datetime.date | None = None) -> QuerySet:
    """Annotate `latest_percent`, `latest_note` and `latest_progress_at`.

    With `as_of`, the latest report made by the end of that day (a briefing
    for a past day must not quote a later note). For a page of rows; for
    thousands, `latest_progress_by_directive` is one query instead of three
    correlated subqueries per row.
    """
    latest = ProgressUpdate.objects.filter(directive=OuterRef("pk"))
    if as_of is not None:
        latest = latest.filter(reported_at__lt=end_of_day(as_of))
    latest = latest.order_by("-reported_at", "-pk")
    return queryset.annotate(
        latest_percent=Subquery(latest.values("percent")[:1]),
        latest_note=Subquery(latest.values("note")[:1]),
        latest_progress_at=Subquery(latest.values("reported_at")[:1]),
    )


def latest_progress_by_directive(queryset: QuerySet) -> dict[int, tuple[int, str]]:
    """(percent, note) of each directive's latest progress report, in one query (a window function)."""
    ranked = (
        ProgressUpdate.objects.filter(directive_id__in=Subquery(queryset.values("pk")))
        .annotate(rank=Window(RowNumber(), partition_by=[F("directive_id")],
                              order_by=[F("reported_at").desc(), F("pk").desc()]))
        .filter(rank=1)
        .values_list("directive_id", "percent", "note")
    )
    return {directive_id: (percent, note) for directive_id, percent, note in ranked}


def involving_agency(agency: Agency | int, queryset: QuerySet | None = None) -> QuerySet:
    """Directives the agency leads or co-ordinates (each once).

    IN (subquery) rather than OR EXISTS: PostgreSQL hashes the co-ordination
    rows once instead of probing per directive (0.08 s against 0.13 s at
    100,000 directives, measured for the portal's register).
    """
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    queryset = Directive.objects.all() if queryset is None else queryset
    co = Directive.co_agencies.through.objects.filter(agency_id=agency_id).values("directive_id")
    return queryset.filter(Q(lead_agency_id=agency_id) | Q(pk__in=co))


def for_user(user, queryset: QuerySet | None = None) -> QuerySet:
    """"My directives": those the user owns and those the user's agency leads or co-ordinates.

    Decided by the user's agency now, so someone who moves agency stops
    seeing the old agency's directives.
    """
    queryset = Directive.objects.all() if queryset is None else queryset
    if not user.is_active:
        return queryset.none()
    if user.agency_id is None:
        return queryset.filter(owner=user)
    co = Directive.co_agencies.through.objects.filter(directive=OuterRef("pk"), agency_id=user.agency_id)
    return queryset.filter(Q(owner=user) | Q(lead_agency_id=user.agency_id) | Exists(co))


def status_counts(queryset: QuerySet) -> dict[str, int]:
    """Count a status-annotated queryset by category, in one query.

    Grouped by status rather than one filtered count per category: the
    database evaluates each row's status once instead of six times.
    """
    counts = {status.value: 0 for status in REPORT_ORDER}
    for row in queryset.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return {"total": sum(counts.values()), **counts}


def headline_figures(queryset: QuerySet) -> dict:
    """The figures a briefing opens with, from a status-annotated queryset.

    The overdue share is reported twice, as the Government Office does:
    against all directives, and against those already due (completed, or
    open past their deadline), which excludes work still within its time.
    Cancelled directives are left out of every rate.
    """
    counts = status_counts(queryset)
    counted = counts["total"] - counts[Status.CANCELLED]
    completed = counts[Status.COMPLETED_ON_TIME] + counts[Status.COMPLETED_LATE]
    already_due = completed + counts[Status.OVERDUE]
    return {
        **counts,
        "counted": counted,
        "completed": completed,
        "completion_rate": _share(completed, counted),
        "on_time_rate": _share(counts[Status.COMPLETED_ON_TIME], completed),
        "overdue_share_of_all": _share(counts[Status.OVERDUE], counted),
        "overdue_share_of_due": _share(counts[Status.OVERDUE], already_due),
    }


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def agency_scorecards(queryset: QuerySet, as_of: datetime.date) -> list[dict]:
    """Per lead agency: assigned, completed, on time, overdue, oldest overdue.

    From a status-annotated queryset; cancelled directives are left out.
    Ordered by overdue count, then by the oldest overdue, so the agencies to
    chase come first. Two queries: counts grouped by (agency id, status) —
    each row's status evaluated once, no join — then the agencies' names.
    """
    grouped = (
        queryset.order_by()
        .values("lead_agency_id", "status")
        .annotate(n=Count("pk"), oldest_due=Min("due_as_of"))
    )
    cards: dict[int, dict] = {}
    for row in grouped:
        if row["status"] == Status.CANCELLED:
            continue
        card = cards.setdefault(row["lead_agency_id"], {status.value: 0 for status in REPORT_ORDER})
        card[row["status"]] = row["n"]
        if row["status"] == Status.OVERDUE:
            card["oldest_overdue_due"] = row["oldest_due"]
    agencies = Agency.objects.filter(pk__in=cards).values("pk", "code", "short_name_vi", "short_name_en", "name_vi",
                                                          "name_en")
    scorecards = []
    for agency in agencies:
        card = cards[agency["pk"]]
        completed = card[Status.COMPLETED_ON_TIME] + card[Status.COMPLETED_LATE]
        oldest = card.get("oldest_overdue_due")
        scorecards.append(
            {
                "lead_agency_id": agency["pk"],
                "lead_agency__code": agency["code"],
                "lead_agency__short_name_vi": agency["short_name_vi"],
                "lead_agency__short_name_en": agency["short_name_en"] or agency["code"],
                "lead_agency__name_vi": agency["name_vi"],
                "lead_agency__name_en": agency["name_en"],
                "assigned": sum(card[s.value] for s in REPORT_ORDER),
                "completed": completed,
                "on_time": card[Status.COMPLETED_ON_TIME],
                "overdue": card[Status.OVERDUE],
                "within": card[Status.WITHIN_DEADLINE],
                "no_deadline": card[Status.NO_DEADLINE],
                "oldest_overdue_due": oldest,
                "on_time_rate": _share(card[Status.COMPLETED_ON_TIME], completed),
                "oldest_overdue_days": (as_of - oldest).days if oldest else None,
            }
        )
    scorecards.sort(key=lambda c: (-c["overdue"], c["oldest_overdue_due"] or datetime.date.max, c["lead_agency__code"]))
    return scorecards


def data_fingerprint(queryset: QuerySet) -> tuple:
    """What changes whenever anything shown about these directives changes.

    Row count, the latest `updated_at` and the sum of versions: an added,
    removed, edited or re-versioned row moves at least one of them. Used for
    ETags and cached briefings, without building the output.
    """
    result = queryset.order_by().aggregate(
        n=Count("pk"), latest=Max("updated_at"), versions=Coalesce(Sum("version"), 0)
    )
    return (result["n"], result["latest"], result["versions"])


def days_overdue(due: datetime.date | None, as_of: datetime.date) -> int | None:
    return (as_of - due).days if due and as_of > due else None


"""Reads of the directive domain, shared by the portal, reminders, feeds and briefings.

Everything here returns querysets or plain dicts computed by the database, so
that the dashboard, the register, the reminder sweep, the calendar feeds and
the briefings count the same way and stay fast at 100,000 directives.
"""

import datetime

from django.db.models import Count, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from .idsets import InIds, among_any
from .models import Agency, Directive, ProgressUpdate, Share
from .status import REPORT_ORDER, Status, annotate_share_status, annotate_status, end_of_day


def directives_as_of(as_of: datetime.date | None = None, queryset: QuerySet | None = None) -> QuerySet:
    """Directives already assigned on `as_of`, annotated with `status` and `due_as_of`."""
    as_of = as_of or timezone.localdate()
    queryset = Directive.objects.all() if queryset is None else queryset
    return annotate_status(queryset.filter(assigned_on__lte=as_of), as_of)


def with_related(queryset: QuerySet) -> QuerySet:
    """The relations every list shows, fetched in the same query or one more."""
    # The successors come along: a merged agency is labelled with the one it merged into (labels.py).
    co_agencies = Prefetch("co_agencies", queryset=Agency.objects.select_related("successor"))
    return queryset.select_related("lead_agency__successor", "meeting", "owner").prefetch_related(co_agencies)


def with_latest_progress(queryset: QuerySet, as_of: datetime.date | None = None) -> QuerySet:
    """Annotate `latest_percent`, `latest_note` and `latest_progress_at`.

    With `as_of`, the latest report made by the end of that day (a briefing
    for a past day must not quote a later note). For a page of rows; for
    thousands, `latest_progress_by_directive` is one query instead of three
    correlated subqueries per row. A collective directive's latest progress is
    the latest report about the whole directive; its shares' reports are the
    shares' own (`shares_of`).
    """
    latest = ProgressUpdate.objects.filter(directive=OuterRef("pk"), share__isnull=True)
    if as_of is not None:
        latest = latest.filter(reported_at__lt=end_of_day(as_of))
    latest = latest.order_by("-reported_at", "-pk")
    return queryset.annotate(
        latest_percent=Subquery(latest.values("percent")[:1]),
        latest_note=Subquery(latest.values("note")[:1]),
        latest_progress_at=Subquery(latest.values("reported_at")[:1]),
    )


def latest_progress_by_directive(queryset: QuerySet, as_of: datetime.date | None = None) -> dict[int, tuple[int, str]]:
    """(percent, note) of each directive's latest progress report (by the end of `as_of`), in one query."""
    reports = ProgressUpdate.objects.filter(directive_id__in=Subquery(queryset.values("pk")), share__isnull=True)
    if as_of is not None:
        reports = reports.filter(reported_at__lt=end_of_day(as_of))
    ranked = (
        reports.annotate(
            rank=Window(
                RowNumber(), partition_by=[F("directive_id")], order_by=[F("reported_at").desc(), F("pk").desc()]
            )
        )
        .filter(rank=1)
        .values_list("directive_id", "percent", "note")
    )
    return {directive_id: (percent, note) for directive_id, percent, note in ranked}


def involving_agency(agency: Agency | int, queryset: QuerySet | None = None) -> QuerySet:
    """Directives the agency leads, co-ordinates or has a share of (each once).

    Each of the three is an index lookup and the OR a union of their rows
    (`InIds`: a BitmapOr on PostgreSQL, a multi-index OR on SQLite), so the
    count and the status of an agency's directives read those rows only, not
    every directive (PostgreSQL at 100,000 directives: a sequential scan with
    hashed subplans before, 110 ms for the register's count under load).
    """
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    queryset = Directive.objects.all() if queryset is None else queryset
    co = Directive.co_agencies.through.objects.filter(agency_id=agency_id).values("directive_id")
    shared = Share.objects.filter(agency_id=agency_id).values("directive_id")
    return queryset.filter(Q(lead_agency_id=agency_id) | InIds("pk", co) | InIds("pk", shared))


def led_by_agency(agency: Agency | int, queryset: QuerySet | None = None) -> QuerySet:
    """Directives that are the agency's own to carry out: those it leads, and those it has a share of.

    A collective directive's lead is its group; each addressed agency leads its
    own share (the agency's line of the scorecards, the agency page).
    """
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    queryset = Directive.objects.all() if queryset is None else queryset
    shared = Share.objects.filter(agency_id=agency_id).values("directive_id")
    return queryset.filter(Q(lead_agency_id=agency_id) | InIds("pk", shared))


def for_user(user, queryset: QuerySet | None = None, *, shares: bool = True) -> QuerySet:
    """ "My directives": those the user owns, and those the user's agency leads, co-ordinates or has a share of
    (or whose share the user owns).

    Decided by the user's agency now, so someone who moves agency stops
    seeing the old agency's directives. `shares=False` leaves the shares out
    (a caller that follows collective directives by their shares itself).
    One condition, "id among these", over a UNION of index lookups: the
    navigation's worklist count on every page reads the user's rows, not
    every directive. Written as an OR of the lookups instead, SQLite read
    every open directive whenever the query also asked for open single-lead
    ones (its (kind, state) index looked better): 85 ms instead of 6 for the
    dashboard's "new" list at 100,000 directives.
    """
    queryset = Directive.objects.all() if queryset is None else queryset
    if not user.is_active:
        return queryset.none()
    ids = [Directive.objects.filter(owner=user).values("pk")]
    if shares:
        ids.append(Share.objects.filter(owner=user).values("directive_id"))
    if user.agency_id is not None:
        ids.append(Directive.objects.filter(lead_agency_id=user.agency_id).values("pk"))
        ids.append(Directive.co_agencies.through.objects.filter(agency_id=user.agency_id).values("directive_id"))
        if shares:
            ids.append(Share.objects.filter(agency_id=user.agency_id).values("directive_id"))
    return queryset.filter(among_any("pk", ids))


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
    return headline_from_counts(status_counts(queryset))


def headline_from_counts(counts: dict[str, int]) -> dict:
    """`headline_figures` from counts by category ("total" and one per Status value)."""
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


def agency_scorecards(queryset: QuerySet, as_of: datetime.date, *, share_agency_id: int | None = None) -> list[dict]:
    """Per agency: assigned, completed, on time, overdue, oldest overdue.

    From a status-annotated queryset; cancelled directives are left out. A
    single-lead directive counts for its lead agency; a collective directive
    counts once per share, for the share's agency, with the share's status (so
    MPS late on its share of UBQG-10/01 shows on MPS's line, and no line
    blames a group).
    Ordered by overdue count, then by the oldest overdue, so the agencies to
    chase come first. Three queries: counts grouped by (agency id, status) —
    each row's status evaluated once, no join — for directives and for shares,
    then the agencies' names. With `share_agency_id` (a figure about one
    agency) only that agency's shares count.
    """
    grouped = (
        queryset.filter(addressees="")
        .order_by()
        .values("lead_agency_id", "status")
        .annotate(n=Count("pk"), oldest_due=Min("due_as_of"))
    )
    collective = queryset.exclude(addressees="").values("pk")
    share_rows = Share.objects.filter(directive__in=collective)
    if share_agency_id is not None:
        share_rows = share_rows.filter(agency_id=share_agency_id)
    shares = (
        shares_as_of(as_of, queryset=share_rows)
        .order_by()
        .values("agency_id", "status")
        .annotate(n=Count("pk"), oldest_due=Min("due_as_of"))
    )
    rows = [(row["lead_agency_id"], row["status"], row["n"], row["oldest_due"]) for row in grouped]
    rows += [(row["agency_id"], row["status"], row["n"], row["oldest_due"]) for row in shares]
    return scorecards_from_counts(rows, as_of)


def scorecards_from_counts(rows, as_of: datetime.date) -> list[dict]:
    """`agency_scorecards` from (agency id, status, count, oldest due date of those rows) tuples.

    An agency may come in several rows per status (its directives, its shares): they add up. Counts
    may be negative (rows taken back, tallies.py); an agency whose rows add up to none has no line.
    """
    cards: dict[int, dict] = {}
    for agency_id, status, n, oldest_due in rows:
        if status == Status.CANCELLED:
            continue
        card = cards.setdefault(agency_id, {status.value: 0 for status in REPORT_ORDER})
        card[status] += n
        if status == Status.OVERDUE and oldest_due is not None:
            card["oldest_overdue_due"] = min(oldest_due, card.get("oldest_overdue_due") or datetime.date.max)
    cards = {pk: card for pk, card in cards.items() if any(card[status.value] for status in REPORT_ORDER)}
    agencies = Agency.objects.filter(pk__in=cards).values(
        "pk", "code", "short_name_vi", "short_name_en", "name_vi", "name_en"
    )
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


# --- Shares of collective directives --------------------------------------------------------


def shares_as_of(as_of: datetime.date | None = None, *, queryset: QuerySet | None = None) -> QuerySet:
    """Shares of directives already assigned on `as_of`, annotated with `status` and `due_as_of`.

    The status is the same rule as a directive's (status.py), from the share's
    own dates and deadline changes.
    """
    as_of = as_of or timezone.localdate()
    queryset = Share.objects.all() if queryset is None else queryset
    return annotate_share_status(queryset.filter(directive__assigned_on__lte=as_of), as_of)


def with_share_progress(queryset: QuerySet, as_of: datetime.date | None = None) -> QuerySet:
    """Annotate shares with `latest_percent`, `latest_note`, `latest_progress_at` (their own reports)."""
    latest = ProgressUpdate.objects.filter(share=OuterRef("pk"))
    if as_of is not None:
        latest = latest.filter(reported_at__lt=end_of_day(as_of))
    latest = latest.order_by("-reported_at", "-pk")
    return queryset.annotate(
        latest_percent=Subquery(latest.values("percent")[:1]),
        latest_note=Subquery(latest.values("note")[:1]),
        latest_progress_at=Subquery(latest.values("reported_at")[:1]),
    )


def with_share_counts(queryset: QuerySet) -> QuerySet:
    """Annotate `share_total` and `share_completed` (by stored state): "73/86" in lists of a page of rows."""
    shares = Share.objects.filter(directive=OuterRef("pk")).exclude(state="cancelled").order_by().values("directive")
    return queryset.annotate(
        share_total=Coalesce(Subquery(shares.annotate(n=Count("pk")).values("n")[:1]), 0),
        share_completed=Coalesce(Subquery(shares.filter(state="completed").annotate(n=Count("pk")).values("n")[:1]), 0),
    )


SHARE_SORTS = {
    "agency": ("agency__kind", "agency__name_vi"),
    "-agency": ("-agency__kind", "-agency__name_vi"),
    "status": ("status", "agency__name_vi"),
    "-status": ("-status", "agency__name_vi"),
    "due": ("due_as_of", "agency__name_vi"),
    "-due": ("-due_as_of", "agency__name_vi"),
    "progress": ("latest_percent", "agency__name_vi"),
    "-progress": ("-latest_percent", "agency__name_vi"),
}


def shares_of(
    directive: Directive,
    *,
    as_of: datetime.date | None = None,
    status: str = "",
    agency_kind: str = "",
    search: str = "",
    sort: str = "agency",
) -> QuerySet:
    """The share table of a collective directive: agency, owner, status, latest progress, due as of a day.

    Filterable by status, agency kind and a word of the agency's name or code;
    sortable by the keys of SHARE_SORTS (unknown keys sort by agency). Two
    queries at most, whatever the number of shares.
    """
    queryset = shares_as_of(as_of, queryset=Share.objects.filter(directive=directive))
    queryset = with_share_progress(queryset.select_related("agency__successor", "owner"), as_of)
    if status:
        queryset = queryset.filter(status=status)
    if agency_kind:
        queryset = queryset.filter(agency__kind=agency_kind)
    if search:
        queryset = queryset.filter(
            Q(agency__code__icontains=search)
            | Q(agency__name_vi__icontains=search)
            | Q(agency__short_name_vi__icontains=search)
            | Q(agency__name_en__icontains=search)
        )
    return queryset.order_by(*SHARE_SORTS.get(sort, SHARE_SORTS["agency"]))


def share_summary(directive: Directive, *, as_of: datetime.date | None = None) -> dict:
    """The roll-up line of a collective directive: counts of its shares by status, in one query.

    `completed` and `counted` (shares not cancelled) make "21/34 hoàn thành",
    `overdue` makes "5 quá hạn".
    """
    counts = status_counts(shares_as_of(as_of, queryset=Share.objects.filter(directive=directive)))
    return _summary(counts)


def _summary(counts: dict) -> dict:
    completed = counts[Status.COMPLETED_ON_TIME] + counts[Status.COMPLETED_LATE]
    return {**counts, "completed": completed, "counted": counts["total"] - counts[Status.CANCELLED]}


def share_summaries(queryset: QuerySet, *, as_of: datetime.date | None = None) -> dict[int, dict]:
    """`share_summary` for every collective directive of `queryset`, in one grouped query."""
    shares = shares_as_of(
        as_of, queryset=Share.objects.filter(directive__in=queryset.exclude(addressees="").values("pk"))
    )
    counts: dict[int, dict] = {}
    for row in shares.order_by().values("directive_id", "status").annotate(n=Count("pk")):
        card = counts.setdefault(row["directive_id"], {status.value: 0 for status in REPORT_ORDER})
        card[row["status"]] = row["n"]
    return {pk: _summary({"total": sum(card.values()), **card}) for pk, card in counts.items()}


def share_for(directive: Directive, *, agency: Agency | int | None) -> Share | None:
    """The share of `agency` in `directive`, or None (single-lead directive, or no share)."""
    if agency is None or not directive.is_collective:
        return None
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    return Share.objects.filter(directive=directive, agency_id=agency_id).select_related("agency").first()


def late_agencies(queryset: QuerySet, *, as_of: datetime.date | None = None) -> dict[int, list[Agency]]:
    """For the collective directives of `queryset`: directive id → the agencies overdue on their share."""
    as_of = as_of or timezone.localdate()
    late = (
        shares_as_of(as_of, queryset=Share.objects.filter(directive__in=queryset.exclude(addressees="").values("pk")))
        .filter(status=Status.OVERDUE)
        .select_related("agency__successor")
        .order_by("agency__kind", "agency__name_vi")
    )
    result: dict[int, list[Agency]] = {}
    for share in late:
        result.setdefault(share.directive_id, []).append(share.agency)
    return result

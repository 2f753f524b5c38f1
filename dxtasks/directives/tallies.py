"""Today's figures over every directive, counted from indexes instead of from each row's status.

The general path (a scope's `directives()` annotated by status.py, then
grouped) evaluates the status rule on every directive and share: at 100,000
directives and 500 collective ones that is about 2 s on SQLite, most of it
reading two or three dates per row. As of today, with nothing dated later,
the rule needs less:

- a completed or cancelled row's status is fixed: cancelled, or completed
  late when `completed_late` (kept by the database) says so, else on time;
- an open row's depends on its due date only: overdue before today, within
  its deadline from today, no deadline when undated.

So each figure is a count: directives and shares by (agency, state,
completed_late) are kept by the database in models.Tally (triggers, migration
0014: a few thousand rows instead of 150,000 index entries), and the open
ones are counted over an index of their due dates (overdue, due soon,
undated). The collective directives (a few hundred) are rolled up here from
their shares' counts, by ROLL_UP_ORDER as status.py does.

Directives assigned after today (entered ahead of their meeting) are not
counted yet: their few rows are read and taken back out of the counts.
`today_figures` returns None when a completion or cancellation is dated after
today (an admin edit, a clock put back), or a directive not yet assigned is
already overdue: those need status.py's replay, and the caller takes the
general path. tests/portal/test_tallies.py holds the two paths equal.
"""

import datetime
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Count, Min, Q

from . import selectors
from .models import Directive, Share, Tally
from .status import ROLL_UP_ORDER, Status
from .transitions import OPEN_STATES, State

LIST_ROWS = 10
SOON_DAYS = (7, 30)


def _closed_after(today: datetime.date) -> bool:
    """Whether a directive or share is completed or cancelled after today (indexed lookups)."""
    # One lookup per column: ORed in one query, SQLite's planner scans the table instead.
    dated: list[tuple[type[Directive] | type[Share], str]] = [
        (Directive, "completed_on"),
        (Directive, "cancelled_on"),
        (Share, "completed_on"),
        (Share, "cancelled_on"),
    ]
    return any(model.objects.filter(**{f"{field}__gt": today}).exists() for model, field in dated)


def _closed_status(state: str, late: bool | None) -> Status:
    if state == State.CANCELLED:
        return Status.CANCELLED
    return Status.COMPLETED_LATE if late else Status.COMPLETED_ON_TIME


def _status(state: str, late: bool | None, due: datetime.date | None, today: datetime.date) -> Status:
    """status.py's rule as of today, for a row dated no later than today."""
    if state not in OPEN_STATES:
        return _closed_status(state, late)
    if due is None:
        return Status.NO_DEADLINE
    return Status.OVERDUE if due < today else Status.WITHIN_DEADLINE


def _assigned_later(today: datetime.date):
    """Directives assigned after today (entered ahead of their meeting), to be taken back out of the counts:
    ([(pk, lead agency, status)] of single-lead ones, {pk} of collective ones, [(agency, status)] of their
    shares). An index range, most often empty."""
    later = Directive.objects.filter(assigned_on__gt=today).order_by()
    single = [
        (pk, lead, _status(state, late, due, today))
        for pk, lead, state, late, due in later.filter(addressees="").values_list(
            "pk", "lead_agency_id", "state", "completed_late", "due_date"
        )
    ]
    collective = set(later.exclude(addressees="").values_list("pk", flat=True))
    shares = [
        (agency, _status(state, late, due, today))
        for agency, state, late, due in Share.objects.filter(directive_id__in=collective)
        .order_by()
        .values_list("agency_id", "state", "completed_late", "due_date")
    ]
    return single, collective, shares


def today_figures(today: datetime.date) -> dict | None:
    """The dashboard's figures for every directive as of `today` (portal/dashboard.py `_compute`), or None."""
    if _closed_after(today):
        return None
    later_single, later_collective, later_shares = _assigned_later(today)
    if any(status == Status.OVERDUE for *_key, status in later_single + later_shares):
        return None  # taking it back would move an agency's oldest overdue date: the general path decides

    kept = _kept()
    single = Directive.objects.filter(addressees="").order_by()
    counts: Counter = Counter()
    cards: list[tuple[int, Status, int, datetime.date | None]] = []
    for agency_id, status, n, oldest in _tally(kept["lead"], single, "lead_agency_id", today):
        counts[status] += n
        cards.append((agency_id, status, n, oldest))
    for _pk, agency_id, status in later_single:  # not assigned yet: taken back
        counts[status] -= 1
        cards.append((agency_id, status, -1, None))

    shares = Share.objects.order_by()
    cards += _tally(kept["agency"], shares, "agency_id", today)
    cards += [(agency_id, status, -1, None) for agency_id, status in later_shares]
    per_directive: dict[int, set[Status]] = defaultdict(set)
    for directive_id, status, _n, _oldest in _tally(kept["directive"], shares, "directive_id", today):
        per_directive[directive_id].add(status)

    collective = Directive.objects.filter(addressees__gt="").order_by()
    rolled: list[tuple[int, Status, datetime.date | None]] = []
    for pk, state, late, due in collective.values_list("pk", "state", "completed_late", "due_date"):
        of_shares = per_directive.pop(pk, None)
        if pk in later_collective:
            continue
        if state == State.CANCELLED:
            status = Status.CANCELLED
        elif of_shares:  # the first in roll-up order that a share has; cancelled when all are
            status = next(s for s in ROLL_UP_ORDER if s in of_shares or s == Status.CANCELLED)
        else:
            status = _status(state, late, due, today)
        counts[status] += 1
        rolled.append((pk, status, due))
    if per_directive:
        return None  # shares of a directive that is not collective (any more): the general path decides

    bounds = {days: today + datetime.timedelta(days=days) for days in SOON_DAYS}
    open_single = single.filter(state__in=OPEN_STATES)
    soon = open_single.filter(due_date__gte=today, due_date__lte=bounds[30])
    if later_single:
        soon = soon.exclude(pk__in=[pk for pk, _agency, _status in later_single])
    due_soon = soon.aggregate(in_7=Count("due_date", filter=Q(due_date__lte=bounds[7])), in_30=Count("due_date"))
    within = [(pk, due) for pk, status, due in rolled if status == Status.WITHIN_DEADLINE and due is not None]
    for days in SOON_DAYS:
        due_soon[f"in_{days}"] += sum(1 for _pk, due in within if due <= bounds[days])

    def first_rows(queryset, more) -> list[int]:
        rows = list(queryset.order_by("due_date", "pk").values_list("due_date", "pk")[:LIST_ROWS])
        rows += more
        rows.sort(key=lambda row: (row[0] is None, row[0] or today, row[1]))
        return [pk for _due, pk in rows[:LIST_ROWS]]

    total = sum(counts.values())
    return {
        "headline": selectors.headline_from_counts({"total": total, **{s.value: counts[s] for s in Status}}),
        "due_soon": due_soon,
        "scorecards": selectors.scorecards_from_counts(cards, today),
        "overdue_ids": first_rows(
            open_single.filter(due_date__lt=today),
            [(due, pk) for pk, status, due in rolled if status == Status.OVERDUE],
        ),
        "soon_ids": first_rows(soon, [(due, pk) for pk, due in within if due <= bounds[30]]),
    }


def _kept() -> dict[str, list[tuple[int, str, bool, int]]]:
    """The Tally rows by kind: [(key, state, late, n)] for "lead", "agency" and "directive"."""
    kept: dict[str, list[tuple[int, str, bool, int]]] = {"lead": [], "agency": [], "directive": []}
    for kind, key, state, late, n in Tally.objects.exclude(n=0).values_list("kind", "key", "state", "late", "n"):
        kept[kind].append((key, state, late, n))
    return kept


def recounted() -> Counter:
    """{(kind, key, state, late): n} counted from the directives and shares themselves: what Tally must hold."""
    found: Counter = Counter()
    for kind, queryset, key in (
        ("lead", Directive.objects.filter(addressees=""), "lead_agency_id"),
        ("agency", Share.objects.all(), "agency_id"),
        ("directive", Share.objects.all(), "directive_id"),
    ):
        for value, state, late, n in (
            queryset.order_by().values_list(key, "state", "completed_late").annotate(n=Count("*"))
        ):
            found[kind, value, state, bool(late)] += n
    return found


def differences() -> dict[tuple, tuple[int, int]]:
    """{(kind, key, state, late): (kept, recounted)} wherever models.Tally disagrees with the tables."""
    kept: Counter = Counter()
    for kind, key, state, late, n in Tally.objects.values_list("kind", "key", "state", "late", "n"):
        kept[kind, key, state, late] += n
    found = recounted()
    return {k: (kept[k], found[k]) for k in set(kept) | set(found) if kept[k] != found[k]}


def recount() -> None:
    """Replace the kept counts by a recount, the two tables locked against writers meanwhile (PostgreSQL)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":  # SQLite's write transaction already excludes other writers
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE directives_directive, directives_share IN SHARE MODE")
        Tally.objects.all().delete()
        Tally.objects.bulk_create(
            Tally(kind=kind, key=key, state=state, late=late, n=n)
            for (kind, key, state, late), n in recounted().items()
        )


def _tally(
    kept: list[tuple[int, str, bool, int]], queryset, key: str, today: datetime.date
) -> list[tuple[int, Status, int, datetime.date | None]]:
    """(key, status, count, oldest due date) for each `key` (lead agency, agency, directive) and status.

    Closed rows from the kept counts by (key, state, late); open ones by their due date against today, those
    within their deadline being the open ones not overdue and not undated: two grouped reads of an index, no
    row's dates read but the overdue and undated ones'.
    """
    rows: list[tuple[int, Status, int, datetime.date | None]] = []
    open_n: Counter = Counter()
    for value, state, late, n in kept:
        if state in OPEN_STATES:
            open_n[value] += n
        else:
            rows.append((value, _closed_status(state, late), n, None))
    open_rows = queryset.filter(state__in=OPEN_STATES)
    overdue = open_rows.filter(due_date__lt=today).values_list(key).annotate(n=Count("*"), oldest=Min("due_date"))
    undated = open_rows.filter(due_date__isnull=True).values_list(key).annotate(n=Count("*"))
    for status, grouped in ((Status.OVERDUE, overdue), (Status.NO_DEADLINE, undated)):
        for value, n, *oldest in grouped:
            rows.append((value, status, n, oldest[0] if oldest else None))
            open_n[value] -= n
    rows += [(value, Status.WITHIN_DEADLINE, n, None) for value, n in open_n.items() if n]
    return rows

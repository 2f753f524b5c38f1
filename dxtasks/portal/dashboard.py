"""The dashboard's figures: computed by the selectors, kept in the shared cache until the data moves.

Today's figures over every directive (the default view) are counted from
the database's kept counts and indexes (directives/tallies.py: 30–40 ms at
100,000 directives and 500 collective ones); any other scope evaluates the
status of every row (0.4–1 s there). Either way they change only
when a directive changes or the day turns, so they are cached under a key
made of the day and `data_version()`: the latest `updated_at` (every service
bumps it; Max on an indexed column reads one index entry) and a stamp that a
deleted directive renews. A count of the directives did the deleted rows'
part before, but it read every row: a third of the cached dashboard.
The next view after any change recomputes them; a TTL bounds the rest
(agency renames, for instance). PORTAL_DASHBOARD_CACHE_SECONDS = 0 turns the
cache off.

"My directives" (owned, or led, co-ordinated or shared by the user's agency)
are found through the indexes of the user's rows (selectors.for_user); their
rendered table is cached per user and agency the same way, and their ten
rows are read with the figures' lists, in one query (`ListedRows`).
"""

import datetime
import time
from collections.abc import Callable
from itertools import chain

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from dxtasks.directives import scopes, selectors, tallies
from dxtasks.directives.models import Directive
from dxtasks.directives.status import Status, annotate_status

from .lists import list_rows

MINE_ROWS = 10


DELETIONS_KEY = "portal:directive-deletions"


def data_version() -> str:
    """What moves whenever any directive changes: the latest `updated_at`, and the stamp of the last deletion.

    The stamp lives in the shared cache with the figures. A stamp lost with the
    cache (flushed, culled) is replaced by a new one, never by an old value, so
    a version once seen never comes back after a deletion.
    """
    latest = Directive.objects.order_by().aggregate(latest=Max("updated_at"))["latest"]
    stamp = cache.get_or_set(DELETIONS_KEY, time.time_ns, None)
    return f"{latest.isoformat() if latest else ''}:{stamp}"


def directive_deleted(**kwargs) -> None:
    """post_delete of a directive (admin, cascades): a new stamp, so no cached figure still counts it."""
    cache.set(DELETIONS_KEY, time.time_ns(), None)


LIST_ROWS = tallies.LIST_ROWS


def _compute(scope: scopes.Scope) -> dict:
    """The dashboard's figures over `scope`: counted from indexes for today's whole register, else by status.

    Today's figures over every directive (the dashboard's default) come from
    tallies.py: index counts, 30 times fewer rows read at 100,000 directives.
    Any other scope, or a row dated after today, takes the general path.
    """
    if scope == scopes.today_scope():
        figures = tallies.today_figures(scope.as_of)
        if figures is not None:
            return figures
    return _compute_by_status(scope)


def _compute_by_status(scope: scopes.Scope) -> dict:
    """The figures over `scope` by each row's status: the same selectors, on the same queryset, as the briefings'."""
    annotated = scopes.directives(scope)
    within = Q(status=Status.WITHIN_DEADLINE)
    bounds = {days: scope.as_of + datetime.timedelta(days=days) for days in tallies.SOON_DAYS}
    due_soon = annotated.order_by().aggregate(
        **{f"in_{days}": Count("pk", filter=within & Q(due_as_of__lte=bound)) for days, bound in bounds.items()}
    )
    soon = annotated.filter(within, due_as_of__lte=bounds[max(bounds)])
    by_due = F("due_as_of").asc(nulls_last=True)  # the same on both databases (a collective one may be undated)
    return {
        "headline": selectors.headline_figures(annotated),
        "due_soon": due_soon,
        "scorecards": scopes.scorecards(scope, annotated),
        # Ids of the rows the lists show: the lists then read ten rows, not a status per directive.
        "overdue_ids": list(
            annotated.filter(status=Status.OVERDUE).order_by(by_due, "pk").values_list("pk", flat=True)[:LIST_ROWS]
        ),
        "soon_ids": list(soon.order_by(by_due, "pk").values_list("pk", flat=True)[:LIST_ROWS]),
    }


def figures_key(scope: scopes.Scope, version: str) -> str:
    """What the figures over `scope` depend on: the day, the scope, and `data_version()`.

    The page's rendered lists and scorecards are cached under it too (with the language), since they show
    those figures' rows and nothing of the person reading them.
    """
    return (
        f"portal:dashboard:{timezone.localdate().isoformat()}:{scope.as_of}:{scope.period_start}:"
        f"{scope.period_end}:{version}"
    )


def dashboard_figures(scope: scopes.Scope, version: str | None = None) -> dict:
    """{"headline", "due_soon", "scorecards", "overdue_ids", "soon_ids"} for `scope`, cached until the data moves."""
    ttl = settings.PORTAL_DASHBOARD_CACHE_SECONDS  # 0 turns caching off
    if not ttl:
        return _compute(scope)
    key = figures_key(scope, version or data_version())
    figures = cache.get(key)
    if figures is None:
        figures = _compute(scope)
        cache.set(key, figures, ttl)
    return figures


def mine_key(user, today: datetime.date, version: str) -> str:
    """What a person's "my directives" depend on: who (and their agency), the day, and `data_version()`.

    Their rendered table is cached under it (with the language).
    """
    return f"{user.pk}:{user.agency_id}:{user.is_active}:{today.isoformat()}:{version}"


def my_open_ids(user) -> list[int]:
    """Ids of the user's first open directives by due date (undated last).

    Read only when the table of them is not cached (`mine_key`): their ids were cached on their own before,
    an entry that served only a change of language.
    """
    mine = selectors.for_user(user).open()
    return list(mine.order_by(F("due_date").asc(nulls_last=True), "pk").values_list("pk", flat=True)[:MINE_ROWS])


class ListedRows:
    """The dashboard's ten-row lists ("overdue", "soon", "mine"), read when the page first shows one of them.

    Their rows are chosen by id (the figures' `overdue_ids` and `soon_ids`, `my_open_ids`) and come in that
    order (by due date, undated last), with their status, relations and latest progress. Building and compiling
    that annotated queryset costs 5–8 ms, reading ten rows by id under 1: so the lists that share a status
    annotation are read in one query — the scope's two always, and "mine" with them over today's whole
    register (the dashboard's default, where the scope's status is today's too).
    """

    def __init__(self, scope: scopes.Scope, figures: dict, mine_ids: Callable[[], list[int]]):
        self.scope, self.figures, self.mine_ids = scope, figures, mine_ids
        self._rows: dict[str, list[Directive]] = {}

    def __getitem__(self, name: str) -> list[Directive]:
        if name not in self._rows:
            self._read(name)
        return self._rows[name]

    def _read(self, name: str) -> None:
        of_scope = {"overdue": self.figures["overdue_ids"], "soon": self.figures["soon_ids"]}
        if self.scope == scopes.today_scope():  # the ids were chosen in scope: no population filter needed
            wanted = {**of_scope, "mine": self.mine_ids()}
        elif name == "mine":
            wanted = {"mine": self.mine_ids()}
        else:
            wanted = of_scope
        # One annotated queryset, built for what is read (annotating resolves the status expressions at once).
        if "mine" in wanted:  # today's status: the scope's too when it is today's whole register
            today = timezone.localdate()
            queryset, as_of = annotate_status(Directive.objects.all(), today), today
        else:
            queryset, as_of = scopes.directives(self.scope), self.scope.as_of
        found = list_rows(queryset, as_of).in_bulk(set(chain.from_iterable(wanted.values())))
        for key, ids in wanted.items():
            self._rows[key] = [found[pk] for pk in ids if pk in found]

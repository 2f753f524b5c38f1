"""The dashboard's figures: computed by the selectors, kept in the shared cache until the data moves.

At 100,000 directives the status counts and the per-agency scorecards are
full scans with a CASE per row (about 0.7 s on SQLite). They change only
when a directive changes or the day turns, so they are cached under a key
made of the day, the number of directives and the latest `updated_at`
(every service bumps it; Max on an indexed column and a count are cheap).
The next view after any change recomputes them; a TTL bounds the rest
(agency renames, for instance). PORTAL_DASHBOARD_CACHE_SECONDS = 0 turns the
cache off.

"My directives" (owned, or led, co-ordinated or shared by the user's agency)
is a scan of every directive too (115 ms at 100,000): its first ten open
ids are cached the same way, per user and agency, and only those ten rows
are then read.
"""
import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Q

from dxtasks.directives import selectors
from dxtasks.directives.models import Directive, State
from dxtasks.directives.status import annotate_status

DEFAULT_TTL = 600
OPEN_STATES = [State.OPEN, State.SUBMITTED]


MINE_ROWS = 10


def data_version() -> str:
    """What moves whenever any directive changes: the number of directives and the latest `updated_at`."""
    row = Directive.objects.order_by().aggregate(n=Count("pk"), latest=Max("updated_at"))
    return f"{row['n']}:{row['latest'].isoformat() if row['latest'] else ''}"


def _ttl() -> int:
    return getattr(settings, "PORTAL_DASHBOARD_CACHE_SECONDS", DEFAULT_TTL)


def _compute(today: datetime.date) -> dict:
    annotated = annotate_status(Directive.objects.all(), today)
    upcoming = Q(state__in=OPEN_STATES, due_date__gte=today)
    due_soon = Directive.objects.aggregate(
        in_7=Count("pk", filter=upcoming & Q(due_date__lte=today + datetime.timedelta(days=7))),
        in_30=Count("pk", filter=upcoming & Q(due_date__lte=today + datetime.timedelta(days=30))),
    )
    return {
        "headline": selectors.headline_figures(annotated),
        "due_soon": due_soon,
        "scorecards": selectors.agency_scorecards(annotated, today),
    }


def dashboard_figures(today: datetime.date, version: str | None = None) -> dict:
    """{"headline", "due_soon", "scorecards"} for `today`, from the cache when the data has not moved."""
    ttl = _ttl()
    if not ttl:
        return _compute(today)
    key = f"portal:dashboard:{today.isoformat()}:{version or data_version()}"
    figures = cache.get(key)
    if figures is None:
        figures = _compute(today)
        cache.set(key, figures, ttl)
    return figures


def my_open_ids(user, today: datetime.date, version: str | None = None) -> list[int]:
    """Ids of the user's first open directives by due date (undated last), cached until the data moves.

    Per user and agency (a user who moves agency gets a new entry), and per
    day, since the cached ids are today's.
    """
    def compute() -> list[int]:
        mine = selectors.for_user(user).filter(state__in=OPEN_STATES)
        return list(mine.order_by(F("due_date").asc(nulls_last=True), "pk").values_list("pk", flat=True)[:MINE_ROWS])

    ttl = _ttl()
    if not ttl:
        return compute()
    key = (f"portal:mine:{user.pk}:{user.agency_id}:{user.is_active}:{today.isoformat()}:"
           f"{version or data_version()}")
    ids = cache.get(key)
    if ids is None:
        ids = compute()
        cache.set(key, ids, ttl)
    return ids

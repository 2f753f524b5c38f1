"""The dashboard's figures: computed by the selectors, kept in the shared cache until the data moves.

At 100,000 directives the status counts and the per-agency scorecards are
full scans with a CASE per row (about 0.7 s on SQLite). They change only
when a directive changes or the day turns, so they are cached under a key
made of the day, the number of directives and the latest `updated_at`
(every service bumps it; Max on an indexed column and a count are cheap).
The next view after any change recomputes them; a TTL bounds the rest
(agency renames, for instance). PORTAL_DASHBOARD_CACHE_SECONDS = 0 turns the
cache off.
"""
import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q

from dxtasks.directives import selectors
from dxtasks.directives.models import Directive, State
from dxtasks.directives.status import annotate_status

DEFAULT_TTL = 600
OPEN_STATES = [State.OPEN, State.SUBMITTED]


def _fingerprint() -> tuple:
    row = Directive.objects.order_by().aggregate(n=Count("pk"), latest=Max("updated_at"))
    return row["n"], row["latest"].isoformat() if row["latest"] else ""


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


def dashboard_figures(today: datetime.date) -> dict:
    """{"headline", "due_soon", "scorecards"} for `today`, from the cache when the data has not moved."""
    ttl = getattr(settings, "PORTAL_DASHBOARD_CACHE_SECONDS", DEFAULT_TTL)
    if not ttl:
        return _compute(today)
    n, latest = _fingerprint()
    key = f"portal:dashboard:{today.isoformat()}:{n}:{latest}"
    figures = cache.get(key)
    if figures is None:
        figures = _compute(today)
        cache.set(key, figures, ttl)
    return figures

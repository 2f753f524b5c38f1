"""The worklist as the navigation and the dashboard show it: counts and first rows, cached until the data moves.

On the dashboard, which already computes `dashboard.data_version()`, the
counts and the identities of the first rows are kept in the shared cache
under the user, their role and agency, the day, that version and the
requests' own version (count, latest request, latest decision); the rows
are then read by primary key, so a repeat visit scans nothing. Other pages
count directly (two aggregates) for the navigation. The definitions stay in
`dxtasks.directives.worklists`; this module only keeps their results.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max

from dxtasks.directives import worklists
from dxtasks.directives.models import Directive, ExtensionRequest, Notification, Share

from .dashboard import data_version

TOP_ROWS = 5


def requests_version() -> str:
    row = ExtensionRequest.objects.order_by().aggregate(n=Count("pk"), r=Max("requested_at"), d=Max("decided_at"))
    return f"{row['n']}:{row['r'].isoformat() if row['r'] else ''}:{row['d'].isoformat() if row['d'] else ''}"


def _cached(kind: str, user, today: datetime.date, version: str | None, compute):
    ttl = settings.PORTAL_DASHBOARD_CACHE_SECONDS  # 0 turns caching off
    if not ttl:
        return compute()
    key = (
        f"portal:worklist-{kind}:{user.pk}:{user.role}:{user.agency_id}:{user.is_active}:{today.isoformat()}:"
        f"{version or data_version()}:{requests_version()}"
    )
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, ttl)
    return found


def counts(user, today: datetime.date, version: str | None = None) -> dict[str, int]:
    """{list: n} for the user, from the cache while nothing moved."""
    if not worklists.lists_for(user):
        return {}
    return _cached("counts", user, today, version, lambda: worklists.counts(user, today=today))


def nav_count(user, today: datetime.date, known: dict[str, int] | None = None) -> int:
    """What waits (not the informational decisions) plus unread notifications.

    `known`: counts the view already has (the dashboard's cached ones); otherwise
    they are counted now, two aggregates, cheaper on an ordinary page than the
    cache's own bookkeeping (version queries, and a write on every change).
    """
    figures = known if known is not None else worklists.counts(user, today=today)
    waiting = sum(n for name, n in figures.items() if name != "decisions")
    return waiting + Notification.objects.filter(user=user, read_at__isnull=True).count()


def top_rows(
    user, today: datetime.date, version: str | None = None, known: dict[str, int] | None = None
) -> list[tuple]:
    """(list, label, row, age in days) for the dashboard; rows read by primary key.

    `known`: the user's counts (`counts`), which decide the lists to read.
    """
    if not worklists.lists_for(user):
        return []
    top = _cached(
        "top",
        user,
        today,
        version,
        lambda: [
            (name, getattr(row, "worklist_model", worklists.SPECS[name].model), row.pk, row.age_from)
            for name, row in worklists.top(user, limit=TOP_ROWS, today=today, known=known)
        ],
    )
    found = {
        "directive": Directive.objects.select_related("lead_agency__successor").in_bulk(
            [pk for _n, model, pk, _a in top if model == "directive"]
        ),
        "share": Share.objects.select_related("directive", "agency__successor").in_bulk(
            [pk for _n, model, pk, _a in top if model == "share"]
        ),
        "extension_request": ExtensionRequest.objects.select_related("directive__lead_agency").in_bulk(
            [pk for _n, model, pk, _a in top if model == "extension_request"]
        ),
    }
    rows = []
    for name, model, pk, age_from in top:
        row = found[model].get(pk)
        if row is not None:
            rows.append((name, worklists.SPECS[name].label, row, worklists.age_days(age_from, today)))
    return rows

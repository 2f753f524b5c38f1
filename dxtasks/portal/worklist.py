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


def dashboard_lists(user, today: datetime.date, version: str | None = None) -> tuple[dict[str, int], list[tuple]]:
    """The user's counts (the navigation's too) and the keys of their first rows, cached together until the data
    moves: (counts, [(list, model, pk, age_from)]). Nothing for a role without lists."""
    if not worklists.lists_for(user):
        return {}, []

    def compute():
        found = worklists.counts(user, today=today)
        return found, worklists.top(user, limit=TOP_ROWS, today=today, known=found)

    ttl = settings.PORTAL_DASHBOARD_CACHE_SECONDS  # 0 turns caching off
    if not ttl:
        return compute()
    key = (
        f"portal:worklist:{user.pk}:{user.role}:{user.agency_id}:{user.is_active}:{today.isoformat()}:"
        f"{version or data_version()}:{requests_version()}"
    )
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, ttl)
    return found


def nav_count(user, today: datetime.date, known: dict[str, int] | None = None) -> int:
    """What waits (not the informational decisions) plus unread notifications.

    `known`: counts the view already has (the dashboard's cached ones); otherwise
    they are counted now, two aggregates, cheaper on an ordinary page than the
    cache's own bookkeeping (version queries, and a write on every change).
    """
    figures = known if known is not None else worklists.counts(user, today=today)
    waiting = sum(n for name, n in figures.items() if name != "decisions")
    return waiting + Notification.objects.filter(user=user, read_at__isnull=True).count()


def top_rows(top: list[tuple], today: datetime.date) -> list[tuple]:
    """(list, label, row, age in days) for the keys `dashboard_lists` gives; rows read by primary key."""
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

"""Which briefings are kept, and how many a user may have made for them.

Any reader can ask for a briefing as of any day, for any period; storing
each distinct request let 20 requests make 20 files, and above the sync
limit each one a queued job. The policy:

- **Canonical** briefings are stored and reused: as of today, or as of the
  first or last day of a month (the dates reports are made for), with the
  default period. Everything else is *custom*.
- A small custom briefing is made in the request and not stored.
- A large custom briefing has to go to a worker, so it is stored, but each
  user may have at most `BRIEFINGS_CUSTOM_PER_DAY` of those made per day
  (README "Settings"); beyond that the answer is 429, until tomorrow.
- At most one job per briefing scope (kind, scope, as-of date, language,
  period) is queued: a request while one is pending gets that one.
- A stored briefing as of an earlier day that is not canonical any more
  ("today" yesterday, mid-month) is dropped when its scope is made again.
"""

import calendar
import datetime

from django.conf import settings
from django.utils import timezone

from .content import BriefingSpec
from .models import StoredBriefing


def canonical_day(day: datetime.date, today: datetime.date) -> bool:
    return day == today or day.day == 1 or day.day == calendar.monthrange(day.year, day.month)[1]


def default_period(spec: BriefingSpec) -> bool:
    """No period: every directive followed (the dashboard's default scope)."""
    return spec.period_start is None and spec.period_end is None


def is_canonical(spec: BriefingSpec, today: datetime.date | None = None) -> bool:
    return canonical_day(spec.as_of, today or timezone.localdate()) and default_period(spec)


def _same_scope(spec_or_row) -> dict:
    return {
        "kind": spec_or_row.kind,
        "scope": spec_or_row.scope,
        "role": spec_or_row.role,
        "as_of": spec_or_row.as_of,
        "language": spec_or_row.language,
        "period_key": spec_or_row.period_key,
    }


def custom_made_today(user) -> int:
    """Custom briefings this user had stored today (canonical ones don't count)."""
    if user is None or not user.is_authenticated:
        return 0
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    rows = StoredBriefing.objects.filter(requested_by=user, requested_at__gte=start).only(
        "kind", "scope", "role", "as_of", "language", "period_start", "period_end", "period_key"
    )
    return sum(
        not is_canonical(
            BriefingSpec(r.kind, r.scope, r.as_of, r.language, r.period_start, r.period_end, r.role), today
        )
        for r in rows
    )


def may_store_custom(user) -> bool:
    return custom_made_today(user) < settings.BRIEFINGS_CUSTOM_PER_DAY


def seconds_until_tomorrow() -> int:
    now = timezone.localtime()
    tomorrow = timezone.make_aware(
        datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time.min)
    )
    return max(1, int((tomorrow - now).total_seconds()))


def pending_job(spec: BriefingSpec, stalled_before: datetime.datetime) -> StoredBriefing | None:
    """A job already queued for this scope (on whatever data), unless it has stalled."""
    return (
        StoredBriefing.objects.filter(
            **_same_scope(spec), state=StoredBriefing.State.PENDING, requested_at__gte=stalled_before
        )
        .exclude(task_id="")
        .order_by("-requested_at")
        .first()
    )


def plan(spec: BriefingSpec, user) -> str:
    """ "store" (stored and reused), "render" (made now, not kept) or "refuse" (the user's daily custom cap)."""
    from .content import scope_queryset

    if is_canonical(spec):
        return "store"
    if scope_queryset(spec).count() <= settings.BRIEFINGS_SYNC_LIMIT:
        return "render"
    if StoredBriefing.objects.filter(**_same_scope(spec)).exists() or may_store_custom(user):
        return "store"  # asked before (being made, or made), or still under today's cap
    return "refuse"


def prune_no_longer_canonical(stored: StoredBriefing) -> int:
    """Drop briefings of this kind, scope and language, finished before today, whose as-of day is custom now."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    older = (
        StoredBriefing.objects.filter(
            kind=stored.kind,
            scope=stored.scope,
            role=stored.role,
            language=stored.language,
            as_of__lt=today,
            finished_at__lt=start,
        )
        .exclude(pk=stored.pk)
        .exclude(state=StoredBriefing.State.PENDING)
    )
    dropped = 0
    for old in older:
        if not canonical_day(old.as_of, today):
            if old.file:
                old.file.delete(save=False)
            old.delete()
            dropped += 1
    return dropped

"""Worklists ("Việc cần xử lý"): what waits for a user, one definition per list.

The portal's /inbox/, the navigation count, the dashboard's top rows, the
secretariat's morning summary and the JSON API all read these functions:

- `lists_for(user)` → the names of the lists the user's role has, in order;
- `counts(user, agency=None, today=None)` → {name: count} (two queries);
- `rows(user, name, agency=None, today=None)` → the list's queryset, oldest
  first, each row with `age_from` (the datetime or date its age counts from);
  `agency` (an Agency) keeps the rows that agency leads or co-ordinates;
- `top(user, limit, today=None)` → the first rows across the user's lists;
- `pending_requests_counts()` → the secretariat's pending extensions and submissions.

Secretariat: pending extension requests, submissions for review, open
directives without an owner, overdue directives without progress for
`STALE_DAYS`, open directives of merged agencies not yet transferred.
Focal point (their agency leads or co-ordinates, or they own): due within
`SOON_DAYS`, overdue, returned for rework, decisions on their requests in
the last `RECENT_DAYS`, their requests still pending (they may withdraw),
assignments of the last `RECENT_DAYS`.
"""
import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxtasks.accounts import roles

from . import selectors
from .models import Directive, ExtensionRequest, ProgressUpdate, State, StateChange

STALE_DAYS = 30
SOON_DAYS = 7
RECENT_DAYS = 30
OPEN_STATES = (State.OPEN, State.SUBMITTED)
Decision = ExtensionRequest.Decision


@dataclass(frozen=True)
class WorklistSpec:
    name: str
    label: str
    model: str  # "directive" or "extension_request": what a row is
    action: str  # what can be done from the row: "decide", "complete", "withdraw", "open"


SPECS = {spec.name: spec for spec in [
    WorklistSpec("extensions", _("Đề nghị gia hạn chờ duyệt"), "extension_request", "decide"),
    WorklistSpec("submitted", _("Chờ xác nhận hoàn thành"), "directive", "complete"),
    WorklistSpec("unowned", _("Chưa có người phụ trách"), "directive", "open"),
    WorklistSpec("stale_overdue", _("Quá hạn, 30 ngày chưa báo cáo tiến độ"), "directive", "open"),
    WorklistSpec("merged", _("Của cơ quan đã hợp nhất, chưa chuyển"), "directive", "open"),
    WorklistSpec("due_soon", _("Đến hạn trong 7 ngày"), "directive", "open"),
    WorklistSpec("overdue", _("Quá hạn"), "directive", "open"),
    WorklistSpec("returned", _("Bị trả lại để hoàn thiện"), "directive", "open"),
    WorklistSpec("decisions", _("Kết quả đề nghị gia hạn"), "extension_request", "open"),
    WorklistSpec("my_requests", _("Đề nghị gia hạn của tôi đang chờ"), "extension_request", "withdraw"),
    WorklistSpec("new", _("Mới được giao"), "directive", "open"),
]}
SECRETARIAT_LISTS = ("extensions", "submitted", "unowned", "stale_overdue", "merged")
FOCAL_LISTS = ("due_soon", "overdue", "returned", "decisions", "my_requests", "new")


def lists_for(user) -> tuple[str, ...]:
    if roles.is_secretariat(user):
        return SECRETARIAT_LISTS
    if user.is_authenticated and user.is_active and user.is_focal_point:
        return FOCAL_LISTS
    return ()


def _now_and_today(today):
    now = timezone.now()
    return now, today or timezone.localdate()


def _last_state_change(field: str):
    return Subquery(StateChange.objects.filter(directive=OuterRef("pk")).order_by("-changed_at", "-pk")
                    .values(field)[:1])


def _directive_filters(user, today: datetime.date, now: datetime.datetime) -> dict[str, Q]:
    """Each directive list as a condition on Directive (the counts aggregate them in one query)."""
    stale_since = now - datetime.timedelta(days=STALE_DAYS)
    recent = now - datetime.timedelta(days=RECENT_DAYS)
    recent_progress = ProgressUpdate.objects.filter(directive=OuterRef("pk"), reported_at__gte=stale_since)
    merged_co = Directive.co_agencies.through.objects.filter(directive=OuterRef("pk"),
                                                             agency__successor__isnull=False)
    return {
        "submitted": Q(state=State.SUBMITTED),
        "unowned": Q(state__in=OPEN_STATES, owner__isnull=True),
        "stale_overdue": Q(state=State.OPEN, due_date__lt=today, assigned_on__lte=today
                           - datetime.timedelta(days=STALE_DAYS)) & ~Exists(recent_progress),
        "merged": Q(state__in=OPEN_STATES) & (Q(lead_agency__successor__isnull=False) | Exists(merged_co)),
        "due_soon": Q(state=State.OPEN, due_date__gte=today, due_date__lte=today + datetime.timedelta(days=SOON_DAYS)),
        "overdue": Q(state=State.OPEN, due_date__lt=today),
        "returned": Q(state=State.OPEN, last_old_state=State.SUBMITTED, last_new_state=State.OPEN,
                      last_changed_at__gte=recent),
        "new": Q(state__in=OPEN_STATES, created_at__gte=recent),
    }


def _request_filters(user, now: datetime.datetime) -> dict[str, Q]:
    recent = now - datetime.timedelta(days=RECENT_DAYS)
    return {
        "extensions": Q(decision=Decision.PENDING, directive__state__in=OPEN_STATES),
        "decisions": Q(requested_by=user, decision__in=[Decision.APPROVED, Decision.REJECTED],
                       decided_at__gte=recent),
        "my_requests": Q(requested_by=user, decision=Decision.PENDING),
    }


def _directive_base(user, names, agency=None) -> QuerySet:
    queryset = Directive.objects.all()
    if not roles.is_secretariat(user):
        queryset = selectors.for_user(user, queryset)
    if agency is not None:
        queryset = selectors.involving_agency(agency, queryset)
    if "returned" in names:
        queryset = queryset.annotate(last_old_state=_last_state_change("old_state"),
                                     last_new_state=_last_state_change("new_state"),
                                     last_changed_at=_last_state_change("changed_at"))
    return queryset


def _requests(agency=None) -> QuerySet:
    queryset = ExtensionRequest.objects.all()
    if agency is not None:
        queryset = queryset.filter(directive_id__in=selectors.involving_agency(agency).values("pk"))
    return queryset


def counts(user, *, agency=None, today: datetime.date | None = None) -> dict[str, int]:
    """Every list's count for the user, in two queries (directives, requests)."""
    names = lists_for(user)
    if not names:
        return {}
    now, today = _now_and_today(today)
    result = {}
    directive_names = [n for n in names if SPECS[n].model == "directive"]
    request_names = [n for n in names if SPECS[n].model == "extension_request"]
    if directive_names:
        filters = _directive_filters(user, today, now)
        result.update(_directive_base(user, directive_names, agency).aggregate(
            **{name: Count("pk", filter=filters[name]) for name in directive_names}))
    if request_names:
        filters = _request_filters(user, now)
        result.update(_requests(agency).aggregate(
            **{name: Count("pk", filter=filters[name]) for name in request_names}))
    return {name: result.get(name) or 0 for name in names}


def total(user, *, today: datetime.date | None = None) -> int:
    """The navigation's number: everything waiting, excluding the informational decisions."""
    return sum(n for name, n in counts(user, today=today).items() if name != "decisions")


def rows(user, name: str, *, agency=None, today: datetime.date | None = None) -> QuerySet:
    """One list, oldest first; rows carry `age_from`. An unknown or foreign list is empty."""
    if name not in lists_for(user):
        return Directive.objects.none()
    now, today = _now_and_today(today)
    if SPECS[name].model == "extension_request":
        queryset = (_requests(agency).filter(_request_filters(user, now)[name])
                    .select_related("directive__lead_agency", "directive__owner", "requested_by", "decided_by"))
        if name == "decisions":
            return queryset.annotate(age_from=F("decided_at")).order_by("-decided_at", "-pk")
        return queryset.annotate(age_from=F("requested_at")).order_by("requested_at", "pk")
    queryset = (_directive_base(user, [name], agency).filter(_directive_filters(user, today, now)[name])
                .select_related("lead_agency", "owner"))
    if name == "submitted":
        submitted_at = Subquery(StateChange.objects.filter(directive=OuterRef("pk"), new_state=State.SUBMITTED)
                                .order_by("-changed_at", "-pk").values("changed_at")[:1])
        return queryset.annotate(age_from=submitted_at).order_by("age_from", "pk")
    if name == "returned":
        return queryset.annotate(age_from=F("last_changed_at")).order_by("age_from", "pk")
    if name == "new":
        return queryset.annotate(age_from=F("created_at")).order_by("-created_at", "-pk")
    if name in ("stale_overdue", "overdue", "due_soon"):
        return queryset.annotate(age_from=F("due_date")).order_by("due_date", "pk")
    return queryset.annotate(age_from=F("assigned_on")).order_by("assigned_on", "pk")


def age_days(age_from, today: datetime.date | None = None) -> int | None:
    """Whole days since `age_from` (a date or datetime); negative for a date still ahead."""
    if age_from is None:
        return None
    today = today or timezone.localdate()
    day = timezone.localdate(age_from) if isinstance(age_from, datetime.datetime) else age_from
    return (today - day).days


def top(user, *, limit: int = 5, today: datetime.date | None = None) -> list[tuple[str, object]]:
    """The first rows of the user's lists, list by list, at most `limit` in all (for the dashboard).

    One query per non-empty list (plus the counts), whatever the amount of data.
    """
    found = []
    for name, count in counts(user, today=today).items():
        if count:
            found.extend((name, row) for row in rows(user, name, today=today)[:limit])
    return found[:limit]


def pending_requests_counts() -> dict[str, int]:
    """What waits for the secretariat's decision now (the morning summary's figures)."""
    return {
        "extensions": ExtensionRequest.objects.filter(decision=Decision.PENDING,
                                                      directive__state__in=OPEN_STATES).count(),
        "submissions": Directive.objects.filter(state=State.SUBMITTED).count(),
    }

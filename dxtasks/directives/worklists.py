"""Worklists ("Việc cần xử lý"): what waits for a user, one definition per list.

The portal's /inbox/, the navigation count, the dashboard's top rows, the
secretariat's morning summary and the JSON API all read these functions:

- `lists_for(user)` → the names of the lists the user's role has, in order;
- `counts(user, agency=None, today=None)` → {name: count} (two queries);
- `rows(user, name, agency=None, today=None)` → the list's queryset, oldest
  first, each row with `age_from` (the datetime or date its age counts from);
  `agency` (an Agency) keeps the rows that agency leads or co-ordinates (or
  its shares); for a list of directives, its single-lead directives;
- `share_rows(...)` → the same list's shares of collective directives;
- `mixed_rows(...)` → both in one order, paged (what the inbox and the
  dashboard show);
- `top(user, limit, today=None)` → the keys of the first rows across the user's lists;
- `pending_requests_counts()` → the secretariat's pending extensions and submissions.

Collective directives are followed share by share: in a list of directives
a collective directive appears as the shares that meet the list's condition
(a share due within 7 days, submitted, without an owner …), each row a
`Share` (its `worklist_model` is "share", a single-lead directive's
"directive"), with the share's own deadline, owner, state and history. A
focal point's lists hold their agency's shares (and shares they own); the
secretariat's hold every agency's. The directive of a collective directive
is never a row itself: its shares carry the follow-up.

Secretariat: pending extension requests, submissions for review, open
directives or shares without an owner, overdue directives without progress for
`STALE_DAYS`, open directives of merged agencies not yet transferred.
Focal point (their agency leads or co-ordinates, or they own): due within
`SOON_DAYS`, overdue, returned for rework, decisions on their requests in
the last `RECENT_DAYS`, their requests still pending (they may withdraw),
assignments of the last `RECENT_DAYS`.
"""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dxtasks.accounts import roles

from . import selectors
from .idsets import among_any
from .models import Directive, ExtensionRequest, ProgressUpdate, Share, State, StateChange, open_q, overdue_q

STALE_DAYS = 30
SOON_DAYS = 7
RECENT_DAYS = 30
Decision = ExtensionRequest.Decision


@dataclass(frozen=True)
class WorklistSpec:
    name: str
    label: str | Promise  # translated lazily, in the reader's language
    model: str  # "directive" or "extension_request": what a row is
    action: str  # what can be done from the row: "decide", "complete", "withdraw", "open"


SPECS = {
    spec.name: spec
    for spec in [
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
    ]
}
SECRETARIAT_LISTS = ("extensions", "submitted", "unowned", "stale_overdue", "merged")
FOCAL_LISTS = ("due_soon", "overdue", "returned", "decisions", "my_requests", "new")


def lists_for(user) -> tuple[str, ...]:
    if roles.is_secretariat(user):
        return SECRETARIAT_LISTS
    if roles.is_focal_point(user):
        return FOCAL_LISTS
    return ()


def _now_and_today(today):
    now = timezone.now()
    return now, today or timezone.localdate()


def _last_state_change(field: str, *, of_share: bool = False):
    changes = (
        StateChange.objects.filter(share=OuterRef("pk"))
        if of_share
        else StateChange.objects.filter(directive=OuterRef("pk"), share__isnull=True)
    )
    return Subquery(changes.order_by("-changed_at", "-pk").values(field)[:1])


def _returned_lately(since: datetime.datetime) -> QuerySet:
    """Returns for rework since `since`: a row is "returned" only if one of these is also its latest change.

    Asked first, as "id among these" (one lookup, probed per row), so that the latest change is looked up
    only for the few rows returned lately, not for every open row the counts read.
    """
    return StateChange.objects.filter(old_state=State.SUBMITTED, new_state=State.OPEN, changed_at__gte=since).order_by()


SINGLE = Q(addressees="")  # directive lists hold single-lead directives; collective ones are followed by share


def _directive_filters(user, today: datetime.date, now: datetime.datetime) -> dict[str, Q | Combinable]:
    """Each directive list as a condition on Directive (the counts aggregate them in one query)."""
    stale_since = now - datetime.timedelta(days=STALE_DAYS)
    recent = now - datetime.timedelta(days=RECENT_DAYS)
    recent_progress = ProgressUpdate.objects.filter(directive=OuterRef("pk"), reported_at__gte=stale_since)
    merged_co = Directive.co_agencies.through.objects.filter(directive=OuterRef("pk"), agency__successor__isnull=False)
    return {
        "submitted": SINGLE & Q(state=State.SUBMITTED),
        "unowned": SINGLE & open_q() & Q(owner__isnull=True),
        # Still with the agency (not submitted): a submission waits for the secretariat, not for a report.
        "stale_overdue": SINGLE
        & overdue_q(today)
        & Q(state=State.OPEN, assigned_on__lte=today - datetime.timedelta(days=STALE_DAYS))
        & ~Exists(recent_progress),
        # A collective directive's co-ordinator may have merged too; its shares' agencies are the shares' rows.
        "merged": open_q() & (Q(lead_agency__successor__isnull=False) | Exists(merged_co)),
        "due_soon": SINGLE
        & Q(state=State.OPEN, due_date__gte=today, due_date__lte=today + datetime.timedelta(days=SOON_DAYS)),
        # The computed status: a directive submitted after its deadline stays overdue until confirmed.
        "overdue": SINGLE & overdue_q(today),
        "returned": SINGLE
        & Q(state=State.OPEN, pk__in=_returned_lately(recent).filter(share__isnull=True).values("directive_id"))
        & Q(last_old_state=State.SUBMITTED, last_new_state=State.OPEN, last_changed_at__gte=recent),
        "new": SINGLE & open_q() & Q(created_at__gte=recent),
    }


def _share_filters(user, today: datetime.date, now: datetime.datetime) -> dict[str, Q | Combinable]:
    """The same lists on Share: each condition on the share's own deadline, owner, state and history."""
    stale_since = now - datetime.timedelta(days=STALE_DAYS)
    recent = now - datetime.timedelta(days=RECENT_DAYS)
    recent_progress = ProgressUpdate.objects.filter(share=OuterRef("pk"), reported_at__gte=stale_since)
    return {
        "submitted": Q(state=State.SUBMITTED),
        "unowned": open_q() & Q(owner__isnull=True),
        "stale_overdue": overdue_q(today)
        & Q(state=State.OPEN, directive__assigned_on__lte=today - datetime.timedelta(days=STALE_DAYS))
        & ~Exists(recent_progress),
        "merged": open_q() & Q(agency__successor__isnull=False),
        "due_soon": Q(state=State.OPEN, due_date__gte=today, due_date__lte=today + datetime.timedelta(days=SOON_DAYS)),
        "overdue": overdue_q(today),
        "returned": Q(state=State.OPEN, pk__in=_returned_lately(recent).values("share_id"))
        & Q(last_old_state=State.SUBMITTED, last_new_state=State.OPEN, last_changed_at__gte=recent),
        "new": open_q() & Q(created_at__gte=recent),
    }


def _request_filters(user, now: datetime.datetime) -> dict[str, Q]:
    recent = now - datetime.timedelta(days=RECENT_DAYS)
    return {
        "extensions": Q(decision=Decision.PENDING) & open_q("directive__"),
        "decisions": Q(requested_by=user, decision__in=[Decision.APPROVED, Decision.REJECTED], decided_at__gte=recent),
        "my_requests": Q(requested_by=user, decision=Decision.PENDING),
    }


def _directive_base(user, names, agency=None) -> QuerySet:
    queryset = Directive.objects.all()
    if not roles.is_secretariat(user):
        # A focal point's directive rows are single-lead (collective ones are their shares' rows): the
        # directives they own, or their agency leads or co-ordinates — `for_user` less its share subqueries.
        queryset = selectors.for_user(user, queryset, shares=False)
    if agency is not None:
        queryset = selectors.involving_agency(agency, queryset)
    if "returned" in names:
        queryset = queryset.annotate(
            last_old_state=_last_state_change("old_state"),
            last_new_state=_last_state_change("new_state"),
            last_changed_at=_last_state_change("changed_at"),
        )
    return queryset


def _share_base(user, names, agency=None) -> QuerySet:
    """Shares of open collective directives: a focal point's agency's (or owned), or every share."""
    queryset = Share.objects.filter(open_q("directive__"))
    if not roles.is_secretariat(user):
        if not user.is_active:
            return queryset.none()
        # "id among (owned) UNION ALL (the agency's)": two index lookups. As an OR, SQLite read every share.
        mine = [Share.objects.filter(owner=user).values("pk")]
        if user.agency_id:
            mine.append(Share.objects.filter(agency_id=user.agency_id).values("pk"))
        queryset = queryset.filter(among_any("pk", mine))
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    if "returned" in names:
        queryset = queryset.annotate(
            last_old_state=_last_state_change("old_state", of_share=True),
            last_new_state=_last_state_change("new_state", of_share=True),
            last_changed_at=_last_state_change("changed_at", of_share=True),
        )
    return queryset


def _requests(agency=None) -> QuerySet:
    """Extension requests; with `agency`, those about a directive it leads or co-ordinates or its own share."""
    queryset = ExtensionRequest.objects.all()
    if agency is not None:
        involved = Q(share__isnull=True, directive_id__in=selectors.involving_agency(agency).values("pk"))
        queryset = queryset.filter(involved | Q(share__agency=agency))
    return queryset


def counts(user, *, agency=None, today: datetime.date | None = None) -> dict[str, int]:
    """Every list's count for the user, in two queries (directives, requests)."""
    names = lists_for(user)
    if not names:
        return {}
    now, today = _now_and_today(today)
    result: dict[str, int] = {}
    directive_names = [n for n in names if SPECS[n].model == "directive"]
    request_names = [n for n in names if SPECS[n].model == "extension_request"]
    if directive_names:
        # Directives and shares counted in one query: two one-row aggregates, UNION ALL, summed here.
        filters, share_filters = _directive_filters(user, today, now), _share_filters(user, today, now)
        one = Value(1, output_field=IntegerField())
        directive_counts = (
            # Every directive list is of open or submitted directives: the completed half is never read.
            _directive_base(user, directive_names, agency)
            .filter(open_q())
            .order_by()
            .annotate(_one=one)
            .values("_one")
            .annotate(**{name: Count("pk", filter=filters[name]) for name in directive_names})
            .values(*directive_names)
        )
        share_counts = (
            _share_base(user, directive_names, agency)
            .order_by()
            .annotate(_one=one)
            .values("_one")
            .annotate(**{name: Count("pk", filter=share_filters[name]) for name in directive_names})
            .values(*directive_names)
        )
        for row in directive_counts.union(share_counts, all=True):
            for name in directive_names:
                result[name] = result.get(name, 0) + (row[name] or 0)
    if request_names:
        request_filters = _request_filters(user, now)
        result.update(
            _requests(agency).aggregate(**{name: Count("pk", filter=request_filters[name]) for name in request_names})
        )
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
        queryset = (
            _requests(agency)
            .filter(_request_filters(user, now)[name])
            .select_related(
                "directive__lead_agency__successor",
                "directive__owner",
                "requested_by",
                "decided_by",
                "share__agency__successor",
            )
        )
        if name == "decisions":
            return queryset.annotate(age_from=F("decided_at")).order_by("-decided_at", "-pk")
        return queryset.annotate(age_from=F("requested_at")).order_by("requested_at", "pk")
    return _ordered(
        name,
        _directive_base(user, [name], agency)
        .filter(_directive_filters(user, today, now)[name])
        .select_related("lead_agency__successor", "owner"),
        of_share=False,
    )


def share_rows(user, name: str, *, agency=None, today: datetime.date | None = None) -> QuerySet:
    """The shares of a directive list (see the module's docstring), oldest first, with `age_from`."""
    if name not in lists_for(user) or SPECS[name].model != "directive":
        return Share.objects.none()
    now, today = _now_and_today(today)
    return _ordered(
        name,
        _share_base(user, [name], agency)
        .filter(_share_filters(user, today, now)[name])
        .select_related("directive", "agency__successor", "owner"),
        of_share=True,
    )


def mixed_rows(user, name: str, *, agency=None, today: datetime.date | None = None):
    """The whole list as the inbox shows it: `rows` and `share_rows` in one order (`MixedRows`);
    a list of extension requests is `rows` itself."""
    if name not in lists_for(user) or SPECS[name].model != "directive":
        return rows(user, name, agency=agency, today=today)
    now, today = _now_and_today(today)
    directives = _directive_base(user, [name], agency).filter(_directive_filters(user, today, now)[name])
    shares = _share_base(user, [name], agency).filter(_share_filters(user, today, now)[name])
    return MixedRows(name, directives, shares)


def _ordered(name: str, queryset: QuerySet, *, of_share: bool) -> QuerySet:
    age, newest_first = _age_from(name, of_share=of_share)
    queryset = queryset.annotate(
        age_from=age, worklist_model=Value("share" if of_share else "directive", output_field=CharField())
    )
    return queryset.order_by("-age_from", "-pk") if newest_first else queryset.order_by("age_from", "pk")


def _age_from(name: str, *, of_share: bool):
    """What a row's age counts from, and whether the list shows the newest first."""
    if name == "submitted":
        changes = (
            StateChange.objects.filter(share=OuterRef("pk"))
            if of_share
            else StateChange.objects.filter(directive=OuterRef("pk"), share__isnull=True)
        )
        return Subquery(
            changes.filter(new_state=State.SUBMITTED).order_by("-changed_at", "-pk").values("changed_at")[:1]
        ), False
    if name == "returned":
        return F("last_changed_at"), False
    if name == "new":
        return F("created_at"), True
    if name in ("stale_overdue", "overdue", "due_soon"):
        return F("due_date"), False
    return F("directive__assigned_on" if of_share else "assigned_on"), False


class MixedRows:
    """A directive list: single-lead directives and shares in one order, one page at a time.

    Sliceable and countable like a queryset (the Paginator, `[:n]`, `list()`):
    the order is one UNION query of (kind, pk, age_from), and a page reads its
    directives and shares by primary key, two more queries. Every row carries
    `age_from` and `worklist_model` ("directive" or "share").
    """

    def __init__(self, name: str, directives: QuerySet, shares: QuerySet):
        self.name = name
        directive_age, newest_first = _age_from(name, of_share=False)
        share_age, _newest = _age_from(name, of_share=True)
        keyed_directives = (
            directives.order_by()
            .annotate(row_kind=Value("directive", output_field=CharField()), row_age=directive_age)
            .values_list("row_kind", "pk", "row_age")
        )
        keyed_shares = (
            shares.order_by()
            .annotate(row_kind=Value("share", output_field=CharField()), row_age=share_age)
            .values_list("row_kind", "pk", "row_age")
        )
        order = ("-row_age", "-row_kind", "-pk") if newest_first else ("row_age", "row_kind", "pk")
        self._keys = keyed_directives.union(keyed_shares, all=True).order_by(*order)
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._keys.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def keys(self, index: slice) -> list[tuple[str, int, object]]:
        """(kind, pk, age_from) of the rows in `index`, the rows themselves not read."""
        return list(self._keys[index])

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        keys = self.keys(index)
        directive_ids = [pk for kind, pk, _age in keys if kind == "directive"]
        share_ids = [pk for kind, pk, _age in keys if kind == "share"]
        directives = (
            Directive.objects.select_related("lead_agency__successor", "owner").in_bulk(directive_ids)
            if directive_ids
            else {}
        )
        shares = (
            Share.objects.select_related("directive", "agency__successor", "owner").in_bulk(share_ids)
            if share_ids
            else {}
        )
        found: list[Directive | Share] = []
        for kind, pk, age in keys:
            row: Directive | Share | None = (directives if kind == "directive" else shares).get(pk)
            if row is not None:
                row.age_from, row.worklist_model = age, kind  # type: ignore[union-attr]  # read by the templates
                found.append(row)
        return found


def age_days(age_from, today: datetime.date | None = None) -> int | None:
    """Whole days since `age_from` (a date or datetime); negative for a date still ahead."""
    if age_from is None:
        return None
    today = today or timezone.localdate()
    day = timezone.localdate(age_from) if isinstance(age_from, datetime.datetime) else age_from
    return (today - day).days


def top(
    user, *, limit: int = 5, today: datetime.date | None = None, known: dict[str, int] | None = None
) -> list[tuple[str, str, int, object]]:
    """(list, model, pk, age_from) of the first rows of the user's lists, list by list, at most `limit` in all.

    One query per non-empty list read (its keys), plus the counts unless `known` (counts the caller already
    has), whatever the amount of data; the caller reads the rows by primary key (the dashboard caches the keys).
    """
    found: list[tuple[str, str, int, object]] = []
    for name, count in (counts(user, today=today) if known is None else known).items():
        if len(found) == limit:
            break  # the lists after the one that filled the rows are not read
        if not count:
            continue
        listed = mixed_rows(user, name, today=today)
        wanted = slice(0, limit - len(found))
        if isinstance(listed, MixedRows):
            found.extend((name, kind, pk, age) for kind, pk, age in listed.keys(wanted))
        else:  # extension requests
            found.extend((name, SPECS[name].model, pk, age) for pk, age in listed.values_list("pk", "age_from")[wanted])
    return found


def pending_requests_counts() -> dict[str, int]:
    """What waits for the secretariat's decision now (the morning summary's figures)."""
    return {
        "extensions": ExtensionRequest.objects.filter(open_q("directive__"), decision=Decision.PENDING).count(),
        "submissions": Directive.objects.filter(state=State.SUBMITTED).count(),
    }

"""Status in the Government Office's categories, computed by the database.

A directive's status depends on the day it is looked at, so it can't be a
stored or generated column: it is an annotation for an "as of" date. For a
past date the history decides: a completion or cancellation after that day
hadn't happened yet, and a deadline moved after that day was still the old
one (the `old_due` of the first DeadlineChange approved after it).

One status path for both kinds of directive. The same `status_expression`
gives the status of a single-lead directive (from its own dates) and of each
`Share` of a collective directive (from the share's dates and the share's own
deadline changes). A collective directive's status is the roll-up of its
shares' statuses, computed by the database in the same query:

- cancelled, if the directive itself was cancelled (or every share was);
- otherwise the first category, in the order overdue, within deadline, no
  deadline, completed late, completed on time, that any non-cancelled share
  has. So: overdue as soon as one open share is overdue; completed (on time)
  only when every share is completed (on time); completed late when all are
  completed and at least one was late.

Its `due_as_of` stays the directive's own deadline (every share's default).
"""

import datetime

from django.db import models
from django.db.models import Case, Exists, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    COMPLETED_ON_TIME = "completed_on_time", _("Hoàn thành đúng hạn")
    COMPLETED_LATE = "completed_late", _("Hoàn thành quá hạn")
    WITHIN_DEADLINE = "within_deadline", _("Đang thực hiện trong hạn")
    OVERDUE = "overdue", _("Quá hạn")
    NO_DEADLINE = "no_deadline", _("Không có thời hạn")
    CANCELLED = "cancelled", _("Đã hủy")


# The order the categories are reported in (briefings, dashboard, charts).
REPORT_ORDER = [
    Status.COMPLETED_ON_TIME,
    Status.COMPLETED_LATE,
    Status.WITHIN_DEADLINE,
    Status.OVERDUE,
    Status.NO_DEADLINE,
    Status.CANCELLED,
]


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the project's time zone."""
    return start_of_day(day + datetime.timedelta(days=1))


# A collective directive takes the first of these that any of its shares has (cancelled last:
# only when every share is cancelled).
ROLL_UP_ORDER = [
    Status.OVERDUE,
    Status.WITHIN_DEADLINE,
    Status.NO_DEADLINE,
    Status.COMPLETED_LATE,
    Status.COMPLETED_ON_TIME,
    Status.CANCELLED,
]
ROLL_UP_RANK = {status: rank for rank, status in enumerate(ROLL_UP_ORDER, start=1)}


def _in_force(as_of: datetime.date, field: str, old_field: str, output_field, *, of_shares: bool):
    """`field` as it stood at the end of `as_of`: the `old_field` of the first deadline change approved later.

    Today and later need no history: the current value is the answer, which
    keeps the everyday query free of a correlated subquery. With `of_shares`,
    for a Share queryset: the share's own deadline changes.
    """
    if as_of >= timezone.localdate():
        return F(field)
    from .models import DeadlineChange  # models import this module's Status

    if of_shares:
        later_changes = DeadlineChange.objects.filter(share=OuterRef("pk"), approved_at__gte=end_of_day(as_of))
    else:
        later_changes = DeadlineChange.objects.filter(
            directive=OuterRef("pk"), share__isnull=True, approved_at__gte=end_of_day(as_of)
        )
    first_later = later_changes.order_by("approved_at", "pk")
    return Case(
        When(Exists(later_changes), then=Subquery(first_later.values(old_field)[:1])),
        default=F(field),
        output_field=output_field,
    )


def due_as_of(as_of: datetime.date, *, of_shares: bool = False):
    """The due date that was in force at the end of `as_of`."""
    return _in_force(as_of, "due_date", "old_due", models.DateField(), of_shares=of_shares)


def deadline_text_as_of(as_of: datetime.date, *, of_shares: bool = False):
    """The deadline as written that was in force at the end of `as_of` (an extension approved later not yet)."""
    return _in_force(as_of, "deadline_text", "old_deadline_text", models.CharField(), of_shares=of_shares)


def status_expression(as_of: datetime.date, *, ranked: bool = False) -> Case:
    """A `Case` that yields a `Status` value for each directive (or share) as of a day.

    Expects the queryset to carry the annotation `due_as_of` (see
    `annotate_status`). A directive is overdue from the day after its due
    date; on the due day itself it is still within its deadline. With
    `ranked`, each value is prefixed by its roll-up rank ("1overdue" …
    "6cancelled"), so that MIN over shares picks the roll-up in one aggregate.
    """

    def out(status: Status) -> Value:
        return Value(f"{ROLL_UP_RANK[status]}{status.value}" if ranked else status.value)

    completed = Q(completed_on__isnull=False, completed_on__lte=as_of)
    return Case(
        When(cancelled_on__isnull=False, cancelled_on__lte=as_of, then=out(Status.CANCELLED)),
        When(
            completed & (Q(due_as_of__isnull=True) | Q(completed_on__lte=F("due_as_of"))),
            then=out(Status.COMPLETED_ON_TIME),
        ),
        When(completed, then=out(Status.COMPLETED_LATE)),
        When(due_as_of__isnull=True, then=out(Status.NO_DEADLINE)),
        When(due_as_of__lt=as_of, then=out(Status.OVERDUE)),
        default=out(Status.WITHIN_DEADLINE),
        output_field=models.CharField(max_length=24, choices=None if ranked else Status.choices),
    )


def annotate_share_status(queryset, as_of: datetime.date | None = None):
    """Add `due_as_of` and `status` to a Share queryset, by the same rule as a directive's."""
    as_of = as_of or timezone.localdate()
    return queryset.annotate(due_as_of=due_as_of(as_of, of_shares=True)).annotate(status=status_expression(as_of))


def roll_up_expression(as_of: datetime.date, own: Case) -> Case:
    """A directive's status: its own for a single lead, its shares' roll-up when collective.

    The roll-up is one correlated aggregate per collective directive: the
    minimum of its shares' ranked statuses ("1overdue" < "2within_deadline" …
    < "6cancelled", see ROLL_UP_ORDER), with the rank cut off. A single-lead
    directive never evaluates it (CASE stops at the first branch that holds).
    """
    from .models import Share

    shares = Share.objects.filter(directive=OuterRef("pk")).annotate(due_as_of=due_as_of(as_of, of_shares=True))
    best = shares.order_by().values("directive").annotate(best=Min(status_expression(as_of, ranked=True)))
    return Case(
        When(addressees="", then=own),
        When(cancelled_on__isnull=False, cancelled_on__lte=as_of, then=Value(Status.CANCELLED.value)),
        default=Coalesce(Substr(Subquery(best.values("best")[:1]), 2), own),
        output_field=models.CharField(max_length=20, choices=Status.choices),
    )


def _agency_share(agency_id: int, as_of: datetime.date):
    """The agency's share of the outer directive, with its due date and status as of the day."""
    from .models import Share

    # No ordering: one share per (directive, agency), and Share's default order joins two tables per row.
    return annotate_share_status(Share.objects.filter(directive=OuterRef("pk"), agency_id=agency_id).order_by(), as_of)


def annotate_status(queryset, as_of: datetime.date | None = None, *, agency_id: int | None = None):
    """Add `due_as_of`, `deadline_text_as_of` and `status` (a Status value) for the given day.

    Works for Directive querysets; a collective directive's status is the
    roll-up of its shares' (see the module's docstring). With `agency_id`
    (a figure about one agency), a collective directive in which that agency
    has a share takes the share's due date, deadline text and status instead:
    the agency answers for its share, not for the others'.
    """
    as_of = as_of or timezone.localdate()
    if agency_id is None:
        return queryset.annotate(due_as_of=due_as_of(as_of), deadline_text_as_of=deadline_text_as_of(as_of)).annotate(
            status=roll_up_expression(as_of, status_expression(as_of))
        )
    share = _agency_share(agency_id, as_of)
    has_share = Q(Exists(share)) & ~Q(addressees="")
    texts = share.annotate(text_as_of=deadline_text_as_of(as_of, of_shares=True))
    return queryset.annotate(
        due_as_of=Case(
            When(has_share, then=Subquery(share.values("due_as_of")[:1])),
            default=due_as_of(as_of),
            output_field=models.DateField(),
        ),
        deadline_text_as_of=Case(
            When(has_share, then=Subquery(texts.values("text_as_of")[:1])),
            default=deadline_text_as_of(as_of),
            output_field=models.CharField(),
        ),
    ).annotate(
        status=Case(
            When(
                has_share & ~Q(cancelled_on__isnull=False, cancelled_on__lte=as_of),
                then=Subquery(share.values("status")[:1]),
            ),
            default=roll_up_expression(as_of, status_expression(as_of)),
            output_field=models.CharField(max_length=20, choices=Status.choices),
        )
    )

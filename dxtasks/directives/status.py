"""Status in the Government Office's categories, computed by the database.

A directive's status depends on the day it is looked at, so it can't be a
stored or generated column: it is an annotation for an "as of" date. For a
past date the history decides: a completion or cancellation after that day
hadn't happened yet, and a deadline moved after that day was still the old
one (the `old_due` of the first DeadlineChange approved after it).
"""
import datetime

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
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


def due_as_of(as_of: datetime.date):
    """The due date that was in force at the end of `as_of`.

    Today and later need no history: the current due date is the answer,
    which keeps the everyday query free of a correlated subquery.
    """
    if as_of >= timezone.localdate():
        return F("due_date")
    from .models import DeadlineChange  # models import this module's Status

    later_changes = DeadlineChange.objects.filter(directive=OuterRef("pk"), approved_at__gte=end_of_day(as_of))
    first_later = later_changes.order_by("approved_at", "pk")
    return Case(
        When(Exists(later_changes), then=Subquery(first_later.values("old_due")[:1])),
        default=F("due_date"),
        output_field=models.DateField(),
    )


def status_expression(as_of: datetime.date) -> Case:
    """A `Case` that yields a `Status` value for each directive as of a day.

    Expects the queryset to carry the annotation `due_as_of` (see
    `annotate_status`). A directive is overdue from the day after its due
    date; on the due day itself it is still within its deadline.
    """
    completed = Q(completed_on__isnull=False, completed_on__lte=as_of)
    return Case(
        When(cancelled_on__isnull=False, cancelled_on__lte=as_of, then=Value(Status.CANCELLED.value)),
        When(completed & (Q(due_as_of__isnull=True) | Q(completed_on__lte=F("due_as_of"))),
             then=Value(Status.COMPLETED_ON_TIME.value)),
        When(completed, then=Value(Status.COMPLETED_LATE.value)),
        When(due_as_of__isnull=True, then=Value(Status.NO_DEADLINE.value)),
        When(due_as_of__lt=as_of, then=Value(Status.OVERDUE.value)),
        default=Value(Status.WITHIN_DEADLINE.value),
        output_field=models.CharField(max_length=20, choices=Status.choices),
    )


def annotate_status(queryset, as_of: datetime.date | None = None):
    """Add `due_as_of` and `status` (a Status value) for the given day."""
    as_of = as_of or timezone.localdate()
    return queryset.annotate(due_as_of=due_as_of(as_of)).annotate(status=status_expression(as_of))

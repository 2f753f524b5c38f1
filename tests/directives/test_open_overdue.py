"""`Directive.objects.open()` / `.overdue()` and `Share.objects.overdue()` are the computed status, found by index.

Each expectation is written out (which of the directives below is overdue
today) and also checked against `annotate_status`, over single-lead and
collective directives in every state, a deadline passed, today's and ahead.
"""

import datetime

import pytest
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.directives.models import Directive, Share, State
from dxtasks.directives.status import Status, annotate_share_status, annotate_status

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _dmy(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


@pytest.fixture
def world(user_factory, agency_factory, directive_factory):
    sec = user_factory(role=Role.SECRETARIAT)
    today = timezone.localdate()
    past, ahead = _dmy(today - 3 * DAY), _dmy(today + 30 * DAY)
    made = {
        "late": directive_factory(deadline_text=past),
        "late_submitted": directive_factory(deadline_text=past),
        "due_today": directive_factory(deadline_text=_dmy(today)),
        "ahead": directive_factory(deadline_text=ahead),
        "ongoing": directive_factory(deadline_text="thường xuyên"),
        "completed_late": directive_factory(deadline_text=past),
        "cancelled_late": directive_factory(deadline_text=past),
    }
    services.submit_for_review(directive=made["late_submitted"], by=sec)
    services.complete_directive(directive=made["completed_late"], by=sec, completed_on=today)
    services.cancel_directive(directive=made["cancelled_late"], by=sec, reason="Thôi")
    agency_factory("EACH", kind="other")
    agencies = [agency_factory(f"S{n}") for n in range(2)]

    def collective(name):
        made[name] = directive_factory(lead=None, share_agencies=agencies, deadline_text=past)
        return list(made[name].shares.order_by("agency__code"))

    # One share late, the other extended: the roll-up is overdue.
    first, second = collective("col_one_late")
    services.change_deadline(
        directive=made["col_one_late"], approved_by=sec, new_due=today + 9 * DAY, reason="r", share=second
    )
    # The late share cancelled, the other extended: within its deadline.
    first, second = collective("col_late_share_cancelled")
    services.cancel_directive(directive=made["col_late_share_cancelled"], by=sec, reason="Thôi", share=first)
    services.change_deadline(
        directive=made["col_late_share_cancelled"], approved_by=sec, new_due=today + 9 * DAY, reason="r", share=second
    )
    # The whole directive cancelled, its shares late: cancelled.
    collective("col_cancelled")
    services.cancel_directive(directive=made["col_cancelled"], by=sec, reason="Thôi")
    # A late share submitted for review: still overdue.
    first, second = collective("col_submitted_late")
    services.submit_for_review(directive=made["col_submitted_late"], by=sec, share=first)
    services.complete_directive(directive=made["col_submitted_late"], by=sec, completed_on=today, share=second)
    # Every share completed (late): completed.
    for share in collective("col_completed"):
        services.complete_directive(directive=made["col_completed"], by=sec, completed_on=today, share=share)
    return {name: Directive.objects.get(pk=d.pk) for name, d in made.items()}


def _names(world, rows) -> set[str]:
    by_pk = {d.pk: name for name, d in world.items()}
    return {by_pk[row.pk] for row in rows}


def test_overdue_is_the_computed_status(world):
    expected = {"late", "late_submitted", "col_one_late", "col_submitted_late"}
    assert _names(world, Directive.objects.overdue()) == expected
    assert _names(world, annotate_status(Directive.objects.all()).filter(status=Status.OVERDUE)) == expected


def test_a_share_is_overdue_as_its_status_says(world):
    computed = set(
        annotate_share_status(Share.objects.all()).filter(status=Status.OVERDUE).values_list("pk", flat=True)
    )
    found = set(Share.objects.overdue().values_list("pk", flat=True))
    # A share's status is its own: a cancelled directive's open shares are overdue (its roll-up says cancelled).
    expected = {
        *world["col_one_late"].shares.filter(agency__code="S0"),
        *world["col_submitted_late"].shares.filter(agency__code="S0"),
        *world["col_cancelled"].shares.all(),
    }
    assert found == computed == {share.pk for share in expected}


def test_open_is_open_or_submitted(world):
    followed = {name for name, d in world.items() if d.state in (State.OPEN, State.SUBMITTED)}
    assert _names(world, Directive.objects.open()) == followed
    assert "late_submitted" in followed and "completed_late" not in followed and "col_cancelled" not in followed
    assert _names(world, Directive.objects.closed()) == set(world) - followed

"""Today's dashboard figures counted from indexes (tallies.py) equal the figures computed row by row by status.

The register is built through the services, with every kind of row the
status rule tells apart: single-lead directives overdue, due today, due
soon, undated, submitted late, completed on time and late, cancelled; and
collective directives whose shares are mixed, all completed, all cancelled,
given their own deadline, or the directive itself cancelled.
"""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.directives import groups, scopes, services, tallies
from dxtasks.directives.models import Agency, Directive, Share
from dxtasks.portal import dashboard

pytestmark = pytest.mark.django_db
D = datetime.date


def day(offset: int) -> str:
    return f"{timezone.localdate() + datetime.timedelta(days=offset):%d/%m/%Y}"


@pytest.fixture
def register(seed_data, user_factory, directive_factory):
    """Every kind of row, through the services; returns the secretariat user."""
    by = user_factory(Role.SECRETARIAT, username="sec")
    today = timezone.localdate()
    leads = list(Agency.objects.filter(kind="ministry", active=True).order_by("code")[:4])
    assigned = D(2025, 1, 2)
    for n, lead in enumerate(leads):
        for offset in (-40 - n, -1, 0, 3 + n, 7, 8, 20 + n, 30, 31, 200):
            directive_factory(lead=lead, deadline_text=day(offset), assigned_on=assigned, by=by)
        directive_factory(lead=lead, deadline_text="sớm", assigned_on=assigned, by=by)
        late = directive_factory(lead=lead, deadline_text=day(-5), assigned_on=assigned, by=by)
        services.submit_for_review(directive=late, by=by, note="Đã xong")
        for offset, completed in ((10, today), (-10, today), (-10, today - datetime.timedelta(days=10))):
            done = directive_factory(lead=lead, deadline_text=day(offset), assigned_on=assigned, by=by)
            services.complete_directive(directive=done, by=by, completed_on=completed)
        undated = directive_factory(lead=lead, deadline_text="thường xuyên", assigned_on=assigned, by=by)
        services.complete_directive(directive=undated, by=by, completed_on=today)
        dropped = directive_factory(lead=lead, deadline_text=day(-3), assigned_on=assigned, by=by)
        services.cancel_directive(directive=dropped, by=by, reason="Không còn phù hợp")

    def collective(deadline_text: str, agencies=None):
        return services.create_directive(
            by=by,
            reference=f"COL-{Directive.objects.count()}",
            title_vi="Mỗi cơ quan ban hành kế hoạch",
            addressees=groups.EACH if agencies else groups.ALL,
            share_agencies=agencies,
            deadline_text=deadline_text,
            assigned_on=assigned,
        )

    mixed = collective(day(-20))  # every share overdue, then one completed late, one given more time
    shares = list(mixed.shares.order_by("agency__code"))
    services.complete_directive(directive=mixed, share=shares[0], by=by, completed_on=today)
    services.change_deadline(directive=mixed, share=shares[1], approved_by=by, reason="Gia hạn", new_due=D(2030, 1, 1))
    services.cancel_directive(directive=mixed, share=shares[2], by=by, reason="Sáp nhập")
    extended = collective(day(-20), leads[:2])  # overdue by the deadline, within by the shares' own
    for share in extended.shares.all():
        services.change_deadline(
            directive=extended,
            share=share,
            approved_by=by,
            reason="Gia hạn",
            new_due=today + datetime.timedelta(days=5),
        )
    for completed_on, deadline in ((today, day(30)), (today, day(-30))):  # all done: on time, then late
        done = collective(deadline, leads[:3])
        for share in done.shares.all():
            services.complete_directive(directive=done, share=share, by=by, completed_on=completed_on)
    soon = collective(day(6), leads[1:3])  # within, due soon
    services.complete_directive(directive=soon, share=soon.shares.first(), by=by, completed_on=today)
    collective("sớm", leads[:2])  # undated
    gone = collective(day(10), leads[:2])  # every share cancelled
    for share in gone.shares.all():
        services.cancel_directive(directive=gone, share=share, by=by, reason="Không còn phù hợp")
    dropped = collective(day(-2), leads[:3])  # the directive itself cancelled
    services.cancel_directive(directive=dropped, by=by, reason="Không còn phù hợp")
    return by


def test_the_counted_figures_equal_the_figures_by_status(register):
    today = timezone.localdate()
    counted = tallies.today_figures(today)
    by_status = dashboard._compute_by_status(scopes.today_scope())
    assert counted is not None
    assert counted["headline"] == by_status["headline"]
    assert counted["due_soon"] == by_status["due_soon"]
    assert counted["scorecards"] == by_status["scorecards"]
    assert counted["overdue_ids"] == by_status["overdue_ids"]
    assert counted["soon_ids"] == by_status["soon_ids"]
    # Every category is present, so a category counted on the wrong side would show.
    assert all(by_status["headline"][status] > 0 for status in ("completed_late", "no_deadline", "cancelled"))
    assert by_status["due_soon"]["in_7"] < by_status["due_soon"]["in_30"]
    assert len(by_status["overdue_ids"]) == len(by_status["soon_ids"]) == tallies.LIST_ROWS


def test_the_figures_stay_equal_after_a_deadline_moves_and_a_share_completes(register):
    by = register
    moved = Directive.objects.filter(addressees="", state="open", due_date__lt=timezone.localdate()).first()
    services.change_deadline(directive=moved, approved_by=by, reason="Gia hạn", new_due=D(2030, 6, 30))
    share = Share.objects.filter(state="open", due_date__lt=timezone.localdate()).first()
    services.complete_directive(directive=share.directive, share=share, by=by, completed_on=timezone.localdate())
    assert tallies.today_figures(timezone.localdate()) == dashboard._compute_by_status(scopes.today_scope())


def test_a_row_dated_after_today_sends_the_dashboard_to_the_status_path(register):
    today = timezone.localdate()
    before = dashboard._compute_by_status(scopes.today_scope())
    done = Directive.objects.filter(state="completed", addressees="").first()
    # An admin's edit of the date (the services refuse a completion in the future).
    Directive.objects.filter(pk=done.pk).update(completed_on=today + datetime.timedelta(days=3))
    assert tallies.today_figures(today) is None
    figures = dashboard._compute(scopes.today_scope())
    assert figures == dashboard._compute_by_status(scopes.today_scope())
    # As of today that directive is not completed yet.
    assert figures["headline"]["completed"] == before["headline"]["completed"] - 1


def test_directives_assigned_after_today_are_taken_back_out_of_the_counts(register, directive_factory):
    by, tomorrow = register, timezone.localdate() + datetime.timedelta(days=1)
    lead = Agency.objects.get(code="MPS")
    for deadline in (day(5), day(60), "sớm"):  # entered ahead of the meeting that assigns them
        directive_factory(lead=lead, deadline_text=deadline, assigned_on=tomorrow, by=by)
    services.create_directive(
        by=by,
        reference="COL-LATER",
        title_vi="Giao sau",
        addressees=groups.EACH,
        share_agencies=list(Agency.objects.filter(code__in=["MPS", "SBV"])),
        deadline_text=day(3),
        assigned_on=tomorrow,
    )
    counted = tallies.today_figures(timezone.localdate())
    assert counted is not None
    assert counted == dashboard._compute_by_status(scopes.today_scope())


def test_a_directive_not_yet_assigned_but_already_overdue_takes_the_status_path(register, directive_factory):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    directive_factory(lead=Agency.objects.get(code="MPS"), deadline_text=day(-3), assigned_on=tomorrow, by=register)
    assert tallies.today_figures(timezone.localdate()) is None
    assert dashboard._compute(scopes.today_scope()) == dashboard._compute_by_status(scopes.today_scope())


def test_completed_late_is_kept_by_the_database(register):
    completed = Directive.objects.filter(state="completed")
    assert set(completed.filter(completed_on__gt=F("due_date")).values_list("completed_late", flat=True)) == {True}
    on_time = completed.exclude(completed_on__gt=F("due_date")).values_list("completed_late", flat=True)
    assert set(on_time) == {False, None}  # None: completed without a deadline
    assert set(Directive.objects.filter(state="open").values_list("completed_late", flat=True)) == {None}

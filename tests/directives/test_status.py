"""Status is computed by the database for any "as of" day, past included."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dxtasks.directives import selectors, services
from dxtasks.directives.models import Directive
from dxtasks.directives.status import Status

D = datetime.date


def status_of(directive, as_of):
    return selectors.directives_as_of(as_of).get(pk=directive.pk).status


@pytest.fixture
def secretariat(user_factory):
    return user_factory(role="secretariat")


@pytest.mark.django_db
class TestCategories:
    def test_open_directive_is_within_deadline_until_its_due_day_inclusive(self, directive_factory):
        directive = directive_factory(deadline_text="30/06/2024")
        assert status_of(directive, D(2024, 6, 29)) == Status.WITHIN_DEADLINE
        assert status_of(directive, D(2024, 6, 30)) == Status.WITHIN_DEADLINE
        assert status_of(directive, D(2024, 7, 1)) == Status.OVERDUE

    def test_completion_on_the_due_day_is_on_time_and_after_it_late(self, directive_factory, secretariat):
        on_time = directive_factory(deadline_text="30/06/2024")
        late = directive_factory(deadline_text="30/06/2024")
        services.complete_directive(directive=on_time, by=secretariat, completed_on=D(2024, 6, 30))
        services.complete_directive(directive=late, by=secretariat, completed_on=D(2024, 7, 1))
        assert status_of(on_time, D(2025, 1, 1)) == Status.COMPLETED_ON_TIME
        assert status_of(late, D(2025, 1, 1)) == Status.COMPLETED_LATE

    def test_a_completion_after_the_as_of_day_had_not_happened_then(self, directive_factory, secretariat):
        directive = directive_factory(deadline_text="hoàn thành trong năm 2024")
        services.complete_directive(directive=directive, by=secretariat, completed_on=D(2025, 6, 26))
        assert status_of(directive, D(2025, 1, 1)) == Status.OVERDUE
        assert status_of(directive, D(2024, 12, 1)) == Status.WITHIN_DEADLINE
        assert status_of(directive, D(2025, 6, 26)) == Status.COMPLETED_LATE

    def test_ongoing_and_asap_have_no_deadline(self, directive_factory):
        ongoing = directive_factory(deadline_text="thường xuyên")
        asap = directive_factory(deadline_text="sớm")
        assert status_of(ongoing, D(2024, 5, 1)) == Status.NO_DEADLINE
        assert status_of(asap, D(2024, 5, 1)) == Status.NO_DEADLINE

    def test_cancelled_counts_from_its_cancellation_day(self, directive_factory, secretariat):
        directive = directive_factory(deadline_text="30/06/2024")
        services.cancel_directive(
            directive=directive, by=secretariat, reason="Không còn phù hợp", cancelled_on=D(2024, 8, 1)
        )
        assert status_of(directive, D(2024, 7, 15)) == Status.OVERDUE
        assert status_of(directive, D(2024, 8, 1)) == Status.CANCELLED

    def test_a_directive_not_yet_assigned_is_not_counted(self, directive_factory):
        directive = directive_factory(assigned_on=D(2024, 3, 1))
        assert not selectors.directives_as_of(D(2024, 2, 28)).filter(pk=directive.pk).exists()


@pytest.mark.django_db
class TestHistory:
    def test_a_past_day_sees_the_deadline_in_force_then(self, directive_factory, secretariat, monkeypatch):
        directive = directive_factory(deadline_text="30/06/2024")
        services.change_deadline(
            directive=directive, approved_by=secretariat, new_due=D(2024, 12, 31), reason="Gia hạn"
        )
        change = directive.deadline_changes.get()
        # The extension was approved on 15/07/2024: before that day the old deadline stood.
        change.approved_at = timezone.make_aware(datetime.datetime(2024, 7, 15, 10, 0))
        change.save()
        assert status_of(directive, D(2024, 7, 10)) == Status.OVERDUE
        assert status_of(directive, D(2024, 7, 15)) == Status.WITHIN_DEADLINE
        assert selectors.directives_as_of(D(2024, 7, 10)).get(pk=directive.pk).due_as_of == D(2024, 6, 30)

    def test_two_extensions_replay_in_order(self, directive_factory, secretariat):
        directive = directive_factory(deadline_text="31/03/2024")
        for new_due, approved in (
            (D(2024, 6, 30), datetime.datetime(2024, 4, 10, 9)),
            (D(2024, 9, 30), datetime.datetime(2024, 7, 10, 9)),
        ):
            services.change_deadline(directive=directive, approved_by=secretariat, new_due=new_due, reason="x")
            latest = directive.deadline_changes.order_by("-pk").first()
            latest.approved_at = timezone.make_aware(approved)
            latest.save()
        dues = {
            day: selectors.directives_as_of(day).get(pk=directive.pk).due_as_of
            for day in (D(2024, 4, 1), D(2024, 5, 1), D(2024, 8, 1))
        }
        assert dues == {D(2024, 4, 1): D(2024, 3, 31), D(2024, 5, 1): D(2024, 6, 30), D(2024, 8, 1): D(2024, 9, 30)}


@pytest.mark.django_db
class TestAggregates:
    def test_headline_figures_count_each_category_once(self, directive_factory, secretariat):
        as_of = D(2025, 1, 10)
        a = directive_factory(deadline_text="30/06/2024")
        services.complete_directive(directive=a, by=secretariat, completed_on=D(2024, 6, 1))
        b = directive_factory(deadline_text="30/06/2024")
        services.complete_directive(directive=b, by=secretariat, completed_on=D(2024, 9, 1))
        directive_factory(deadline_text="31/12/2024")  # overdue
        directive_factory(deadline_text="31/12/2025")  # within
        directive_factory(deadline_text="thường xuyên")  # no deadline
        c = directive_factory(deadline_text="31/12/2025")
        services.cancel_directive(directive=c, by=secretariat, reason="x", cancelled_on=D(2024, 10, 1))

        figures = selectors.headline_figures(selectors.directives_as_of(as_of))
        assert figures["total"] == 6
        assert figures["counted"] == 5
        assert (
            figures[Status.COMPLETED_ON_TIME],
            figures[Status.COMPLETED_LATE],
            figures[Status.OVERDUE],
            figures[Status.WITHIN_DEADLINE],
            figures[Status.NO_DEADLINE],
            figures[Status.CANCELLED],
        ) == (1, 1, 1, 1, 1, 1)
        assert figures["completion_rate"] == pytest.approx(2 / 5)
        assert figures["overdue_share_of_all"] == pytest.approx(1 / 5)
        assert figures["overdue_share_of_due"] == pytest.approx(1 / 3)

    def test_status_counts_take_one_query_whatever_the_number_of_rows(self, directive_factory):
        for _ in range(30):
            directive_factory()
        with CaptureQueriesContext(connection) as queries:
            selectors.status_counts(selectors.directives_as_of(D(2024, 6, 1)))
        assert len(queries) == 1

    def test_scorecards_put_the_agency_with_most_overdue_first(self, directive_factory, agency_factory):
        slow, fast = agency_factory("SLOW"), agency_factory("FAST")
        for _ in range(3):
            directive_factory(lead=slow, deadline_text="31/01/2024")
        directive_factory(lead=fast, deadline_text="31/01/2024")
        directive_factory(lead=fast, deadline_text="31/12/2030")
        cards = selectors.agency_scorecards(selectors.directives_as_of(D(2024, 3, 1)), D(2024, 3, 1))
        assert [c["lead_agency__code"] for c in cards] == ["SLOW", "FAST"]
        assert cards[0]["overdue"] == 3 and cards[0]["oldest_overdue_days"] == 30
        assert cards[1]["assigned"] == 2 and cards[1]["overdue"] == 1


@pytest.mark.django_db
def test_involving_agency_lists_a_co_ordinated_directive_once(directive_factory, agency_factory):
    lead, co = agency_factory(), agency_factory()
    directive = directive_factory(lead=lead, co_agencies=[co])
    directive_factory(lead=agency_factory())
    assert list(selectors.involving_agency(co)) == [directive]
    assert list(selectors.involving_agency(lead)) == [directive]
    assert Directive.objects.count() == 2

"""Writes go through the services: history recorded, version bumped, bad changes refused whole."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.directives import services
from dxtasks.directives.models import (
    AgencyTransfer,
    DeadlineChange,
    Directive,
    ExtensionRequest,
    ProgressUpdate,
    State,
    StateChange,
)
from tests.conftest import merge

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(user_factory):
    return user_factory(role="secretariat")


def test_create_parses_the_deadline_as_written(directive_factory):
    directive = directive_factory(deadline_text="hoàn thành trong quý II/2024")
    assert (directive.due_date, directive.deadline_precision, directive.version) == (D(2024, 6, 30), "quarter", 1)


def test_create_with_an_unreadable_deadline_saves_nothing(agency_factory):
    lead = agency_factory()
    with pytest.raises(services.DirectiveError) as err:
        services.create_directive(
            by=None,
            reference="X-1",
            title_vi="x",
            lead_agency=lead,
            deadline_text="quý V/2024",
            assigned_on=D(2024, 1, 1),
        )
    assert "deadline_text" in err.value.message_dict
    assert not Directive.objects.exists()


def test_changing_the_deadline_records_history_and_bumps_the_version(directive_factory, secretariat):
    directive = directive_factory(deadline_text="30/06/2024")
    services.change_deadline(
        directive=directive, approved_by=secretariat, new_due=D(2024, 9, 30), reason="Chờ ý kiến thẩm định"
    )
    directive.refresh_from_db()
    change = DeadlineChange.objects.get()
    assert (change.old_due, change.new_due, change.approved_by) == (D(2024, 6, 30), D(2024, 9, 30), secretariat)
    assert (directive.due_date, directive.deadline_text, directive.version) == (D(2024, 9, 30), "30/09/2024", 2)


def test_a_deadline_change_needs_a_reason(directive_factory, secretariat):
    directive = directive_factory(deadline_text="30/06/2024")
    with pytest.raises(services.DirectiveError):
        services.change_deadline(directive=directive, approved_by=secretariat, new_due=D(2024, 9, 30), reason=" ")
    assert not DeadlineChange.objects.exists()


def test_progress_is_appended_and_does_not_bump_the_calendar_version(directive_factory, user_factory):
    directive = directive_factory()
    focal = user_factory(role="focal_point", agency=directive.lead_agency)
    services.record_progress(directive=directive, by=focal, percent=40, note="Đã có dự thảo")
    services.record_progress(directive=directive, by=focal, percent=70, note="Đã lấy ý kiến")
    directive.refresh_from_db()
    assert list(ProgressUpdate.objects.values_list("percent", flat=True)) == [70, 40]
    assert directive.version == 1


def test_review_cycle_is_recorded_and_each_step_bumps_the_version(directive_factory, secretariat):
    directive = directive_factory()
    services.submit_for_review(directive=directive, by=secretariat)
    services.return_for_rework(directive=directive, by=secretariat, note="Thiếu minh chứng")
    services.submit_for_review(directive=directive, by=secretariat)
    done = services.complete_directive(directive=directive, by=secretariat, completed_on=D(2024, 5, 1))
    assert (done.state, done.completed_on, done.version) == (State.COMPLETED, D(2024, 5, 1), 5)
    assert list(StateChange.objects.order_by("pk").values_list("new_state", flat=True)) == [
        "submitted",
        "open",
        "submitted",
        "completed",
    ]


def test_a_closed_directive_refuses_further_changes(directive_factory, secretariat):
    directive = directive_factory()
    services.complete_directive(directive=directive, by=secretariat, completed_on=D(2024, 5, 1))
    with pytest.raises(services.DirectiveError):
        services.cancel_directive(directive=directive, by=secretariat, reason="x")
    with pytest.raises(services.DirectiveError):
        services.record_progress(directive=directive, by=secretariat, percent=10, note="x")
    directive.refresh_from_db()
    assert directive.state == State.COMPLETED


def test_completion_date_cannot_be_in_the_future(directive_factory, secretariat):
    directive = directive_factory()
    with pytest.raises(services.DirectiveError):
        services.complete_directive(
            directive=directive, by=secretariat, completed_on=timezone.localdate() + datetime.timedelta(days=1)
        )


def test_stale_edit_is_refused_and_nothing_is_overwritten(directive_factory, secretariat):
    directive = directive_factory(title_vi="Tên cũ")
    seen = directive.updated_at
    services.update_directive(directive=directive, by=secretariat, title_vi="Sửa lần một", expected_updated_at=seen)
    with pytest.raises(services.StaleEdit):
        services.update_directive(directive=directive, by=secretariat, title_vi="Sửa lần hai", expected_updated_at=seen)
    directive.refresh_from_db()
    assert (directive.title_vi, directive.version) == ("Sửa lần một", 2)


def test_extension_approved_moves_the_deadline(directive_factory, user_factory, secretariat):
    due = timezone.localdate() + datetime.timedelta(days=10)
    directive = directive_factory(deadline_text=f"{due:%d/%m/%Y}")
    focal = user_factory(role="focal_point", agency=directive.lead_agency)
    request = services.request_extension(
        directive=directive, by=focal, proposed_due=due + datetime.timedelta(30), reason="Chờ Bộ Tư pháp thẩm định"
    )
    with pytest.raises(services.DirectiveError):  # one pending request at a time
        services.request_extension(
            directive=directive, by=focal, proposed_due=due + datetime.timedelta(40), reason="again"
        )
    services.decide_extension(request=request, by=secretariat, approve=True)
    directive.refresh_from_db()
    assert directive.due_date == due + datetime.timedelta(30)
    assert ExtensionRequest.objects.get().decision == "approved"
    assert DeadlineChange.objects.get().approved_by == secretariat


def test_transfer_to_successor_moves_only_the_chosen_directives(directive_factory, agency_factory, secretariat):
    most = agency_factory("MOST2")
    mic = agency_factory("MIC2")
    moved = directive_factory(lead=mic)
    stays = directive_factory(lead=mic)
    co = directive_factory(lead=agency_factory(), co_agencies=[mic])
    merge(mic, most)
    services.transfer_to_successor(agency=mic, directives=[moved, co], by=secretariat)
    moved.refresh_from_db()
    stays.refresh_from_db()
    assert (moved.lead_agency, moved.version) == (most, 2)
    assert stays.lead_agency == mic
    assert list(co.co_agencies.all()) == [most]
    assert set(AgencyTransfer.objects.values_list("role", flat=True)) == {"lead", "co"}


def test_transfer_refuses_a_closed_directive_and_saves_nothing(directive_factory, agency_factory, secretariat):
    most = agency_factory("MOST3")
    mic = agency_factory("MIC3")
    open_one = directive_factory(lead=mic)
    closed = directive_factory(lead=mic)
    merge(mic, most)
    services.complete_directive(directive=closed, by=secretariat, completed_on=D(2024, 5, 1))
    with pytest.raises(services.DirectiveError):
        services.transfer_to_successor(agency=mic, directives=[open_one, closed], by=secretariat)
    open_one.refresh_from_db()
    assert open_one.lead_agency == mic
    assert not AgencyTransfer.objects.exists()

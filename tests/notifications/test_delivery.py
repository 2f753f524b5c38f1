"""Workflow notifications: who is told, one email per recipient, exactly once, through the reminders' machinery."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from dxtasks.directives import events, services
from dxtasks.directives.models import Event, EventKind, Notification
from dxtasks.reminders.models import Delivery, Kind, NoticeTiming, Outcome, RecipientPreference
from dxtasks.reminders.notices import deliver_notices
from tests.conftest import merge

from .conftest import addressees

pytestmark = pytest.mark.django_db
D = datetime.date


def test_an_extension_request_tells_every_secretary_once(people, extension):
    event = Event.objects.get()
    assert event.kind == EventKind.EXTENSION_REQUESTED and event.extension_request == extension
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["ha", "minh"]
    summary = deliver_notices()
    assert summary.emails == 2 and summary.sent == 2
    assert addressees(mail.outbox) == ["ha@most.example.gov.vn", "minh@most.example.gov.vn"]
    again = deliver_notices()
    assert again.emails == 0 and len(mail.outbox) == 2
    assert set(Delivery.objects.values_list("kind", "outcome")) == {(Kind.NOTICE, Outcome.SENT)}


def test_the_email_is_vietnamese_then_english_html_and_text(people, extension):
    deliver_notices()
    message = next(m for m in mail.outbox if m.to == ["ha@most.example.gov.vn"])
    assert message.subject == "[dxtasks] Đề nghị gia hạn: UBQG-7/01"
    text = message.body
    assert "Trần Minh Quân đề nghị gia hạn nhiệm vụ UBQG-7/01 đến 30/06/2031 (hạn hiện tại 31/12/2030)." in text
    assert "Chờ ý kiến của các bộ" in text
    assert "Trần Minh Quân requested an extension of UBQG-7/01 to 30/06/2031 (current deadline 31/12/2030)." in text
    assert text.index("Kính gửi") < text.index("Dear")
    assert f"http://testserver{extension.directive.get_absolute_url()}" in text
    assert "http://testserver/inbox/" in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Draft the Personal Data Protection Law" in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://testserver/reminders/preferences/")
    english = next(m for m in mail.outbox if m.to == ["minh@most.example.gov.vn"])
    assert english.subject == "[dxtasks] Extension requested: UBQG-7/01"
    assert english.body.index("Dear") < english.body.index("Kính gửi")


def test_a_decision_tells_the_requester_and_owner_once_with_the_note(people, directive, extension):
    deliver_notices()
    mail.outbox.clear()
    services.decide_extension(request=extension, by=people.secretariat, approve=True, note="Đồng ý, lần cuối")
    kinds = list(Event.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [EventKind.EXTENSION_REQUESTED, EventKind.EXTENSION_APPROVED]  # no separate deadline event
    deliver_notices()
    # The requester is the owner: one email; the agency contact hears that the deadline moved.
    assert addressees(mail.outbox) == ["dau-moi@bca.example.gov.vn", "quan@bca.example.gov.vn"]
    body = next(m for m in mail.outbox if m.to == ["quan@bca.example.gov.vn"]).body
    assert "hạn mới 30/06/2031 (trước đây 31/12/2030)" in body and "Đồng ý, lần cuối" in body
    deliver_notices()
    assert len(mail.outbox) == 2


def test_a_rejection_goes_to_requester_and_a_different_owner(people, directive, extension):
    services.update_directive(directive=directive, by=people.secretariat, owner=people.colleague)
    services.decide_extension(request=extension, by=people.secretariat, approve=False, note="Chưa đủ căn cứ")
    rejected = Event.objects.get(kind=EventKind.EXTENSION_REJECTED)
    assert sorted(rejected.notifications.values_list("user__username", flat=True)) == ["lan", "quan"]
    assert not rejected.notifications.filter(to_user=False).exists()


def test_submit_tells_the_secretariat_and_completion_tells_owner_and_submitter(people, directive):
    services.submit_for_review(directive=directive, by=people.colleague, note="Đã trình Quốc hội")
    submitted = Event.objects.get(kind=EventKind.SUBMITTED)
    assert sorted(submitted.notifications.values_list("user__username", flat=True)) == ["ha", "minh"]
    services.complete_directive(directive=directive, by=people.secretariat, completed_on=D(2025, 1, 2))
    completed = Event.objects.get(kind=EventKind.COMPLETED)
    assert sorted(completed.notifications.values_list("user__username", flat=True)) == ["lan", "quan"]


def test_returned_tells_the_owner(people, directive):
    services.submit_for_review(directive=directive, by=people.focal)
    services.return_for_rework(directive=directive, by=people.secretariat, note="Thiếu minh chứng")
    returned = Event.objects.get(kind=EventKind.RETURNED)
    assert list(returned.notifications.values_list("user__username", flat=True)) == ["quan"]
    assert returned.note == "Thiếu minh chứng"


def test_a_deadline_change_tells_owner_and_agency_contact(people, directive):
    services.change_deadline(
        directive=directive, approved_by=people.secretariat, new_due=D(2031, 3, 31), reason="Theo kết luận phiên họp 8"
    )
    event = Event.objects.get(kind=EventKind.DEADLINE_CHANGED)
    assert list(event.notifications.filter(to_user=True).values_list("user__username", flat=True)) == ["quan"]
    assert list(event.notifications.filter(to_user=False).values_list("address", flat=True)) == [
        "dau-moi@bca.example.gov.vn"
    ]
    assert event.data["old_due"] == "2030-12-31" and event.data["new_due"] == "2031-03-31"


def test_an_assignment_tells_the_owner_and_the_agency_focal_points(people, directive_factory):
    directive = directive_factory(lead=people.agency, owner=people.colleague, by=people.secretariat)
    event = Event.objects.get(kind=EventKind.ASSIGNED, directive=directive)
    assert sorted(event.notifications.values_list("user__username", flat=True)) == ["lan", "quan"]


def test_an_import_of_many_directives_is_one_email_per_recipient(people, directive_factory):
    with transaction.atomic():
        for _ in range(5):
            directive_factory(lead=people.agency, by=people.secretariat)
    deliver_notices()
    assert addressees(mail.outbox) == ["lan@bca.example.gov.vn", "quan@bca.example.gov.vn"]
    assert mail.outbox[0].subject == "[dxtasks] 5 thông báo công việc"
    assert Delivery.objects.filter(outcome=Outcome.SENT).count() == 10


def test_the_actor_is_not_told_of_their_own_change(people, directive):
    services.change_deadline(directive=directive, approved_by=people.focal, new_due=D(2031, 1, 31), reason="x")
    event = Event.objects.get()
    assert not event.notifications.filter(user=people.focal).exists()


def test_a_user_without_email_is_recorded_no_address_and_never_retried(people, extension):
    people.second_secretary.email = ""
    people.second_secretary.save()
    summary = deliver_notices()
    assert summary.no_address == 1 and summary.emails == 1
    row = Delivery.objects.get(notification__user=people.second_secretary)
    assert (row.outcome, row.recipient, row.error) == (Outcome.NO_RECIPIENT, "", "no email address")
    assert deliver_notices().no_address == 0  # recorded once; nothing to retry
    assert Delivery.objects.filter(outcome=Outcome.NO_RECIPIENT).count() == 1


def test_deactivated_and_deleted_recipients_are_skipped_with_a_record(people, extension):
    people.second_secretary.is_active = False
    people.second_secretary.save()
    people.secretariat.delete()
    summary = deliver_notices()
    assert summary.skipped == 2 and summary.emails == 0 and mail.outbox == []
    errors = sorted(Delivery.objects.filter(outcome=Outcome.SKIPPED).values_list("error", flat=True))
    assert errors == ["recipient account deactivated", "recipient account deleted"]


def test_a_failed_send_is_retried_with_backoff_then_given_up(people, extension, refusing_mail, settings):
    refusing_mail.DOWN["down"] = True
    first = deliver_notices()
    assert first.failed == 2 and first.emails == 0
    row = Delivery.objects.filter(outcome=Outcome.FAILED).first()
    assert row.attempts == 1 and row.next_attempt_at > row.created_at
    assert deliver_notices().failed == 0  # still in its backoff
    refusing_mail.DOWN["down"] = False
    Delivery.objects.update(next_attempt_at=row.created_at)
    second = deliver_notices()
    assert second.emails == 2 and Delivery.objects.filter(outcome=Outcome.SENT, attempts=2).count() == 2
    assert deliver_notices().emails == 0


def test_a_send_that_keeps_failing_gives_up_after_max_attempts(people, extension, refusing_mail, settings):
    settings.REMINDERS = {**settings.REMINDERS, "MAX_ATTEMPTS": 2}
    refusing_mail.DOWN["down"] = True
    deliver_notices()
    Delivery.objects.update(next_attempt_at=Delivery.objects.first().created_at)
    deliver_notices()
    assert set(Delivery.objects.values_list("outcome", "attempts")) == {(Outcome.GAVE_UP, 2)}
    Delivery.objects.update(next_attempt_at=Delivery.objects.first().created_at)
    assert deliver_notices().failed == 0 and mail.outbox == []


def test_a_daily_recipient_gets_one_morning_email_with_the_pending_summary(
    people, directive, extension, directive_factory
):
    RecipientPreference.objects.create(email="ha@most.example.gov.vn", notices=NoticeTiming.DAILY)
    with events.muted():
        other = directive_factory(lead=people.agency)
    services.submit_for_review(directive=other, by=people.focal)
    summary = deliver_notices()
    assert summary.held == 2  # the request and the submission, for the morning
    assert addressees(mail.outbox) == ["minh@most.example.gov.vn"]  # who chose "at once": one email, both
    assert mail.outbox[0].subject == "[dxtasks] 2 workflow notifications"
    mail.outbox.clear()
    morning = deliver_notices(daily=True, today=D(2025, 3, 12))  # a Wednesday
    assert morning.emails == 1 and addressees(mail.outbox) == ["ha@most.example.gov.vn"]
    body = mail.outbox[0].body
    assert "1 đề nghị gia hạn chờ duyệt" in body and "1 nhiệm vụ chờ xác nhận hoàn thành" in body
    assert mail.outbox[0].subject == "[dxtasks] 2 thông báo công việc"
    assert deliver_notices(daily=True, today=D(2025, 3, 12)).emails == 0


def test_the_daily_email_waits_for_a_working_day(people, extension):
    RecipientPreference.objects.create(email="ha@most.example.gov.vn", notices=NoticeTiming.DAILY)
    deliver_notices()
    mail.outbox.clear()
    assert deliver_notices(daily=True, today=D(2025, 3, 15)).held == 1  # Saturday
    assert mail.outbox == []


def test_the_database_refuses_a_second_delivery_of_a_notification(people, extension):
    deliver_notices()
    row = Delivery.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            notification=row.notification,
            directive=row.directive,
            recipient="x@y.vn",
            kind=Kind.NOTICE,
            occurrence="other",
            slot_date=row.slot_date,
            sweep_date=row.sweep_date,
        )


def test_send_notifications_command(people, extension):
    from io import StringIO

    out = StringIO()
    call_command("send_notifications", stdout=out)
    assert "2 emails sent" in out.getvalue()
    out = StringIO()
    call_command("send_notifications", stdout=out)
    assert "0 emails sent" in out.getvalue() and len(mail.outbox) == 2


def test_a_refused_change_records_no_event(people, directive, extension):
    with pytest.raises(services.DirectiveError):
        services.request_extension(directive=directive, by=people.focal, proposed_due=D(2031, 9, 30), reason="x")
    assert Event.objects.count() == 1


def test_the_reminder_retry_job_leaves_notifications_alone(people, extension, refusing_mail):
    from dxtasks.reminders.sweep import retry_failed

    refusing_mail.DOWN["down"] = True
    deliver_notices()
    Delivery.objects.update(next_attempt_at=Delivery.objects.first().created_at)
    refusing_mail.DOWN["down"] = False
    retry_failed(D(2025, 3, 12))
    assert mail.outbox == [] and Delivery.objects.filter(outcome=Outcome.FAILED).count() == 2


def test_a_transfer_to_the_successor_tells_its_focal_points(people, agency_factory, user_factory, directive_factory):
    from dxtasks.accounts.models import Role

    successor = agency_factory("MPS-2025", name_vi="Bộ Công an (mới)")
    newcomer = user_factory(Role.FOCAL_POINT, agency=successor, username="moi")
    with events.muted():
        moved = directive_factory(lead=people.agency)  # given before the merger: a merged agency takes no new one
    merge(people.agency, successor)
    services.transfer_to_successor(agency=people.agency, directives=[moved], by=people.secretariat)
    event = Event.objects.get(kind=EventKind.ASSIGNED)
    assert list(event.notifications.values_list("user", flat=True)) == [newcomer.pk]


def test_counting_every_worklist_takes_two_queries(people, directive, extension, django_assert_num_queries):
    from dxtasks.directives import worklists

    for user in (people.secretariat, people.focal):
        with django_assert_num_queries(2):
            worklists.counts(user)
    with django_assert_num_queries(0):
        assert worklists.counts(people.viewer) == {}

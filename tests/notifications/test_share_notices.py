"""Workflow notifications on a collective directive: each event is about one agency's share, and that share's
owner, focal points or contact are told — never the directive's lead (the group) — exactly once."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.directives.models import Event, EventKind, Notification
from dxtasks.reminders.models import Delivery, Outcome

from .conftest import addressees

pytestmark = pytest.mark.django_db
D = datetime.date
SBV_CONTACT = "dau-moi@nhnn.example.gov.vn"
SECRETARIES = ["ha@most.example.gov.vn", "minh@most.example.gov.vn"]


def send_notifications() -> str:
    out = io.StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue()


@pytest.fixture
def sbv(agency_factory):
    """An agency without a focal point: its contact address is who hears of its share."""
    return agency_factory(
        "SBV",
        name_vi="Ngân hàng Nhà nước Việt Nam",
        name_en="State Bank of Vietnam",
        short_name_vi="NHNN",
        short_name_en="SBV",
        kind="ministerial",
        contact_email=SBV_CONTACT,
    )


@pytest.fixture
def collective(people, sbv, agency_factory):
    """UBQG-10/01 to MPS and SBV "each", created through the service (so its assignment is recorded)."""
    agency_factory("EACH", kind="other", contact_email="nobody@group.example.gov.vn")
    return services.create_directive(
        by=people.secretariat,
        reference="UBQG-10/01",
        title_vi="Ban hành kế hoạch thực hiện Nghị quyết 57",
        title_en="Issue the plan for Resolution 57",
        share_agencies=[people.agency, sbv],
        deadline_text="31/12/2030",
        assigned_on=D(2025, 1, 2),
    )


def share(directive, code):
    return directive.shares.select_related("agency", "owner").get(agency__code=code)


def told(event) -> tuple[list[str], list[str]]:
    return (
        sorted(event.notifications.filter(to_user=True).values_list("user__username", flat=True)),
        sorted(event.notifications.filter(to_user=False).values_list("address", flat=True)),
    )


def test_a_collective_directive_assigned_tells_each_share_its_own_people_once(people, collective):
    events = Event.objects.filter(kind=EventKind.ASSIGNED).order_by("share__agency__code")
    assert [e.share.agency.code for e in events] == ["MPS", "SBV"]  # one event per share, none for the group
    mps, sbv = events
    # MPS: the share's owner (its first focal point) and the agency's other focal point.
    assert share(collective, "MPS").owner == people.focal
    assert told(mps) == (["lan", "quan"], [])
    # SBV has no focal point: its contact address.
    assert told(sbv) == ([], [SBV_CONTACT])
    assert not Notification.objects.filter(address="nobody@group.example.gov.vn").exists()
    assert "3 emails sent" in send_notifications()
    sent = addressees(mail.outbox)
    assert sent == sorted(["lan@bca.example.gov.vn", "quan@bca.example.gov.vn", SBV_CONTACT])
    to_sbv = next(m for m in mail.outbox if m.to == [SBV_CONTACT])
    assert "giao nhiệm vụ UBQG-10/01 cho NHNN" in to_sbv.body
    assert "assigned UBQG-10/01 to SBV" in to_sbv.body
    assert f"{collective.get_absolute_url()}?share=SBV" in to_sbv.body
    assert "0 emails sent" in send_notifications()
    assert len(mail.outbox) == 3
    assert set(Delivery.objects.values_list("share__agency__code", "outcome")) == {
        ("MPS", Outcome.SENT),
        ("SBV", Outcome.SENT),
    }


def test_an_extension_on_a_share_goes_to_the_secretariat_and_its_decision_to_the_share(people, collective):
    send_notifications()
    mail.outbox.clear()
    mps = share(collective, "MPS")
    request = services.request_extension(
        directive=collective, share=mps, by=people.colleague, proposed_due=D(2031, 6, 30), reason="Chờ Luật Dữ liệu"
    )
    event = Event.objects.get(kind=EventKind.EXTENSION_REQUESTED)
    assert event.share == mps and told(event) == (["ha", "minh"], [])
    send_notifications()
    assert addressees(mail.outbox) == SECRETARIES
    ha = next(m for m in mail.outbox if m.to == ["ha@most.example.gov.vn"])
    assert ha.subject == "[dxtasks] Đề nghị gia hạn: UBQG-10/01 (phần việc của BCA)"
    assert "đề nghị gia hạn nhiệm vụ UBQG-10/01 (phần việc của BCA) đến 30/06/2031 (hạn hiện tại 31/12/2030)" in ha.body
    minh = next(m for m in mail.outbox if m.to == ["minh@most.example.gov.vn"])
    assert minh.subject == "[dxtasks] Extension requested: UBQG-10/01 (MPS's share)"
    mail.outbox.clear()

    services.decide_extension(request=request, by=people.secretariat, approve=True, note="Đồng ý")
    approved = Event.objects.get(kind=EventKind.EXTENSION_APPROVED)
    # The requester and the share's owner, and MPS's contact (its deadline moved) — not SBV, not the group.
    assert approved.share == mps
    assert told(approved) == (["lan", "quan"], ["dau-moi@bca.example.gov.vn"])
    assert not Event.objects.filter(kind=EventKind.DEADLINE_CHANGED).exists()
    send_notifications()
    assert addressees(mail.outbox) == [
        "dau-moi@bca.example.gov.vn",
        "lan@bca.example.gov.vn",
        "quan@bca.example.gov.vn",
    ]
    assert "0 emails sent" in send_notifications()


def test_a_rejection_on_a_share_tells_requester_and_share_owner_only(people, collective, user_factory):
    mps = share(collective, "MPS")
    request = services.request_extension(
        directive=collective, share=mps, by=people.colleague, proposed_due=D(2031, 6, 30), reason="Chờ"
    )
    services.decide_extension(request=request, by=people.secretariat, approve=False, note="Chưa đủ căn cứ")
    assert told(Event.objects.get(kind=EventKind.EXTENSION_REJECTED)) == (["lan", "quan"], [])


def test_submitted_completed_and_returned_on_a_share_reach_its_owner_and_submitter(people, collective, sbv):
    mps = share(collective, "MPS")
    services.submit_for_review(directive=collective, share=mps, by=people.colleague, note="Đã ban hành")
    submitted = Event.objects.get(kind=EventKind.SUBMITTED)
    assert submitted.share == mps and told(submitted) == (["ha", "minh"], [])
    services.return_for_rework(directive=collective, share=mps, by=people.secretariat, note="Thiếu phụ lục")
    returned = Event.objects.get(kind=EventKind.RETURNED)
    assert returned.share == mps and told(returned) == (["lan", "quan"], [])
    services.complete_directive(
        directive=collective, share=share(collective, "SBV"), by=people.secretariat, completed_on=D(2025, 3, 1)
    )
    completed = Event.objects.get(kind=EventKind.COMPLETED)
    # SBV's share: no owner, no submitter, no focal point → its contact; nobody of MPS.
    assert completed.share.agency == sbv and told(completed) == ([], [SBV_CONTACT])


def test_a_deadline_change_on_a_share_tells_that_share_and_a_whole_move_tells_each_following_share(
    people, collective, sbv
):
    mps = share(collective, "MPS")
    services.change_deadline(
        directive=collective,
        share=mps,
        approved_by=people.secretariat,
        new_due=D(2031, 3, 31),
        reason="Điều chỉnh riêng",
    )
    [event] = Event.objects.filter(kind=EventKind.DEADLINE_CHANGED)
    assert event.share == mps and told(event) == (["quan"], ["dau-moi@bca.example.gov.vn"])
    assert event.data["old_due"] == "2030-12-31" and event.data["new_due"] == "2031-03-31"

    # The whole directive moves: SBV's share followed it (MPS's has its own deadline now, and stays).
    services.change_deadline(
        directive=collective, approved_by=people.secretariat, new_due=D(2031, 6, 30), reason="Lùi hạn chung"
    )
    moved = Event.objects.filter(kind=EventKind.DEADLINE_CHANGED).exclude(pk=event.pk)
    assert [(e.share.agency.code, told(e)) for e in moved] == [("SBV", ([], [SBV_CONTACT]))]
    assert share(collective, "MPS").due_date == D(2031, 3, 31)


def test_a_new_share_owner_is_told_and_the_actor_never(people, collective, sbv, user_factory):
    newcomer = user_factory(Role.FOCAL_POINT, agency=sbv, username="hoa", email="hoa@nhnn.example.gov.vn")
    services.assign_share(share=share(collective, "SBV"), by=people.secretariat, owner=newcomer)
    event = Event.objects.filter(kind=EventKind.ASSIGNED, share__agency=sbv).latest("pk")
    assert told(event) == (["hoa"], [])
    # A focal point acting on their own share is not told of it.
    services.submit_for_review(directive=collective, share=share(collective, "SBV"), by=newcomer)
    services.return_for_rework(
        directive=collective, share=share(collective, "SBV"), by=people.secretariat, note="Bổ sung"
    )
    returned = Event.objects.get(kind=EventKind.RETURNED)
    assert told(returned) == (["hoa"], [])
    services.submit_for_review(directive=collective, share=share(collective, "SBV"), by=newcomer)
    services.complete_directive(
        directive=collective, share=share(collective, "SBV"), by=newcomer, completed_on=D(2025, 3, 1)
    )
    assert not Event.objects.filter(kind=EventKind.COMPLETED).exists()  # the only recipient acted


def test_every_recipient_gets_one_email_for_a_whole_import_of_collective_directives(people, sbv, agency_factory):
    agency_factory("EACH", kind="other")
    for n in range(1, 4):
        services.create_directive(
            by=people.secretariat,
            reference=f"COL-{n}",
            title_vi=f"Việc {n}",
            share_agencies=[people.agency, sbv],
            deadline_text="31/12/2030",
            assigned_on=D(2025, 1, 2),
        )
    assert Event.objects.filter(kind=EventKind.ASSIGNED).count() == 6
    send_notifications()
    assert addressees(mail.outbox) == sorted(["lan@bca.example.gov.vn", "quan@bca.example.gov.vn", SBV_CONTACT])
    assert all(f"COL-{n}" in message.body for message in mail.outbox for n in range(1, 4))

"""Reminders follow the shares: each share's owner (or its agency's contact) is reminded of that share,
exactly once per share and step, in one digest per recipient."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from dxtasks.directives import services
from dxtasks.reminders.models import Delivery, Kind, Outcome
from dxtasks.reminders.sweep import retry_failed

from .conftest import day, to

QUAN = "quan@bca.example.gov.vn"
SBV_CONTACT = "dau-moi@nhnn.example.gov.vn"
pytestmark = pytest.mark.django_db


@pytest.fixture
def sbv(agency_factory):
    return agency_factory(
        code="SBV",
        name_vi="Ngân hàng Nhà nước Việt Nam",
        short_name_vi="NHNN",
        kind="ministerial",
        contact_email=SBV_CONTACT,
    )


@pytest.fixture
def each(secretariat, lead, owner, sbv, agency_factory):
    """Two collective directives to MPS and SBV each, due on 12/03/2025; MPS's share owned by its focal point."""
    agency_factory(code="EACH", kind="other")
    made = []
    for n in (1, 2):
        made.append(
            services.create_directive(
                by=secretariat,
                reference=f"COL-{n}",
                title_vi=f"Mỗi cơ quan làm việc {n}",
                share_agencies=[lead, sbv],
                deadline_text="12/03/2025",
                assigned_on=day("2025-01-02"),
            )
        )
    return made


def test_each_share_is_reminded_to_its_owner_or_agency_contact_once(each, sweep, directive_due, owner):
    directive_due(day("2025-03-12"), reference="SINGLE-1")
    summary, sent = sweep(day("2025-03-12"))
    # One digest per recipient: MPS's focal point gets both shares and the single-lead directive.
    quan = to(sent, QUAN)
    assert len(quan) == 1 and "nhắc 3 nhiệm vụ" in quan[0].body
    assert all(ref in quan[0].body for ref in ("COL-1", "COL-2", "SINGLE-1"))
    contact = to(sent, SBV_CONTACT)
    assert len(contact) == 1 and "COL-1" in contact[0].body and "COL-2" in contact[0].body
    rows = Delivery.objects.filter(kind=Kind.DUE)
    assert rows.filter(share__isnull=False).count() == 4 and rows.filter(share__isnull=True).count() == 1
    again, resent = sweep(day("2025-03-12"))
    assert resent == [] and again.already_sent == 5


def test_a_completed_share_is_not_reminded_and_an_extended_share_starts_a_new_sequence(each, sweep, secretariat):
    col1 = each[0]
    services.complete_directive(
        directive=col1, share=col1.shares.get(agency__code="SBV"), by=secretariat, completed_on=day("2025-03-01")
    )
    services.change_deadline(
        directive=col1,
        share=col1.shares.get(agency__code="MPS"),
        approved_by=secretariat,
        new_due=day("2025-04-30"),
        reason="gia hạn",
    )
    _, sent = sweep(day("2025-03-12"))
    assert "COL-1" not in to(sent, SBV_CONTACT)[0].body
    assert "COL-1" not in to(sent, QUAN)[0].body  # no longer due today: its own deadline moved


def test_the_database_refuses_a_second_delivery_of_a_share_step(each):
    share = each[0].shares.get(agency__code="SBV")
    fields = dict(
        directive=each[0],
        share=share,
        recipient=SBV_CONTACT,
        kind=Kind.DUE,
        occurrence="0",
        due_key="2025-03-12",
        slot_date=day("2025-03-12"),
        sweep_date=day("2025-03-12"),
    )
    Delivery.objects.create(**fields)
    other = each[0].shares.get(agency__code="MPS")
    Delivery.objects.create(**{**fields, "share": other})  # another share's step is its own
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(**fields)


def test_a_failed_share_reminder_is_retried_for_that_share(each, refusing_mail, mailoutbox):
    from dxtasks.reminders.sweep import run_sweep

    refusing_mail.REFUSED.add(SBV_CONTACT)
    run_sweep(day("2025-03-12"))
    failed = Delivery.objects.filter(recipient=SBV_CONTACT, outcome=Outcome.FAILED)
    assert failed.count() == 2 and all(d.share.agency.code == "SBV" for d in failed)
    refusing_mail.REFUSED.clear()
    failed.update(next_attempt_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))  # backoff over
    summary = retry_failed(day("2025-03-12"))
    assert summary.emails_sent == 1
    assert Delivery.objects.filter(recipient=SBV_CONTACT, outcome=Outcome.SENT).count() == 2


def test_escalation_goes_out_once_per_late_share(each, sweep):
    summary, sent = sweep(day("2025-03-27"))  # 15 days overdue: the first escalation
    rows = Delivery.objects.filter(kind=Kind.ESCALATION, recipient="ha@most.example.gov.vn")
    assert sorted(rows.values_list("directive__reference", "share__agency__code")) == [
        ("COL-1", "MPS"),
        ("COL-1", "SBV"),
        ("COL-2", "MPS"),
        ("COL-2", "SBV"),
    ]
    assert len(to(sent, "ha@most.example.gov.vn")) == 1
    # MPS's leadership is told of MPS's shares only.
    assert sorted(
        Delivery.objects.filter(kind=Kind.ESCALATION, recipient="lanh-dao@bca.example.gov.vn").values_list(
            "share__agency__code", flat=True
        )
    ) == ["MPS", "MPS"]


def test_a_share_given_an_asap_deadline_is_asked_weekly_until_its_agency_reports(each, sweep, secretariat, owner):
    """The directive is dated, its MPS share "sớm": the share's own progress, not the directive's
    precision, stops the share's weekly requests."""
    col1 = each[0]
    mps = col1.shares.get(agency__code="MPS")
    services.change_deadline(
        directive=col1, share=mps, approved_by=secretariat, new_deadline_text="sớm", reason="làm ngay"
    )
    mps.refresh_from_db()
    assert (mps.deadline_precision, col1.deadline_precision) == ("asap", "day")
    _, first = sweep(day("2025-03-12"))
    assert "COL-1" in to(first, QUAN)[0].body
    _, a_week_on = sweep(day("2025-03-19"))
    assert "COL-1" in to(a_week_on, QUAN)[0].body  # not reported yet: asked again
    services.record_progress(directive=col1, share=mps, by=owner, percent=20, note="Đã triển khai")
    _, after_report = sweep(day("2025-03-26"))
    assert all("COL-1" not in message.body for message in to(after_report, QUAN))

"""The reminder policy at its edges, through the real sweep, database and mail backend."""

import datetime

import pytest

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.reminders.models import Delivery, Kind, Outcome

from .conftest import day, to

QUAN = "quan@bca.example.gov.vn"
pytestmark = pytest.mark.django_db


def kinds_sent_to(address):
    return sorted(Delivery.objects.filter(recipient=address, outcome=Outcome.SENT).values_list("kind", "occurrence"))


def test_due_today_is_grouped_as_due_today(directive_due, sweep):
    directive_due(day("2025-03-12"))  # a Wednesday
    summary, sent = sweep(day("2025-03-12"))
    assert len(sent) == 1 and sent[0].to == [QUAN]
    assert "1 đến hạn hôm nay" in sent[0].subject
    assert "Hạn hôm nay" in sent[0].body
    assert kinds_sent_to(QUAN) == [("due", "0")]


def test_each_step_of_the_sequence_goes_once_on_its_day(directive_due, sweep):
    directive_due(day("2025-04-23"))  # Wednesday
    expected = {
        "2025-03-24": ("before", "30"),  # Monday, 30 days before
        "2025-04-16": ("before", "7"),
        "2025-04-22": ("before", "1"),
        "2025-04-23": ("due", "0"),
        "2025-04-24": ("overdue", "1"),
    }
    current = day("2025-03-20")
    while current <= day("2025-04-25"):
        _, sent = sweep(current)
        if current.isoformat() in expected:
            assert len(sent) == 1, current
        else:
            assert sent == [], current
        current += datetime.timedelta(days=1)
    assert kinds_sent_to(QUAN) == sorted(expected.values())


def test_due_on_a_sunday_goes_out_on_the_friday_before(directive_due, sweep):
    directive_due(day("2025-03-16"))  # Sunday
    _, seven_before = sweep(day("2025-03-07"))  # 7 days before is Sunday 09/03 → Friday 07/03
    _, thursday = sweep(day("2025-03-13"))
    _, friday = sweep(day("2025-03-14"))
    _, saturday = sweep(day("2025-03-15"))
    _, monday = sweep(day("2025-03-17"))
    assert len(seven_before) == 1
    assert thursday == []  # 1 day before is Saturday, moved to Friday with the due day
    assert len(friday) == 1 and "Còn 2 ngày" in friday[0].body
    assert saturday == []
    assert len(monday) == 1 and "Quá hạn 1 ngày" in monday[0].body
    assert kinds_sent_to(QUAN) == [("before", "7"), ("due", "0"), ("overdue", "1")]


def test_over_tet_the_reminder_goes_out_the_last_working_day_before(directive_due, sweep):
    # Tết 2025: 25 January (Saturday) to 2 February (Sunday) off. Due Monday 3 February:
    # "7 days before" (27/1) and "1 day before" (2/2) both fall in Tết → Friday 24/1.
    directive_due(day("2025-02-03"))
    _, before_tet = sweep(day("2025-01-24"))
    during = [sweep(day(f"2025-01-{d}"))[1] for d in (27, 28, 29, 30, 31)]
    _, due_day = sweep(day("2025-02-03"))
    assert len(before_tet) == 1 and "Còn 10 ngày" in before_tet[0].body
    assert all(messages == [] for messages in during)
    assert len(due_day) == 1 and "Hạn hôm nay" in due_day[0].body
    assert kinds_sent_to(QUAN) == [("before", "1"), ("due", "0")]


def test_leap_day_deadline(directive_due, sweep):
    directive_due(day("2028-02-29"), assigned_on=day("2027-12-01"))
    _, monday = sweep(day("2028-02-28"))
    _, leap_day = sweep(day("2028-02-29"))
    _, next_day = sweep(day("2028-03-01"))
    assert "Còn 1 ngày" in monday[0].body and "29/02/2028" in monday[0].body
    assert "Hạn hôm nay" in leap_day[0].body
    assert "Quá hạn 1 ngày" in next_day[0].body


def test_a_moved_deadline_restarts_the_sequence(directive_due, sweep, secretariat):
    directive = directive_due(day("2025-03-20"))
    _, first = sweep(day("2025-03-13"))  # 7 days before the old date
    services.change_deadline(
        directive=directive, approved_by=secretariat, reason="Gia hạn theo đề nghị", new_due=day("2025-04-30")
    )
    _, old_one_day_before = sweep(day("2025-03-19"))
    _, new_thirty_days_before = sweep(day("2025-03-31"))
    assert len(first) == 1
    assert old_one_day_before == []
    assert len(new_thirty_days_before) == 1 and "30/04/2025" in new_thirty_days_before[0].body
    assert set(Delivery.objects.values_list("due_key", "occurrence")) == {("2025-03-20", "7"), ("2025-04-30", "30")}


def test_completed_mid_sequence_gets_nothing_more(directive_due, sweep, secretariat):
    directive = directive_due(day("2025-03-20"))
    _, first = sweep(day("2025-03-13"))
    services.complete_directive(directive=directive, by=secretariat, completed_on=day("2025-03-14"))
    later = [sweep(day(d))[1] for d in ("2025-03-19", "2025-03-20", "2025-03-21", "2025-04-21")]
    assert len(first) == 1 and all(messages == [] for messages in later)


def test_cancelled_and_submitted_directives_are_not_chased(directive_due, sweep, secretariat, owner):
    cancelled = directive_due(day("2025-03-12"))
    services.cancel_directive(
        directive=cancelled, by=secretariat, reason="Không còn phù hợp", cancelled_on=day("2025-03-01")
    )
    submitted = directive_due(day("2025-03-12"))
    services.submit_for_review(directive=submitted, by=owner)
    _, sent = sweep(day("2025-03-12"))
    assert sent == []


def test_overdue_is_weekly_and_escalates_after_fourteen_days(directive_due, sweep, secretariat):
    directive_due(day("2025-03-12"))
    sent_by_day = {}
    current = day("2025-03-13")
    while current <= day("2025-04-04"):
        sent_by_day[current.isoformat()] = sweep(current)[1]
        current += datetime.timedelta(days=1)
    days_with_mail = {d: sorted(m.to[0] for m in msgs) for d, msgs in sent_by_day.items() if msgs}
    leaders = ["ha@most.example.gov.vn", "lanh-dao@bca.example.gov.vn"]
    assert days_with_mail == {
        "2025-03-13": [QUAN],  # 1 day overdue
        "2025-03-20": [QUAN],  # 8 days
        "2025-03-27": sorted([QUAN, *leaders]),  # 15 days: more than 14, escalated
        "2025-04-03": sorted([QUAN, *leaders]),
    }
    escalation = to(sent_by_day["2025-03-27"], "lanh-dao@bca.example.gov.vn")[0]
    assert "Quá hạn 15 ngày" in escalation.body and "[Báo cáo lãnh đạo]" in escalation.body
    assert "quá hạn trên 14 ngày: nhắc cả lãnh đạo cơ quan chủ trì" in escalation.body


def test_escalation_cannot_be_muted(directive_due, sweep, secretariat, client):
    from dxtasks.reminders.models import RecipientPreference

    directive = directive_due(day("2025-03-12"))
    for address in (QUAN, secretariat.email):
        RecipientPreference.objects.create(email=address).muted.add(directive)
    _, sent = sweep(day("2025-03-27"))
    assert sorted(m.to[0] for m in sent) == ["ha@most.example.gov.vn", "lanh-dao@bca.example.gov.vn"]


def test_a_missed_day_is_caught_up_once(directive_due, sweep):
    directive_due(day("2025-03-20"))
    # The worker was down on Thursday 13/03 (7 days before): Friday's sweep sends it, once.
    _, friday = sweep(day("2025-03-14"))
    _, monday = sweep(day("2025-03-17"))
    assert len(friday) == 1 and "Còn 6 ngày" in friday[0].body
    assert monday == []


def test_a_long_outage_sends_only_the_latest_step(directive_due, sweep):
    directive_due(day("2025-03-20"))
    _, back = sweep(day("2025-03-19"))  # 30 and 7 days before were missed
    assert len(back) == 1
    assert kinds_sent_to(QUAN) == [("before", "1")]


def test_owner_without_email_falls_back_to_the_agency_contact(directive_due, sweep, user_factory, lead):
    no_mail = user_factory(role=Role.FOCAL_POINT, agency=lead, email="")
    directive_due(day("2025-03-12"), owner=no_mail)
    _, sent = sweep(day("2025-03-12"))
    assert [m.to for m in sent] == [["dau-moi@bca.example.gov.vn"]]


def test_no_recipient_is_reported_and_recorded(directive_factory, agency_factory, sweep):
    silent = agency_factory(code="SILENT")
    directive = directive_factory(
        lead=silent, deadline_text="12/03/2025", assigned_on=day("2025-01-02"), reference="UBQG-9/01"
    )
    summary, sent = sweep(day("2025-03-12"))
    assert sent == []
    assert summary.no_recipient == ["UBQG-9/01"]
    row = Delivery.objects.get(directive=directive)
    assert (row.outcome, row.recipient, row.kind) == (Outcome.NO_RECIPIENT, "", Kind.DUE)


def test_asap_weekly_until_the_first_progress_report(directive_factory, lead, owner, sweep):
    directive = directive_factory(lead=lead, owner=owner, deadline_text="sớm", assigned_on=day("2025-03-03"))
    _, first = sweep(day("2025-03-10"))
    _, mid_week = sweep(day("2025-03-12"))
    _, second = sweep(day("2025-03-17"))
    services.record_progress(directive=directive, by=owner, percent=10, note="Đã bắt đầu")
    _, after_report = sweep(day("2025-03-24"))
    assert len(first) == 1 and "1 cần báo cáo tiến độ" in first[0].subject
    assert mid_week == [] and len(second) == 1 and after_report == []


def test_ongoing_asks_for_progress_each_quarter(directive_factory, lead, owner, sweep):
    directive_factory(lead=lead, owner=owner, deadline_text="thường xuyên", assigned_on=day("2025-02-10"))
    _, before_quarter = sweep(day("2025-03-31"))
    _, quarter = sweep(day("2025-04-01"))
    _, again = sweep(day("2025-04-02"))
    _, next_quarter = sweep(day("2025-07-01"))
    assert before_quarter == [] and again == []
    assert len(quarter) == 1 and "Thường xuyên" in quarter[0].body
    assert len(next_quarter) == 1
    assert sorted(Delivery.objects.values_list("occurrence", flat=True)) == ["2025-04", "2025-07"]


def test_periodic_ongoing_asks_for_progress_as_often_as_its_deadline_says(directive_factory, lead, owner, sweep):
    monthly = directive_factory(
        lead=lead, owner=owner, deadline_text="định kỳ hằng tháng", assigned_on=day("2025-02-10")
    )
    half_yearly = directive_factory(
        lead=lead, owner=owner, deadline_text="báo cáo 6 tháng một lần", assigned_on=day("2025-02-10")
    )
    for current in (
        "2025-03-03",
        "2025-03-04",
        "2025-04-01",
        "2025-05-02",
        "2025-05-05",
        "2025-06-02",
        "2025-07-01",
        "2025-07-02",
    ):
        sweep(day(current))

    def occurrences(directive):
        return sorted(Delivery.objects.filter(directive=directive).values_list("occurrence", flat=True))

    # 01/03/2025 is a Saturday: the March request was due Friday 28/02, and Monday 03/03 catches it up
    assert occurrences(monthly) == ["2025-03", "2025-04", "2025-05", "2025-06", "2025-07"]
    assert occurrences(half_yearly) == ["2025-07"]


def test_yearly_ongoing_is_asked_once_a_year_and_not_again_within_it(directive_factory, lead, owner, sweep):
    yearly = directive_factory(lead=lead, owner=owner, deadline_text="hằng năm", assigned_on=day("2024-06-10"))
    _, first = sweep(day("2024-12-31"))  # 01/01/2025 is a holiday: the request goes out the day before
    _, later = sweep(day("2025-04-01"))  # beyond the quarterly window: still known as sent
    _, autumn = sweep(day("2025-10-01"))
    assert len(first) == 1 and later == [] and autumn == []
    assert list(Delivery.objects.filter(directive=yearly).values_list("occurrence", flat=True)) == ["2025-01"]


def test_nothing_on_a_weekend_or_holiday(directive_due, sweep):
    directive_due(day("2025-03-12"))
    saturday, sent = sweep(day("2025-03-15"))
    national_day, sent_holiday = sweep(day("2025-09-02"))
    assert not saturday.working_day and sent == []
    assert not national_day.working_day and sent_holiday == []


def test_weekly_recipients_get_one_digest_on_the_first_working_day(directive_due, sweep):
    from dxtasks.reminders.models import RecipientPreference

    RecipientPreference.objects.create(email=QUAN, frequency="weekly")
    directive_due(day("2025-03-20"))  # Thursday; 7 days before is Thursday 13/03
    _, thursday = sweep(day("2025-03-13"))
    _, monday = sweep(day("2025-03-17"))
    assert thursday == []
    assert len(monday) == 1 and "Còn 3 ngày" in monday[0].body


def test_muted_directive_is_left_out_of_the_digest(directive_due, sweep):
    from dxtasks.reminders.models import RecipientPreference

    muted = directive_due(day("2025-03-12"), reference="MUTED-1")
    directive_due(day("2025-03-12"), reference="KEPT-1")
    RecipientPreference.objects.create(email=QUAN).muted.add(muted)
    summary, sent = sweep(day("2025-03-12"))
    assert len(sent) == 1 and "KEPT-1" in sent[0].body and "MUTED-1" not in sent[0].body
    assert summary.muted == 1


def test_weekly_recipients_still_get_escalations_on_their_day(directive_due, sweep, secretariat):
    from dxtasks.reminders.models import RecipientPreference

    directive_due(day("2025-03-12"))
    RecipientPreference.objects.create(email=secretariat.email, frequency="weekly")
    _, thursday = sweep(day("2025-03-27"))  # 15 days overdue, a Thursday
    assert "ha@most.example.gov.vn" in [m.to[0] for m in thursday]

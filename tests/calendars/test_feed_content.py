"""What a feed contains, read back by icalendar and by vobject."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.calendars.access import visible_directives
from dxtasks.calendars.feeds import build_feed, feed_directives
from dxtasks.directives import services

from .conftest import events


@pytest.fixture
def secretariat(user_factory, agency_factory):
    return user_factory(role=Role.SECRETARIAT, agency=agency_factory(code="MOST", short_name_vi="BKHCN"))


def test_one_all_day_event_per_dated_directive_in_both_parsers(secretariat, directive_factory, issue, fetch):
    dated = [directive_factory(deadline_text="30/06/2031"), directive_factory(deadline_text="trong năm 2031")]
    directive_factory(deadline_text="thường xuyên")
    directive_factory(deadline_text="sớm")
    response = fetch(issue(secretariat, "all").secret)
    assert response.status_code == 200
    found = events(response)
    assert set(found) == {f"{d.public_id}@testserver" for d in dated}
    assert len(response.vobj.vevent_list) == 2
    first = found[f"{dated[0].public_id}@testserver"]
    assert first["DTSTART"].dt == datetime.date(2031, 6, 30) and not isinstance(first["DTSTART"].dt, datetime.datetime)
    assert first["DTEND"].dt == datetime.date(2031, 7, 1)
    assert b"DTSTART;VALUE=DATE:20310630" in response.content
    assert str(first["STATUS"]) == "CONFIRMED"
    assert first["SEQUENCE"] == dated[0].version
    for name in ("DTSTAMP", "CREATED", "LAST-MODIFIED", "URL", "CATEGORIES", "DESCRIPTION"):
        assert name in first
    assert str(first["URL"]) == f"http://testserver/directives/{dated[0].public_id}/"


def test_vietnamese_text_with_commas_semicolons_and_breaks_round_trips(
    secretariat, directive_factory, agency_factory, issue, fetch
):
    lead = agency_factory(short_name_vi="BCA", name_vi="Bộ Công an")
    co = agency_factory(name_vi="Ngân hàng Nhà nước; Việt Nam")
    title = "Xây dựng, hoàn thiện; kết nối CSDL dân cư \\ định danh"
    directive = directive_factory(lead=lead, title_vi=title, deadline_text="31/12/2031", co_agencies=[co])
    services.record_progress(
        directive=directive, by=secretariat, percent=40, note="Đã họp, thống nhất;\nchờ ý kiến Bộ Tư pháp"
    )
    response = fetch(issue(secretariat, "all").secret)
    event = events(response)[f"{directive.public_id}@testserver"]
    assert str(event["SUMMARY"]) == f"[BCA] {title}"
    description = str(event["DESCRIPTION"])
    assert "Đơn vị chủ trì: Bộ Công an" in description
    assert "Đơn vị phối hợp: Ngân hàng Nhà nước; Việt Nam" in description
    assert "40% — Đã họp, thống nhất;\nchờ ý kiến Bộ Tư pháp" in description
    assert "Thời hạn: 31/12/2031" in description
    vevent = next(v for v in response.vobj.vevent_list if v.uid.value == f"{directive.public_id}@testserver")
    assert vevent.summary.value == f"[BCA] {title}"
    assert vevent.description.value == description
    assert "Xây dựng\\, hoàn thiện\\; kết nối".encode() in response.content.replace(b"\r\n ", b"")


def test_long_lines_fold_on_character_boundaries(secretariat, directive_factory, issue, fetch):
    title = "Triển khai nền tảng tích hợp, chia sẻ dữ liệu quốc gia; ứng dụng định danh điện tử " * 3
    directive = directive_factory(title_vi=title[:300], deadline_text="31/12/2031")
    response = fetch(issue(secretariat, "all").secret)
    for line in response.content.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a split multi-byte character would raise here
    assert str(events(response)[f"{directive.public_id}@testserver"]["SUMMARY"]).startswith("[T")


def test_control_characters_removed_and_very_long_titles_trimmed(secretariat, directive_factory, issue, fetch):
    title = "Báo cáo\x01 quý\x1b\x07 IV\x7f\x85" + " dài" * 70
    directive = directive_factory(title_vi=title, deadline_text="31/12/2031")
    response = fetch(issue(secretariat, "all").secret)
    assert b"\x01" not in response.content and b"\x1b" not in response.content and b"\x7f" not in response.content
    summary = str(events(response)[f"{directive.public_id}@testserver"]["SUMMARY"])
    assert summary.startswith("[T") and "Báo cáo quý IV dài" in summary
    assert len(summary) < 260 and summary.endswith("…")


def test_deadline_change_keeps_uid_and_raises_sequence(secretariat, directive_factory, issue, fetch):
    directive = directive_factory(deadline_text="30/06/2031")
    secret = issue(secretariat, "all").secret
    before = events(fetch(secret))[f"{directive.public_id}@testserver"]
    services.change_deadline(
        directive=directive, approved_by=secretariat, reason="Gia hạn theo đề nghị", new_due=datetime.date(2031, 9, 30)
    )
    after_response = fetch(secret)
    after = events(after_response)
    assert list(after) == [f"{directive.public_id}@testserver"]
    event = after[f"{directive.public_id}@testserver"]
    assert event["SEQUENCE"] > before["SEQUENCE"]
    assert event["DTSTART"].dt == datetime.date(2031, 9, 30)
    assert event["LAST-MODIFIED"].dt >= before["LAST-MODIFIED"].dt


def test_cancelled_directive_stays_cancelled_for_ninety_days(secretariat, directive_factory, issue):
    today = timezone.localdate()
    recent = directive_factory(deadline_text="31/12/2031")
    old = directive_factory(deadline_text="31/12/2031")
    services.cancel_directive(
        directive=recent, by=secretariat, reason="Không còn phù hợp", cancelled_on=today - datetime.timedelta(days=90)
    )
    services.cancel_directive(
        directive=old, by=secretariat, reason="Không còn phù hợp", cancelled_on=today - datetime.timedelta(days=91)
    )
    issued = issue(secretariat, "all")
    import icalendar

    calendar = icalendar.Calendar.from_ical(
        build_feed(issued.feed, feed_directives(visible_directives(issued.feed), today), today=today)
    )
    found = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert str(found[f"{recent.public_id}@testserver"]["STATUS"]) == "CANCELLED"
    assert f"{old.public_id}@testserver" not in found
    assert not found[f"{recent.public_id}@testserver"].walk("VALARM")


def test_completed_directive_is_marked(secretariat, directive_factory, issue, fetch):
    directive = directive_factory(deadline_text="31/12/2031", assigned_on=datetime.date(2024, 1, 1))
    services.complete_directive(directive=directive, by=secretariat, completed_on=timezone.localdate())
    event = events(fetch(issue(secretariat, "all").secret))[f"{directive.public_id}@testserver"]
    assert str(event["SUMMARY"]).startswith("✓ [")
    assert "Hoàn thành đúng hạn" in [str(c) for c in event["CATEGORIES"].cats]
    assert not event.walk("VALARM")


def test_alarms_follow_the_reminder_policy_and_skip_past_days(settings, secretariat, directive_factory, issue, fetch):
    settings.REMINDERS = {**settings.REMINDERS, "DAYS_BEFORE": [30, 7, 1, 0]}
    today = timezone.localdate()
    far = directive_factory(deadline_text=f"{today + datetime.timedelta(days=60):%d/%m/%Y}")
    near = directive_factory(deadline_text=f"{today + datetime.timedelta(days=5):%d/%m/%Y}")
    found = events(fetch(issue(secretariat, "all").secret))
    far_triggers = sorted(a["TRIGGER"].dt for a in found[f"{far.public_id}@testserver"].walk("VALARM"))
    hours = datetime.timedelta(hours=8)
    assert far_triggers == sorted(datetime.timedelta(days=-d) + hours for d in (30, 7, 1, 0))
    near_triggers = sorted(a["TRIGGER"].dt for a in found[f"{near.public_id}@testserver"].walk("VALARM"))
    assert near_triggers == sorted(datetime.timedelta(days=-d) + hours for d in (1, 0))
    assert all(str(a["ACTION"]) == "DISPLAY" for a in found[f"{far.public_id}@testserver"].walk("VALARM"))


def test_calendar_properties_and_owner_language(user_factory, agency_factory, directive_factory, issue, fetch):
    agency = agency_factory(
        code="MPS", name_vi="Bộ Công an", name_en="Ministry of Public Security", short_name_vi="BCA"
    )
    directive_factory(lead=agency, title_vi="Tiêu đề", title_en="English title", deadline_text="31/12/2031")
    reader = user_factory(language="en")
    issued = issue(reader, "agency", agency=agency)
    response = fetch(issued.secret)
    calendar = response.ical
    assert "Ministry of Public Security" in str(calendar["X-WR-CALNAME"])
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"])
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.content
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in response.content
    assert str(calendar["PRODID"]).startswith("-//dxtasks//")
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "[MPS] English title"  # the English abbreviation
    # The calendar's UID survives a regenerated token: clients keep one calendar.
    from dxtasks.calendars import tokens

    regenerated = tokens.regenerate_token(feed=issued.feed)
    assert str(fetch(regenerated.secret).ical["UID"]) == str(calendar["UID"])


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "America/Los_Angeles", "UTC"])
def test_all_day_dates_do_not_depend_on_the_server_time_zone(zone, secretariat, directive_factory, issue, fetch):
    directive = directive_factory(deadline_text="01/01/2032")
    secret = issue(secretariat, "all").secret
    with override_settings(TIME_ZONE=zone):
        response = fetch(secret)
    event = events(response)[f"{directive.public_id}@testserver"]
    assert event["DTSTART"].dt == datetime.date(2032, 1, 1)
    assert event["DTEND"].dt == datetime.date(2032, 1, 2)
    assert b"DTSTART;VALUE=DATE:20320101\r\n" in response.content
    vevent = response.vobj.vevent_list[0]
    assert vevent.dtstart.value == datetime.date(2032, 1, 1)


def test_todo_format_lists_the_same_directives_as_tasks(secretariat, directive_factory, issue, fetch):
    open_one = directive_factory(deadline_text="30/06/2031")
    done = directive_factory(deadline_text="31/12/2031")
    services.record_progress(directive=open_one, by=secretariat, percent=35, note="Đang soạn thảo")
    services.complete_directive(directive=done, by=secretariat, completed_on=timezone.localdate())
    directive_factory(deadline_text="thường xuyên")
    response = fetch(issue(secretariat, "all").secret, fmt="todo")
    todos = events(response, "VTODO")
    assert not response.ical.walk("VEVENT")
    assert len(response.vobj.vtodo_list) == 2
    first = todos[f"{open_one.public_id}@testserver"]
    assert first["DUE"].dt == datetime.date(2031, 6, 30)
    assert str(first["STATUS"]) == "IN-PROCESS" and int(first["PERCENT-COMPLETE"]) == 35
    second = todos[f"{done.public_id}@testserver"]
    assert str(second["STATUS"]) == "COMPLETED" and int(second["PERCENT-COMPLETE"]) == 100
    assert "COMPLETED" in second
    assert all("RELATED" in a["TRIGGER"].params for a in first.walk("VALARM"))


def test_same_data_same_day_gives_same_bytes(secretariat, directive_factory, issue, fetch):
    directive_factory(deadline_text="30/06/2031")
    secret = issue(secretariat, "all").secret
    assert fetch(secret).content == fetch(secret).content


def test_text_cleaning_drops_nul_and_breaks_single_lines():
    from dxtasks.calendars.feeds import clean_line, clean_text

    assert clean_line("a\x00b\r\nc\u2028d\te") == "ab c d e"
    assert clean_text("dòng 1\r\ndòng 2\rdòng 3\x00") == "dòng 1\ndòng 2\ndòng 3"
    assert clean_line("x" * 500) == "x" * 199 + "…"


def test_description_shows_the_latest_progress_report_only(secretariat, directive_factory, issue, fetch):
    directive = directive_factory(deadline_text="31/12/2031")
    other = directive_factory(deadline_text="31/12/2031")
    services.record_progress(directive=directive, by=secretariat, percent=20, note="Báo cáo đầu tiên")
    services.record_progress(directive=directive, by=secretariat, percent=60, note="Báo cáo mới nhất")
    services.record_progress(directive=other, by=secretariat, percent=5, note="Việc khác")
    found = events(fetch(issue(secretariat, "all").secret))
    description = str(found[f"{directive.public_id}@testserver"]["DESCRIPTION"])
    assert "60% — Báo cáo mới nhất" in description and "Báo cáo đầu tiên" not in description
    assert "5% — Việc khác" in str(found[f"{other.public_id}@testserver"]["DESCRIPTION"])


def test_an_edited_title_replaces_the_event_text(secretariat, directive_factory, issue, fetch):
    directive = directive_factory(deadline_text="31/12/2031", title_vi="Tên cũ")
    secret = issue(secretariat, "all").secret
    assert "Tên cũ" in str(events(fetch(secret))[f"{directive.public_id}@testserver"]["SUMMARY"])
    services.update_directive(directive=directive, by=secretariat, title_vi="Tên mới")
    event = events(fetch(secret))[f"{directive.public_id}@testserver"]
    assert str(event["SUMMARY"]).endswith("Tên mới") and event["SEQUENCE"] == directive.version + 1

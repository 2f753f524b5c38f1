"""How a feed is built: folding, stored events, alarms at fetch time, and a golden file of the output."""

import datetime
import uuid
from pathlib import Path

import icalendar
import pytest
import vobject
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from icalendar.parser import _foldline

from dxtasks.accounts.models import Role
from dxtasks.calendars import feeds, ical
from dxtasks.calendars.access import visible_directives
from dxtasks.calendars.feeds import MEMO, build_feed, feed_directives, fold
from dxtasks.calendars.models import StoredEvent
from dxtasks.directives import services
from dxtasks.directives.models import Directive, ProgressUpdate
from tests.migrating import latest, migrate

from .conftest import events

GOLDEN = Path(__file__).parent / "golden"
ZONE = timezone.get_fixed_timezone(7 * 60)


# --- folding ---------------------------------------------------------------------------------------


@hypothesis_settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list('aZ09 ,;:\\^"ăâđêôơưạảãáàệữỹ—…✓⚠😀\u00a0'))
        | st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
        max_size=400,
    )
)
def test_fold_writes_what_icalendar_writes(text):
    assert fold(text) == _foldline(text).encode("utf-8")


@pytest.mark.parametrize("length", range(70, 160))
def test_fold_agrees_at_every_boundary_with_escapes_and_wide_characters(length):
    for filler in ("a", "ệ", "😀", "\\", "^", "a\\", "ệ^"):
        text = (filler * length)[:length]
        assert fold(text) == _foldline(text).encode("utf-8")
        for bytes_line in fold(text).split(b"\r\n "):
            assert len(bytes_line) <= 74
            bytes_line.decode("utf-8")  # never cut inside a character


# --- stored events ---------------------------------------------------------------------------------


@pytest.fixture
def secretariat(user_factory, agency_factory):
    return user_factory(role=Role.SECRETARIAT, agency=agency_factory(code="MOST", short_name_vi="BKHCN"))


def _fresh_process():
    """What a new web process or host has: no memoised event, no cached body."""
    from django.core.cache import cache

    MEMO.clear()
    cache.clear()


def test_a_fresh_process_reads_stored_events_instead_of_rebuilding_them(secretariat, directive_factory, issue, fetch):
    made = [directive_factory(deadline_text=f"{d:02d}/06/2031") for d in range(1, 6)]
    services.record_progress(directive=made[0], by=secretariat, percent=30, note="Đang làm")
    secret = issue(secretariat, "all").secret
    first = fetch(secret)
    assert StoredEvent.objects.filter(variant="event:vi").count() == 5
    _fresh_process()
    with CaptureQueriesContext(connection) as captured:
        again = fetch(secret)
    assert again.content == first.content
    # Neither the texts, the co-ordinating agencies nor the progress reports were read again.
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "directives_progressupdate" not in sql and "directives_directive_co_agencies" not in sql
    assert '"directives_directive"."title_vi"' not in sql


def test_a_stored_event_is_used_only_while_its_key_matches(secretariat, directive_factory, issue, fetch):
    kept, edited = directive_factory(deadline_text="01/06/2031"), directive_factory(deadline_text="02/06/2031")
    secret = issue(secretariat, "all").secret
    fetch(secret)
    # The store is what a fresh process serves: a row with the current key is used as it is …
    stored = StoredEvent.objects.get(directive=kept).body
    StoredEvent.objects.filter(directive=kept).update(body=stored.replace("BEGIN:VEVENT", "BEGIN:VEVENT\r\nX-MARK:1"))
    # … and one whose directive changed since is not: its event is built again and its row replaced.
    before = StoredEvent.objects.get(directive=edited).digest
    services.record_progress(directive=edited, by=secretariat, percent=50, note="Nửa chặng")
    _fresh_process()
    response = fetch(secret)
    assert response.content.count(b"X-MARK:1") == 1
    assert "Nửa chặng" in str(events(response)[f"{edited.public_id}@testserver"]["DESCRIPTION"])
    assert StoredEvent.objects.get(directive=edited).digest != before
    assert StoredEvent.objects.filter(directive=edited).count() == 1


def test_the_header_is_kept_with_the_token_until_the_calendar_name_changes(
    secretariat, agency_factory, directive_factory, issue, fetch
):
    from dxtasks.calendars.models import FeedToken

    lead = agency_factory(code="MPS", name_vi="Bộ Công an", short_name_vi="BCA")
    directive_factory(lead=lead, deadline_text="01/06/2031")
    issued = issue(secretariat, "agency", agency=lead)
    first = fetch(issued.secret)
    kept = FeedToken.objects.get(pk=issued.feed.pk).headers["event"]
    assert first.content.startswith(kept[1].encode()) and "Bộ Công an" in kept[1]
    # A new process uses the kept header as it is (so it needn't import icalendar) …
    marked = [kept[0], kept[1].replace("BEGIN:VCALENDAR\r\n", "BEGIN:VCALENDAR\r\nX-MARK:1\r\n")]
    FeedToken.objects.filter(pk=issued.feed.pk).update(headers={"event": marked})
    _fresh_process()
    assert b"X-MARK:1" in fetch(issued.secret).content
    # … until what it says changes: the agency's new name is in a header built again.
    type(lead).objects.filter(pk=lead.pk).update(name_vi="Bộ Công an (đổi tên)")
    _fresh_process()
    again = fetch(issued.secret)
    assert b"X-MARK:1" not in again.content
    assert str(again.ical["X-WR-CALNAME"]).endswith("Bộ Công an (đổi tên)")
    assert "đổi tên" in FeedToken.objects.get(pk=issued.feed.pk).headers["event"][1]


def test_renaming_an_agency_rebuilds_its_stored_events(secretariat, agency_factory, directive_factory, issue, fetch):
    lead = agency_factory(code="MPS", name_vi="Bộ Công an", short_name_vi="BCA")
    directive = directive_factory(lead=lead, deadline_text="01/06/2031")
    secret = issue(secretariat, "all").secret
    fetch(secret)
    type(lead).objects.filter(pk=lead.pk).update(name_vi="Bộ Công an (đổi tên)")
    _fresh_process()
    # The ETag ignores agency names (a documented gap until the next day), so ask for the body anew.
    response = fetch(secret)
    assert "Bộ Công an (đổi tên)" in str(events(response)[f"{directive.public_id}@testserver"]["DESCRIPTION"])


def test_queries_do_not_grow_with_stored_events(secretariat, directive_factory, issue, fetch):
    secret = issue(secretariat, "all").secret
    counts = []
    for size in (3, 30):
        while Directive.objects.count() < size:
            directive_factory(deadline_text="01/06/2031")
        fetch(secret)
        _fresh_process()
        with CaptureQueriesContext(connection) as captured:
            assert fetch(secret).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- alarms at fetch time --------------------------------------------------------------------------


def _feed_at(feed, moment: datetime.datetime) -> bytes:
    today = timezone.localdate(moment)
    return build_feed(feed, feed_directives(visible_directives(feed), today), today=today, now=moment)


def test_alarms_already_past_at_fetch_time_are_left_out(settings, secretariat, directive_factory, issue):
    settings.REMINDERS = {**settings.REMINDERS, "DAYS_BEFORE": [7, 1, 0]}
    settings.CALENDARS = {**settings.CALENDARS, "ALARM_HOUR": 8}
    today = timezone.localdate()
    due_today = directive_factory(deadline_text=f"{today:%d/%m/%Y}")
    in_a_week = directive_factory(deadline_text=f"{today + datetime.timedelta(days=7):%d/%m/%Y}")
    feed = issue(secretariat, "all").feed
    zone = timezone.get_current_timezone()
    early = datetime.datetime.combine(today, datetime.time(7, 59), tzinfo=zone)
    late = datetime.datetime.combine(today, datetime.time(8, 0), tzinfo=zone)

    def triggers(body: bytes, directive) -> list[datetime.timedelta]:
        event = events_of(body)[f"{directive.public_id}@testserver"]
        return sorted(a["TRIGGER"].dt for a in event.walk("VALARM"))

    eight = datetime.timedelta(hours=8)
    assert triggers(_feed_at(feed, early), due_today) == [eight]  # today's 08:00 alarm is still ahead
    assert triggers(_feed_at(feed, late), due_today) == []  # … and has fired at 08:00
    assert triggers(_feed_at(feed, late), in_a_week) == sorted(
        datetime.timedelta(days=-d) + eight for d in (1, 0)
    )  # 7 days before = today 08:00: fired


def test_the_etag_moves_when_the_alarm_hour_passes(secretariat, directive_factory, issue):
    directive_factory(deadline_text="01/06/2031")
    feed = issue(secretariat, "all").feed
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    queryset = feed_directives(visible_directives(feed), today)
    before = feeds.fingerprint(feed, queryset, "event", today, datetime.datetime.combine(today, datetime.time(7), zone))
    after = feeds.fingerprint(feed, queryset, "event", today, datetime.datetime.combine(today, datetime.time(9), zone))
    assert before[0] != after[0]


def events_of(body: bytes) -> dict:
    return {str(c["UID"]): c for c in icalendar.Calendar.from_ical(body).walk("VEVENT")}


# --- golden file -----------------------------------------------------------------------------------

FIXED_NOW = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=ZONE)


@pytest.fixture
def fixed_feed(user_factory, agency_factory, directive_factory):
    """Fixed data: ids, timestamps and texts that do not depend on the database or the clock."""
    lead = agency_factory(code="MPS", name_vi="Bộ Công an", name_en="Ministry of Public Security", short_name_vi="BCA")
    co = agency_factory(
        code="SBV", name_vi="Ngân hàng Nhà nước Việt Nam", name_en="State Bank of Vietnam", short_name_vi="NHNN"
    )
    other = agency_factory(
        code="MIC",
        name_vi="Bộ Thông tin và Truyền thông",
        short_name_vi="BTTTT",
        name_en="Ministry of Information and Communications",
    )
    owner = user_factory(role=Role.SECRETARIAT, agency=lead, username="golden.secretary")
    specs = [
        (
            "UBQG-9/01",
            lead,
            [co],
            "Hoàn thiện cơ sở dữ liệu quốc gia về dân cư; kết nối, chia sẻ với các bộ, ngành "
            "và địa phương để phục vụ giải quyết thủ tục hành chính \\ định danh",
            "31/03/2026",
            "open",
            40,
            "Đã họp thống nhất phương án,\nđang chờ ý kiến Bộ Tư pháp",
        ),
        ("UBQG-9/02", co, [], "Triển khai thanh toán không dùng tiền mặt", "10/03/2026", "open", None, ""),
        (
            "UBQG-9/03",
            other,
            [lead, co],
            "Phủ sóng di động các thôn, bản vùng lõm sóng",
            "01/03/2026",
            "open",
            None,
            "",
        ),
        ("UBQG-9/04", lead, [], "Ban hành kế hoạch chuyển đổi số năm 2031", "15/02/2026", "completed", None, ""),
        ("UBQG-9/05", other, [], "Đề án đã dừng", "20/03/2026", "cancelled", None, ""),
    ]
    created = datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)
    for n, (reference, agency, co_agencies, title, deadline, state, percent, note) in enumerate(specs):
        directive = directive_factory(
            lead=agency,
            reference=reference,
            title_vi=title,
            title_en=f"English {n}",
            deadline_text=deadline,
            co_agencies=co_agencies,
            assigned_on=datetime.date(2026, 1, 5),
        )
        if percent is not None:
            services.record_progress(directive=directive, by=owner, percent=percent, note=note)
        if state == "completed":
            services.complete_directive(directive=directive, by=owner, completed_on=datetime.date(2026, 2, 10))
        if state == "cancelled":
            services.cancel_directive(
                directive=directive, by=owner, reason="Không còn phù hợp", cancelled_on=datetime.date(2026, 3, 1)
            )
        Directive.objects.filter(pk=directive.pk).update(
            public_id=uuid.UUID(int=0x1600 + n),
            created_at=created,
            updated_at=created + datetime.timedelta(days=n, minutes=n),
            version=n + 1,
        )
    ProgressUpdate.objects.update(reported_at=created)
    return owner


@pytest.mark.parametrize("fmt,language", [("event", "vi"), ("todo", "en")])
def test_the_feed_output_is_unchanged_for_fixed_data(fixed_feed, issue, fmt, language, settings):
    settings.SITE_URL = "https://dxtasks.example.gov.vn"
    settings.REMINDERS = {**settings.REMINDERS, "DAYS_BEFORE": [30, 7, 1, 0]}
    fixed_feed.language = language
    fixed_feed.save(update_fields=["language"])
    feed = issue(fixed_feed, "all").feed
    today = FIXED_NOW.date()
    MEMO.clear()
    queryset = feed_directives(visible_directives(feed), today)
    body = build_feed(feed, queryset, fmt=fmt, today=today, now=FIXED_NOW)
    path = GOLDEN / f"feed-{fmt}-{language}.ics"
    if not path.exists():  # writing a golden file is a deliberate step: check the output by hand first
        (Path("var") / path.name).write_bytes(body)
        pytest.fail(f"{path.name} missing; this run's output is in var/{path.name}")
    expected = path.read_bytes()
    assert _without_calendar_uid(body) == _without_calendar_uid(expected)
    # Both parsers read the golden file as the feed it is.
    calendar = icalendar.Calendar.from_ical(expected)
    assert len(calendar.walk("VTODO" if fmt == "todo" else "VEVENT")) == 5
    parsed = vobject.readOne(expected.decode("utf-8"))
    assert len(parsed.vtodo_list if fmt == "todo" else parsed.vevent_list) == 5
    # A second build, from the memo, and a third, from the store, give the same bytes.
    assert build_feed(feed, queryset, fmt=fmt, today=today, now=FIXED_NOW) == build_feed(
        feed, queryset, fmt=fmt, today=today, now=FIXED_NOW
    )
    MEMO.clear()
    assert _without_calendar_uid(
        build_feed(feed, queryset, fmt=fmt, today=today, now=FIXED_NOW)
    ) == _without_calendar_uid(expected)


def _without_calendar_uid(body: bytes) -> bytes:
    """The calendar's own UID hashes the owner's database id (numbered differently by each database)."""
    lines = body.split(b"\r\n")
    first_event = next(i for i, line in enumerate(lines) if line.startswith(b"BEGIN:V") and i > 0)
    header = [line for line in lines[:first_event] if not line.startswith(b"UID:")]
    return b"\r\n".join(header + lines[first_event:])


def _plain_icalendar(data: feeds.EventData) -> bytes:
    """The event as plain icalendar writes it: no shared values, no fast fold, alarms as subcomponents."""
    from django.utils import translation
    from icalendar import Alarm, Event, Todo, vDuration

    texts = ical._texts(data.language)
    url = f"{data.site_url}/directives/{data.public_id}/"
    component = Todo() if data.fmt == "todo" else Event()
    component.add("uid", f"{data.public_id}@{data.host}")
    component.add("dtstamp", ical._utc(data.updated_at))
    component.add("created", ical._utc(data.created_at))
    component.add("last-modified", ical._utc(data.updated_at))
    component.add("sequence", data.version)
    component.add("summary", ical._summary(data))
    component.add("description", ical._description(data, url))
    component.add("url", url, parameters={"VALUE": "URI"})
    component.add("categories", [texts["pillars"][data.pillar], texts["statuses"][data.status]])
    if data.fmt == "todo":
        component.add("due", data.due)
        component.add("status", ical._todo_status(data))
        component.add("percent-complete", 100 if data.state == "completed" else (data.latest_percent or 0))
        if data.completed_on:
            noon = datetime.datetime.combine(data.completed_on, datetime.time(12))
            component.add("completed", ical._utc(timezone.make_aware(noon)))
    else:
        component.add("dtstart", data.due)
        component.add("dtend", data.due + datetime.timedelta(days=1))
        component.add("status", "CANCELLED" if data.state == "cancelled" else "CONFIRMED")
        component.add("transp", "TRANSPARENT")
        component.add("x-microsoft-cdo-busystatus", "FREE")
    for days in data.alarm_days:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        with translation.override(data.language):
            alarm.add(
                "description",
                translation.gettext("Nhắc hạn: đến hạn hôm nay")
                if days == 0
                else translation.ngettext("Nhắc hạn: còn %(days)d ngày", "Nhắc hạn: còn %(days)d ngày", days)
                % {"days": days},
            )
        trigger = vDuration(datetime.timedelta(days=-days, hours=data.alarm_hour))
        if data.fmt == "todo":
            trigger.params["RELATED"] = "END"
        alarm.add("trigger", trigger)
        component.add_component(alarm)
    return component.to_ical()


@pytest.mark.parametrize("fmt,language", [("event", "vi"), ("todo", "en"), ("event", "en"), ("todo", "vi")])
def test_each_event_is_byte_for_byte_what_plain_icalendar_writes(fixed_feed, fmt, language):
    queryset = Directive.objects.all()
    items = feeds.event_data(
        queryset, fmt=fmt, language=language, today=FIXED_NOW.date(), now=FIXED_NOW - datetime.timedelta(days=40)
    )  # early: every alarm still ahead
    assert any(data.alarm_days for _pk, data in items)
    for _pk, data in items:
        assert ical.serialise(data) == _plain_icalendar(data)


# --- the "all" feed's window and the paged history -----------------------------------------------


def test_the_all_feed_is_a_window_and_the_history_is_paged(settings, secretariat, directive_factory, issue, fetch):
    settings.CALENDARS = {
        **settings.CALENDARS,
        "ALL_FEED_PAST_DAYS": 90,
        "ALL_FEED_AHEAD_DAYS": 180,
        "HISTORY_PAGE_EVENTS": 2,
    }
    today = timezone.localdate()
    old = [
        directive_factory(
            deadline_text=f"{today - datetime.timedelta(days=400 + n):%d/%m/%Y}",
            assigned_on=today - datetime.timedelta(days=800),
        )
        for n in range(2)
    ]
    recent = directive_factory(
        deadline_text=f"{today - datetime.timedelta(days=30):%d/%m/%Y}",
        assigned_on=today - datetime.timedelta(days=100),
    )
    coming = directive_factory(deadline_text=f"{today + datetime.timedelta(days=30):%d/%m/%Y}")
    far = directive_factory(deadline_text=f"{today + datetime.timedelta(days=181):%d/%m/%Y}")  # after the window
    secret = issue(secretariat, "all").secret
    window = set(events(fetch(secret)))
    assert window == {f"{d.public_id}@testserver" for d in (recent, coming)}
    first = fetch(secret, page="1")
    assert set(events(first)) == {f"{d.public_id}@testserver" for d in old}  # by due date, oldest first
    assert first["Link"].endswith('?page=2>; rel="next"')
    assert "history-1.ics" in first["Content-Disposition"]
    second = fetch(secret, page="2")
    assert set(events(second)) == {f"{d.public_id}@testserver" for d in (recent, coming)}
    assert first["ETag"] != second["ETag"] != fetch(secret)["ETag"]
    third = fetch(secret, page="3")
    assert set(events(third)) == {f"{far.public_id}@testserver"} and "Link" not in third
    assert fetch(secret, page="4").status_code == 404
    for bad in ("0", "-1", "x", "1.5", "9" * 9):
        assert fetch(secret, page=bad).status_code == 404
    # A mine feed is not windowed, and pages the same way.
    mine = issue(secretariat, "mine").secret
    assert fetch(mine).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_stored_events_kept_as_bytes_are_forgotten_when_the_body_becomes_text(
    secretariat, directive_factory, issue, fetch
):
    # On PostgreSQL a bytea cast to text is its hex form: a row kept through the change would be
    # served as "\x4245…" under a digest that still matches. The migration deletes them instead.
    directive = directive_factory(deadline_text="01/06/2031")
    secret = issue(secretariat, "all").secret
    try:
        apps = migrate([("calendars", "0004_feed_headers")])
        apps.get_model("calendars", "StoredEvent").objects.create(
            directive_id=directive.pk, variant="event:vi", digest="0" * 32, body=b"BEGIN:VEVENT"
        )
        migrate([("calendars", "0005_stored_event_text")])
        assert not StoredEvent.objects.exists()
    finally:
        migrate(latest())
    _fresh_process()
    assert f"{directive.public_id}@testserver" in events(fetch(secret))
    assert StoredEvent.objects.get(directive=directive).body.startswith("BEGIN:VEVENT\r\n")


HOSTILE_BODIES = [
    "BEGIN:VEVENT\r\nSUMMARY:C:\\\\đường dẫn\\, \\; \\n\r\nEND:VEVENT\r\n",  # backslashes: COPY's escape
    "BEGIN:VEVENT\r\nSUMMARY:tab\there\r\n\\.\r\nEND:VEVENT\r\n",  # a tab, and COPY's end-of-data line
    "BEGIN:VEVENT\r\nSUMMARY:\u00a0✓ 😀 \x7f \x1b[31m\r\n DESCRIPTION:'=1+1\r\nEND:VEVENT\r\n",
]


@pytest.mark.django_db
def test_stored_events_come_back_byte_for_byte_and_are_replaced_in_place(directive_factory):
    """What `eventstore.save` writes (COPY on PostgreSQL, one statement per row on SQLite) is what `load` reads,
    for bodies carrying what COPY's text format escapes; saving again replaces the rows, twice in
    one transaction too (the staging table is not left behind)."""
    from django.db import transaction

    from dxtasks.calendars import eventstore

    directives = [directive_factory(deadline_text="01/06/2031") for _ in HOSTILE_BODIES]
    ids = [d.pk for d in directives]
    queryset = Directive.objects.filter(pk__in=ids)
    eventstore.save("event:vi", [(pk, "a" * 32, body.encode()) for pk, body in zip(ids, HOSTILE_BODIES, strict=True)])
    assert eventstore.load("event:vi", ids, queryset) == {
        pk: ("a" * 32, body.encode()) for pk, body in zip(ids, HOSTILE_BODIES, strict=True)
    }
    with transaction.atomic():
        eventstore.save("event:vi", [(ids[0], "b" * 32, b"BEGIN:VEVENT\r\nEND:VEVENT\r\n")])
        eventstore.save("event:en", [(ids[1], "c" * 32, HOSTILE_BODIES[1].encode())])
    assert StoredEvent.objects.filter(variant="event:vi").count() == 3
    assert eventstore.load("event:vi", ids[:1], queryset) == {ids[0]: ("b" * 32, b"BEGIN:VEVENT\r\nEND:VEVENT\r\n")}
    assert eventstore.load("event:en", ids, queryset) == {ids[1]: ("c" * 32, HOSTILE_BODIES[1].encode())}

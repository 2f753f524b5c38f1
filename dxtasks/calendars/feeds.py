"""The iCalendar document of a feed, built with icalendar.

One all-day VEVENT (or, with format "todo", one VTODO) per directive with a
due date. Every value that could change the bytes of an event is gathered in
an `EventData` tuple first; serialising an event is a pure function of that
tuple, memoised per process, so a 5,000-event feed costs three queries (rows,
co-ordinating agencies, latest progress) and a join of cached bytes, and an
edited directive re-serialises only its own event. Nothing here reads the
clock except through `today`, so the same data and day give the same bytes.
"""
import datetime
import functools
import re
import uuid
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Todo, vDuration

from dxtasks.directives import selectors
from dxtasks.directives.models import Directive, Pillar, State
from dxtasks.directives.status import Status, annotate_status, start_of_day

from .conf import reminder_days_before, setting
from .models import FeedToken

FORMATS = ("event", "todo")
# Bump when the shape of the output changes, so ETags cached by clients expire.
FEED_FORMAT_VERSION = 1
TITLE_MAX_CHARS = 200
NOTE_MAX_CHARS = 600
PRODID = "-//dxtasks//Directive deadlines 1.0//VI"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]+")


def clean_line(text: str | None, limit: int = TITLE_MAX_CHARS) -> str:
    """One line of text safe for iCalendar: no control characters, no breaks, at most `limit` characters."""
    text = _CONTROL.sub("", _LINE_BREAKS.sub(" ", text or "")).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean_text(text: str | None, limit: int = NOTE_MAX_CHARS) -> str:
    """Multi-line text: line breaks kept (icalendar escapes them), control characters dropped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text.replace("\t", " ")).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


class EventData(NamedTuple):
    """Everything one serialised event depends on (the memo key)."""

    fmt: str
    language: str
    site_url: str
    host: str
    public_id: uuid.UUID
    reference: str
    title: str
    lead_short: str
    lead_name: str
    co_names: tuple[str, ...]
    pillar: str
    state: str
    status: str
    due: datetime.date
    deadline_text: str
    completed_on: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int
    latest_percent: int | None
    latest_note: str
    alarm_days: tuple[int, ...]
    alarm_hour: int


def feed_directives(queryset: QuerySet, today: datetime.date) -> QuerySet:
    """The directives a feed lists: dated ones; cancelled ones only for a while after cancellation."""
    keep_since = today - datetime.timedelta(days=setting("CANCELLED_KEEP_DAYS"))
    return queryset.filter(due_date__isnull=False).exclude(
        Q(state=State.CANCELLED) & (Q(cancelled_on__lt=keep_since) | Q(cancelled_on__isnull=True))
    )


def fingerprint(feed: FeedToken, queryset: QuerySet, fmt: str, today: datetime.date) -> tuple[str, datetime.datetime]:
    """ETag and Last-Modified of a feed, from the data (one aggregate query), not from the bytes.

    The day is part of the ETag because statuses, alarms and the cancelled
    window move with it; Last-Modified is never earlier than today's start.
    """
    count, latest, versions = selectors.data_fingerprint(queryset)
    owner = feed.owner
    parts = [
        FEED_FORMAT_VERSION, feed.pk, feed.scope_key, owner.language, owner.agency_id, owner.role, fmt,
        today.isoformat(), count, latest.isoformat() if latest else "-", versions,
        ",".join(map(str, reminder_days_before())), setting("ALARM_HOUR"), setting("CANCELLED_KEEP_DAYS"),
        settings.SITE_URL,
    ]
    etag = uuid.uuid5(uuid.NAMESPACE_URL, "|".join(map(str, parts))).hex
    last_modified = max(filter(None, [latest, start_of_day(today), feed.created_at]))
    return etag, last_modified


def _alarm_days(due: datetime.date, state: str, today: datetime.date, policy: list[int]) -> tuple[int, ...]:
    """Reminder offsets still ahead; none for closed directives.

    Past alarms are left out: a client subscribing to a long feed would
    otherwise pop up every reminder that is already late.
    """
    if state in (State.COMPLETED, State.CANCELLED):
        return ()
    ahead = (due - today).days
    return tuple(d for d in policy if d <= ahead)


def event_data(queryset: QuerySet, *, fmt: str, language: str, today: datetime.date) -> list[EventData]:
    """Three queries whatever the number of directives: rows, co-ordinating agencies, latest progress."""
    english = language == "en"
    # Only the owner's language is fetched: tuples of exactly what EventData needs, in its order.
    rows = (
        annotate_status(queryset, today)
        .order_by("due_date", "reference")
        .values_list(
            "pk", "public_id", "reference", "title_en" if english else "title_vi", "title_vi",
            "lead_agency__short_name_vi", "lead_agency__name_en" if english else "lead_agency__name_vi",
            "pillar", "state", "status", "due_date", "deadline_text", "completed_on", "created_at", "updated_at",
            "version",
        )
    )
    co_names: dict[int, list[str]] = {}
    name_field = "agency__name_en" if english else "agency__name_vi"
    through = Directive.co_agencies.through.objects.filter(directive_id__in=Subquery(queryset.values("pk")))
    for directive_id, name in through.order_by(name_field).values_list("directive_id", name_field):
        co_names.setdefault(directive_id, []).append(name)
    progress = selectors.latest_progress_by_directive(queryset)
    site_url, host, alarm_hour = settings.SITE_URL, site_host(), setting("ALARM_HOUR")
    policy = reminder_days_before()
    no_progress = (None, "")
    return [
        EventData(
            fmt, language, site_url, host, public_id, reference, title or title_vi, lead_short, lead_name,
            tuple(co_names.get(pk, ())), pillar, state, status, due, deadline_text, completed_on, created_at,
            updated_at, version, *progress.get(pk, no_progress), _alarm_days(due, state, today, policy), alarm_hour,
        )
        for (pk, public_id, reference, title, title_vi, lead_short, lead_name, pillar, state, status, due,
             deadline_text, completed_on, created_at, updated_at, version) in rows
    ]


def _summary(data: EventData) -> str:
    mark = {Status.COMPLETED_ON_TIME: "✓ ", Status.COMPLETED_LATE: "✓ ", Status.OVERDUE: "⚠ "}.get(data.status, "")
    return clean_line(f"{mark}[{clean_line(data.lead_short, 32)}] {clean_line(data.title)}", TITLE_MAX_CHARS + 40)


def _description(data: EventData, url: str) -> str:
    lines = [
        f"{clean_line(data.reference, 40)} · {clean_line(data.title, 2000)}",
        _("Đơn vị chủ trì: %(agency)s") % {"agency": clean_line(data.lead_name)},
    ]
    if data.co_names:
        lines.append(_("Đơn vị phối hợp: %(agencies)s") % {"agencies": ", ".join(clean_line(n) for n in data.co_names)})
    lines.append(_("Thời hạn: %(deadline)s") % {"deadline": clean_line(data.deadline_text)})
    lines.append(_("Trạng thái: %(status)s") % {"status": Status(data.status).label})
    if data.latest_percent is not None:
        lines.append(
            _("Tiến độ gần nhất: %(percent)s%% — %(note)s")
            % {"percent": data.latest_percent, "note": clean_text(data.latest_note)}
        )
    lines.append(url)
    return "\n".join(lines)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.timezone.utc).replace(microsecond=0)


def _todo_status(data: EventData) -> str:
    if data.state == State.COMPLETED:
        return "COMPLETED"
    if data.state == State.CANCELLED:
        return "CANCELLED"
    if data.state == State.SUBMITTED or (data.latest_percent or 0) > 0:
        return "IN-PROCESS"
    return "NEEDS-ACTION"


@functools.lru_cache(maxsize=setting("EVENT_CACHE_SIZE"))
def serialise(data: EventData) -> bytes:
    """One VEVENT or VTODO, as bytes: folded on character boundaries and escaped by icalendar."""
    with translation.override(data.language):
        url = f"{data.site_url}{Directive(public_id=data.public_id).get_absolute_url()}"
        component = Todo() if data.fmt == "todo" else Event()
        component.add("uid", f"{data.public_id}@{data.host}")
        component.add("dtstamp", _utc(data.updated_at))
        component.add("created", _utc(data.created_at))
        component.add("last-modified", _utc(data.updated_at))
        component.add("sequence", data.version)
        component.add("summary", _summary(data))
        component.add("description", _description(data, url))
        component.add("url", url, parameters={"VALUE": "URI"})
        component.add("categories", [str(Pillar(data.pillar).label), str(Status(data.status).label)])
        if data.fmt == "todo":
            component.add("due", data.due)
            component.add("status", _todo_status(data))
            percent = 100 if data.state == State.COMPLETED else (data.latest_percent or 0)
            component.add("percent-complete", percent)
            if data.completed_on:
                noon = datetime.datetime.combine(data.completed_on, datetime.time(12))
                component.add("completed", _utc(timezone.make_aware(noon)))
        else:
            component.add("dtstart", data.due)
            component.add("dtend", data.due + datetime.timedelta(days=1))
            component.add("status", "CANCELLED" if data.state == State.CANCELLED else "CONFIRMED")
            # A deadline is not a meeting: don't block the day in free/busy.
            component.add("transp", "TRANSPARENT")
            component.add("x-microsoft-cdo-busystatus", "FREE")
        for days in data.alarm_days:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            # Short: clients show the event's title with the alarm; a long text only costs folding.
            reminder = _("Nhắc hạn nhiệm vụ %(reference)s") % {"reference": clean_line(data.reference, 40)}
            alarm.add("description", reminder)
            # Relative to the all-day start (local midnight): fire at ALARM_HOUR on the reminder day.
            trigger = vDuration(datetime.timedelta(days=-days, hours=data.alarm_hour))
            if data.fmt == "todo":
                trigger.params["RELATED"] = "END"
            alarm.add("trigger", trigger)
            component.add_component(alarm)
        return component.to_ical()


def calendar_name(feed: FeedToken) -> str:
    return _("dxtasks — %(scope)s") % {"scope": feed.scope_label(feed.owner.language)}


def calendar_header(feed: FeedToken, fmt: str) -> bytes:
    """The VCALENDAR's own properties, without its END line."""
    calendar = Calendar()
    name = clean_line(calendar_name(feed))
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Fixed per owner and scope: a regenerated token is still the same calendar.
    identity = f"{settings.SITE_URL}/feeds/{feed.owner_id}/{feed.scope_key}/{fmt}"
    calendar.add("uid", str(uuid.uuid5(uuid.NAMESPACE_URL, identity)))
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", _("Thời hạn nhiệm vụ chuyển đổi số, cập nhật mỗi giờ."))
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    calendar.add("refresh-interval", vDuration(datetime.timedelta(hours=1)), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    return calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n")


def build_feed(feed: FeedToken, queryset: QuerySet, *, fmt: str = "event", today: datetime.date | None = None) -> bytes:
    """The whole document for a token's directives (already filtered by `feed_directives`)."""
    today = today or timezone.localdate()
    language = feed.owner.language if feed.owner.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        header = calendar_header(feed, fmt)
    events = [serialise(data) for data in event_data(queryset, fmt=fmt, language=language, today=today)]
    return b"".join([header, *events, b"END:VCALENDAR\r\n"])

"""icalendar's side of a feed: one event's bytes from its `EventData`, and a calendar's header.

Imported by the functions that serialise (`feeds.serialised_events`, a
header not yet kept with its token), not by loading the URLconf: icalendar
costs a new process ~65 ms to import, and a process answering a feed whose
events and header are already stored never needs it.

Two things make a cold build cheaper without changing a byte of what
icalendar would write: content lines are folded by `feeds.fold` (icalendar's
own rule, without its per-character encode), and a value many events share
(a status, a category pair, a date) or a VALARM is encoded once.
"""

import datetime
import functools

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Alarm, Calendar, Event, Todo, vDuration
from icalendar.parser import Contentline, Parameters

from dxtasks.directives.models import Directive, Pillar, State
from dxtasks.directives.status import Status

from .feeds import PRODID, TITLE_MAX_CHARS, TODO_STATUS, EventData, clean_line, clean_text, fold


class _Line(Contentline):
    __slots__ = ()

    def to_ical(self) -> bytes:
        return fold(self)


# Property values many events share (a status, a category pair, a date), encoded by icalendar once,
# with their content line: by id of the encoded value, which `_SHARED` keeps alive.
_SHARED: dict[tuple, object] = {}
_SHARED_LINES: dict[int, tuple[object, _Line]] = {}
SHARED_MAX = 50_000


_NO_PARAMETERS = Parameters()  # read only: from_parts never changes the parameters it is given


class _FoldFast:
    """icalendar's `content_line`, producing lines that fold with `fold`; a shared value's line is made once."""

    def content_line(self, name, value, sorted: bool = True):  # noqa: A002 (icalendar's signature)
        known = _SHARED_LINES.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        return _Line.from_parts(name, getattr(value, "params", _NO_PARAMETERS), value, sorted=sorted)


@functools.cache
def _text_type(name: str) -> type:
    """icalendar's value type for a TEXT property (what `add` would look up for each value)."""
    return FeedEvent.types_factory.for_property(name)


def shared(name: str, value, parameters: dict | None = None):
    """The icalendar value of `name` = `value`, encoded once for all the events that have it.

    Add it with `encode=False`: the component then stores this very object,
    and `content_line` finds its line already made.
    """
    key = (name, tuple(value) if isinstance(value, list) else value, tuple(sorted((parameters or {}).items())))
    encoded = _SHARED.get(key)
    if encoded is None:
        holder = FeedEvent()
        holder.add(name, value, parameters=dict(parameters) if parameters else None)
        encoded = holder[name]
        if len(_SHARED) < SHARED_MAX:
            _SHARED[key] = encoded
            _SHARED_LINES[id(encoded)] = (encoded, holder.content_line(name.upper(), encoded))
    return encoded


class FeedEvent(_FoldFast, Event):
    pass


class FeedTodo(_FoldFast, Todo):
    pass


class FeedAlarm(_FoldFast, Alarm):
    pass


class FeedCalendar(_FoldFast, Calendar):
    pass


@functools.lru_cache(maxsize=8)
def _texts(language: str) -> dict:
    """The translated words of an event, looked up once per language rather than nine times per event."""
    with translation.override(language):
        return {
            "lead": _("Đơn vị chủ trì: %(agency)s"),
            "co": _("Đơn vị phối hợp: %(agencies)s"),
            "deadline": _("Thời hạn: %(deadline)s"),
            "status": _("Trạng thái: %(status)s"),
            "progress": _("Tiến độ gần nhất: %(percent)s%% — %(note)s"),
            "statuses": {value: str(label) for value, label in Status.choices},
            "pillars": {value: str(label) for value, label in Pillar.choices},
        }


def _summary(data: EventData) -> str:
    mark = {Status.COMPLETED_ON_TIME: "✓ ", Status.COMPLETED_LATE: "✓ ", Status.OVERDUE: "⚠ "}.get(data.status, "")
    return clean_line(f"{mark}[{clean_line(data.lead_short, 32)}] {clean_line(data.title)}", TITLE_MAX_CHARS + 40)


def _description(data: EventData, url: str) -> str:
    texts = _texts(data.language)
    lines = [
        f"{clean_line(data.reference, 40)} · {clean_line(data.title, 2000)}",
        texts["lead"] % {"agency": clean_line(data.lead_name)},
    ]
    if data.co_names:
        lines.append(texts["co"] % {"agencies": ", ".join(clean_line(n) for n in data.co_names)})
    lines.append(texts["deadline"] % {"deadline": clean_line(data.deadline_text)})
    lines.append(texts["status"] % {"status": texts["statuses"][data.status]})
    if data.latest_percent is not None:
        lines.append(texts["progress"] % {"percent": data.latest_percent, "note": clean_text(data.latest_note)})
    lines.append(url)
    return "\n".join(lines)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC).replace(microsecond=0)


def _todo_status(data: EventData) -> str:
    status = TODO_STATUS[data.state]
    if status == "NEEDS-ACTION" and (data.latest_percent or 0) > 0:
        return "IN-PROCESS"
    return status


@functools.lru_cache(maxsize=256)
def serialised_alarm(fmt: str, language: str, days: int, hour: int) -> bytes:
    """One VALARM, as bytes: the same for every event that has this offset, so serialised once."""
    with translation.override(language):
        if days == 0:
            reminder = _("Nhắc hạn: đến hạn hôm nay")
        else:
            reminder = ngettext("Nhắc hạn: còn %(days)d ngày", "Nhắc hạn: còn %(days)d ngày", days) % {"days": days}
    alarm = FeedAlarm()
    alarm.add("action", "DISPLAY")
    # Short: clients show the event's title with the alarm.
    alarm.add("description", reminder)
    # Relative to the all-day start (local midnight): fire at ALARM_HOUR on the reminder day.
    trigger = vDuration(datetime.timedelta(days=-days, hours=hour))
    if fmt == "todo":
        trigger.params["RELATED"] = "END"
    alarm.add("trigger", trigger)
    return alarm.to_ical()


def serialise(data: EventData) -> bytes:
    """One VEVENT or VTODO, as bytes: folded on character boundaries and escaped by icalendar."""
    texts = _texts(data.language)
    url = f"{data.site_url}{Directive.path_for(data.public_id)}"
    if data.share_code:
        url = f"{url}?share={data.share_code}"
    component = FeedTodo() if data.fmt == "todo" else FeedEvent()
    share_part = f"-{data.share_code}" if data.share_code else ""
    # TEXT values made directly with icalendar's type for the property (as `add` would, minus the lookup).
    component.add("uid", _text_type("uid")(f"{data.public_id}{share_part}@{data.host}"), encode=False)
    component.add("dtstamp", _utc(data.updated_at))
    component.add("created", _utc(data.created_at))
    component.add("last-modified", component["DTSTAMP"], encode=False)  # the same instant, encoded once
    component.add("sequence", shared("sequence", data.version), encode=False)
    component.add("summary", _text_type("summary")(_summary(data)), encode=False)
    component.add("description", _text_type("description")(_description(data, url)), encode=False)
    component.add("url", url, parameters={"VALUE": "URI"})
    categories = [texts["pillars"][data.pillar], texts["statuses"][data.status]]
    component.add("categories", shared("categories", categories), encode=False)
    if data.fmt == "todo":
        component.add("due", shared("due", data.due), encode=False)
        component.add("status", shared("status", _todo_status(data)), encode=False)
        percent = 100 if data.state == State.COMPLETED else (data.latest_percent or 0)
        component.add("percent-complete", shared("percent-complete", percent), encode=False)
        if data.completed_on:
            noon = datetime.datetime.combine(data.completed_on, datetime.time(12))
            component.add("completed", _utc(timezone.make_aware(noon)))
    else:
        component.add("dtstart", shared("dtstart", data.due), encode=False)
        component.add("dtend", shared("dtend", data.due + datetime.timedelta(days=1)), encode=False)
        status = "CANCELLED" if data.state == State.CANCELLED else "CONFIRMED"
        component.add("status", shared("status", status), encode=False)
        # A deadline is not a meeting: don't block the day in free/busy.
        component.add("transp", shared("transp", "TRANSPARENT"), encode=False)
        component.add("x-microsoft-cdo-busystatus", shared("x-microsoft-cdo-busystatus", "FREE"), encode=False)
    body = component.to_ical()
    if not data.alarm_days:
        return body
    # The alarms are the component's last subcomponents, as add_component would place them.
    end = b"END:" + component.name.encode() + b"\r\n"
    alarms = b"".join(serialised_alarm(data.fmt, data.language, days, data.alarm_hour) for days in data.alarm_days)
    return body[: -len(end)] + alarms + end


def calendar_header(*, uid: str, name: str, description: str) -> bytes:
    """The VCALENDAR's own properties, without its END line."""
    calendar = FeedCalendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("uid", uid)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    calendar.add("refresh-interval", vDuration(datetime.timedelta(hours=1)), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    return calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n")

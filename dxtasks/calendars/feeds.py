"""The iCalendar document of a feed, built with icalendar.

One all-day VEVENT (or, with format "todo", one VTODO) per directive with a
due date. Every value that could change the bytes of an event is gathered in
an `EventData` tuple first; serialising an event is a pure function of that
tuple. Its bytes are memoised per process and persisted (`eventstore`) under
a digest of the tuple, so a 5,000-event feed costs three queries (rows,
co-ordinating agencies, latest progress) and a join of stored bytes, an
edited directive re-serialises only its own event, and a new process or host
reads the events instead of rebuilding them. Nothing here reads the clock
except through `today` and `now`, so the same data and moment give the same
bytes.

icalendar builds every component, in `ical` (imported only when something
must be serialised: see there); `fold` here is icalendar's folding rule
without its per-character encode (a third of the time; a test checks both
agree on any text).
"""

import datetime
import hashlib
import re
import uuid
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dxtasks.directives import selectors
from dxtasks.directives.models import Agency, Directive, State
from dxtasks.directives.status import annotate_status, start_of_day
from dxtasks.directives.transitions import is_closed

from . import eventstore
from .conf import reminder_days_before, setting
from .models import FeedToken

FORMATS = ("event", "todo")
# Bump when the shape of the output changes, so ETags cached by clients and stored events expire.
FEED_FORMAT_VERSION = 2
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


FOLD_OCTETS = 74  # RFC 5545: lines of at most 75 octets; icalendar folds at 74 plus the space
_ESCAPES = b"\\^"


def fold(line: str) -> bytes:
    """A content line folded exactly as icalendar's `_foldline` folds it, as UTF-8.

    The same greedy rule (as many whole characters as fit in 74 octets; an
    escape character never ends a folded piece), computed on the encoded
    bytes instead of encoding each character.
    """
    data = line.encode("utf-8")
    if len(data) <= FOLD_OCTETS:
        return data
    pieces = []
    start, size = 0, len(data)
    while size - start > FOLD_OCTETS:
        end = start + FOLD_OCTETS
        while data[end] & 0xC0 == 0x80:  # inside a multi-byte character: cut before it
            end -= 1
        if data[end - 1] in _ESCAPES:
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


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
    share_code: str = ""  # the agency of a collective directive's share: its own UID and link


def feed_directives(queryset: QuerySet, today: datetime.date, *, kind: str = "") -> QuerySet:
    """The directives a feed lists: dated ones; cancelled ones only for a while after cancellation.

    The "all" feed (every directive: 85,000 events at 100,000 directives,
    too many to build within a request or for a calendar program to hold)
    lists a window: deadlines from ALL_FEED_PAST_DAYS ago to ALL_FEED_AHEAD_DAYS
    ahead (deadlines from 90 days back with no end held 24,550 events at
    100,000 directives, past 10 s cold; docs/benchmarks.md). The full history
    is `history_page`.
    """
    keep_since = today - datetime.timedelta(days=setting("CANCELLED_KEEP_DAYS"))
    queryset = queryset.filter(due_date__isnull=False).exclude(
        Q(state=State.CANCELLED) & (Q(cancelled_on__lt=keep_since) | Q(cancelled_on__isnull=True))
    )
    if kind == "all":
        since, until = all_feed_window(today)
        queryset = queryset.filter(due_date__gte=since, due_date__lte=until)
    return queryset


def all_feed_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last deadline the "all" feed lists on `today`."""
    return (
        today - datetime.timedelta(days=setting("ALL_FEED_PAST_DAYS")),
        today + datetime.timedelta(days=setting("ALL_FEED_AHEAD_DAYS")),
    )


def history_page(queryset: QuerySet, page: int) -> tuple[QuerySet, bool]:
    """Page `page` (from 1) of every dated directive of a feed, HISTORY_PAGE_EVENTS by due date.

    Returns the page's directives and whether a next page exists. An export
    to import once, not a subscription: no window, cancelled ones included.
    """
    size = setting("HISTORY_PAGE_EVENTS")
    dated = queryset.filter(due_date__isnull=False)
    ordered = dated.order_by(*FEED_ORDER).values("pk")
    has_next = ordered[page * size : page * size + 1].exists()
    return dated.filter(pk__in=ordered[(page - 1) * size : page * size]), has_next


def alarm_hour_passed(now: datetime.datetime | None = None) -> bool:
    """Whether today's alarms (at ALARM_HOUR, local time) have already fired at `now`."""
    now = timezone.localtime(now)
    return now.time() >= datetime.time(setting("ALARM_HOUR"))


def fingerprint(
    feed: FeedToken,
    queryset: QuerySet,
    fmt: str,
    today: datetime.date,
    now: datetime.datetime | None = None,
    part: str = "",
) -> tuple[str, datetime.datetime]:
    """ETag and Last-Modified of a feed, from the data (one aggregate query), not from the bytes.

    The day is part of the ETag because statuses, alarms and the cancelled
    window move with it, and so is whether today's alarm hour has passed
    (today's alarms then leave the feed); Last-Modified is never earlier than
    today's start.
    """
    count, latest, versions = selectors.data_fingerprint(queryset)
    owner = feed.owner
    parts = [
        FEED_FORMAT_VERSION,
        feed.pk,
        feed.scope_key,
        owner.language,
        owner.agency_id,
        owner.role,
        fmt,
        today.isoformat(),
        alarm_hour_passed(now),
        count,
        latest.isoformat() if latest else "-",
        versions,
        ",".join(map(str, reminder_days_before())),
        setting("ALARM_HOUR"),
        setting("CANCELLED_KEEP_DAYS"),
        setting("ALL_FEED_PAST_DAYS"),
        settings.SITE_URL,
        part,
    ]
    etag = uuid.uuid5(uuid.NAMESPACE_URL, "|".join(map(str, parts))).hex
    last_modified = max(filter(None, [latest, start_of_day(today), feed.created_at]))
    return etag, last_modified


def _alarm_days(
    due: datetime.date, state: str, today: datetime.date, policy: list[int], hour_passed: bool
) -> tuple[int, ...]:
    """Reminder offsets still ahead at fetch time; none for closed directives.

    An alarm fires at ALARM_HOUR on its day: one on an earlier day, or today
    once that hour has passed, is left out, since a client subscribing to a
    long feed would otherwise pop up every reminder that is already late.
    """
    if is_closed(state):
        return ()
    ahead = (due - today).days
    return tuple(d for d in policy if d < ahead or (d == ahead and not hour_passed))


FEED_ORDER = ("due_date", "reference")


def _context(fmt: str, language: str) -> str:
    """What every event of a feed variant depends on besides its own row (one small query).

    The agencies' names are in it: renaming one changes no directive's
    `updated_at`, and its events must still be rebuilt.
    """
    name_field = "name_en" if language == "en" else "name_vi"
    agencies = Agency.objects.order_by("pk").values_list("pk", "short_name_vi", "short_name_en", name_field)
    parts = (
        FEED_FORMAT_VERSION,
        fmt,
        language,
        settings.SITE_URL,
        site_host(),
        reminder_days_before(),
        setting("ALARM_HOUR"),
        list(agencies),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def event_keys(
    queryset: QuerySet, *, fmt: str, language: str, today: datetime.date, now: datetime.datetime | None = None
) -> list[tuple[int, str]]:
    """(directive id, key) of each event, in feed order: two queries, no text fetched.

    The key stands for everything an event's bytes depend on: the directive's
    version and `updated_at` (the services bump `updated_at` on every change,
    progress reports included), its status and alarms at `today`/`now`, and
    the variant's context. Equal keys mean equal bytes.
    """
    context = _context(fmt, language)
    policy = reminder_days_before()
    hour_passed = alarm_hour_passed(now)
    rows = (
        annotate_status(queryset, today)
        # `updated_at` as the database writes it: parsing 5,000 aware datetimes only to print them
        # again was a third of this function on PostgreSQL.
        .annotate(stamp=Cast("updated_at", TextField()))
        .order_by(*FEED_ORDER)
        .values_list("pk", "version", "stamp", "status", "due_date", "state")
    )
    return [
        (
            pk,
            hashlib.blake2b(
                f"{context}|{pk}|{version}|{stamp}|{status}|"
                f"{_alarm_days(due, state, today, policy, hour_passed)}".encode(),
                digest_size=16,
            ).hexdigest(),
        )
        for pk, version, stamp, status, due, state in rows
    ]


def _event_maker(*, fmt: str, language: str, today: datetime.date, now: datetime.datetime | None):
    """A function making one event's `EventData` from a row's common columns and the rest by name.

    Both event queries (a directive's, a share's) read the columns `make` unpacks, in that order;
    what every event of the feed shares (variant, site, alarm policy at `today`/`now`) is read once.
    """
    site_url, host, alarm_hour = settings.SITE_URL, site_host(), setting("ALARM_HOUR")
    policy = reminder_days_before()
    hour_passed = alarm_hour_passed(now)

    def make(columns, **rest) -> EventData:
        (
            public_id,
            reference,
            title,
            title_vi,
            lead_short,
            lead_name,
            pillar,
            state,
            status,
            due,
            deadline_text,
            completed_on,
            created_at,
            updated_at,
            version,
        ) = columns
        return EventData(
            fmt=fmt,
            language=language,
            site_url=site_url,
            host=host,
            public_id=public_id,
            reference=reference,
            title=title or title_vi,
            lead_short=lead_short,
            lead_name=lead_name,
            pillar=pillar,
            state=state,
            status=status,
            due=due,
            deadline_text=deadline_text,
            completed_on=completed_on,
            created_at=created_at,
            updated_at=updated_at,
            version=version,
            alarm_days=_alarm_days(due, state, today, policy, hour_passed),
            alarm_hour=alarm_hour,
            **rest,
        )

    return make


def event_data(
    queryset: QuerySet, *, fmt: str, language: str, today: datetime.date, now: datetime.datetime | None = None
) -> list[tuple[int, EventData]]:
    """(directive id, event data) in feed order.

    Three queries whatever the number of directives: rows, co-ordinating
    agencies, latest progress.
    """
    english = language == "en"
    # Only the owner's language is fetched: the pk, then the columns `_event_maker` unpacks.
    rows = (
        annotate_status(queryset, today)
        .order_by(*FEED_ORDER)
        .values_list(
            "pk",
            "public_id",
            "reference",
            "title_en" if english else "title_vi",
            "title_vi",
            # The English edition says MPS where the Vietnamese says BCA (the code when no abbreviation is set).
            Coalesce(NullIf("lead_agency__short_name_en", Value("")), "lead_agency__code")
            if english
            else "lead_agency__short_name_vi",
            "lead_agency__name_en" if english else "lead_agency__name_vi",
            "pillar",
            "state",
            "status",
            "due_date",
            "deadline_text",
            "completed_on",
            "created_at",
            "updated_at",
            "version",
        )
    )
    co_names: dict[int, list[str]] = {}
    name_field = "agency__name_en" if english else "agency__name_vi"
    through = Directive.co_agencies.through.objects.filter(directive_id__in=Subquery(queryset.values("pk")))
    for directive_id, name in through.order_by(name_field).values_list("directive_id", name_field):
        co_names.setdefault(directive_id, []).append(name)
    progress = selectors.latest_progress_by_directive(queryset)
    make = _event_maker(fmt=fmt, language=language, today=today, now=now)
    no_progress = (None, "")
    result = []
    for pk, *columns in rows:
        latest_percent, latest_note = progress.get(pk, no_progress)
        data = make(
            columns, co_names=tuple(co_names.get(pk, ())), latest_percent=latest_percent, latest_note=latest_note
        )
        result.append((pk, data))
    return result


def feed_shares(queryset: QuerySet, shares: QuerySet, today: datetime.date) -> QuerySet:
    """The shares of the feed's directives it shows as their own events; same window as `feed_directives`."""
    keep_since = today - datetime.timedelta(days=setting("CANCELLED_KEEP_DAYS"))
    return shares.filter(directive__in=queryset.values("pk"), due_date__isnull=False).exclude(
        Q(state=State.CANCELLED) & (Q(cancelled_on__lt=keep_since) | Q(cancelled_on__isnull=True))
    )


def share_event_data(
    shares: QuerySet, *, fmt: str, language: str, today: datetime.date, now: datetime.datetime | None = None
) -> list[EventData]:
    """One event per share, UID `<public id>-<agency code>@host`, SEQUENCE the share's own version.

    One query: the shares with their status and latest progress (their own reports). Built at each
    fetch (not stored): a feed holds few shares, the user's agency's or its own.
    """
    english = language == "en"
    rows = (
        selectors.with_share_progress(selectors.shares_as_of(today, queryset=shares))
        .order_by("due_date", "directive__reference")
        .values_list(
            "directive__public_id",
            "directive__reference",
            "directive__title_en" if english else "directive__title_vi",
            "directive__title_vi",
            "agency__short_name_vi",
            "agency__name_en" if english else "agency__name_vi",
            "directive__pillar",
            "state",
            "status",
            "due_date",
            "deadline_text",
            "completed_on",
            "created_at",
            "updated_at",
            "version",
            "latest_percent",
            "latest_note",
            "agency__code",
        )
    )
    make = _event_maker(fmt=fmt, language=language, today=today, now=now)
    return [
        make(columns, co_names=(), latest_percent=percent, latest_note=note or "", share_code=code)
        for *columns, percent, note, code in rows
    ]


# A VTODO's STATUS for each state of the transition table; an open one is IN-PROCESS once progress is reported.
TODO_STATUS = {
    State.OPEN: "NEEDS-ACTION",
    State.SUBMITTED: "IN-PROCESS",
    State.COMPLETED: "COMPLETED",
    State.CANCELLED: "CANCELLED",
}


class _Memo(dict):
    """Serialised events of this process, by event key; the oldest go first when full."""

    def remember(self, key: str, body: bytes) -> None:
        if len(self) >= setting("EVENT_CACHE_SIZE"):
            for old in list(self)[: max(1, len(self) // 10)]:
                del self[old]
        self[key] = body


MEMO = _Memo()


def serialised_events(
    queryset: QuerySet,
    keys: list[tuple[int, str]],
    *,
    fmt: str,
    language: str,
    today: datetime.date,
    now: datetime.datetime | None = None,
) -> list[bytes]:
    """The bytes of each event: from this process's memo, else the store, else icalendar (then stored)."""
    bodies: list[bytes | None] = [MEMO.get(key) for _pk, key in keys]
    missing = {pk: key for (pk, key), body in zip(keys, bodies, strict=True) if body is None}
    if not missing:
        return bodies
    variant = f"{fmt}:{language}"
    found = {
        pk: body for pk, (key, body) in eventstore.load(variant, list(missing), queryset).items() if key == missing[pk]
    }
    to_build = [pk for pk in missing if pk not in found]
    if to_build:
        # Only the events to build get their text, agencies and progress read.
        rows = queryset if len(to_build) > eventstore.CHUNK else queryset.filter(pk__in=to_build)
        wanted = set(to_build)
        from . import ical

        built = {
            pk: ical.serialise(data)
            for pk, data in event_data(rows, fmt=fmt, language=language, today=today, now=now)
            if pk in wanted
        }
        eventstore.save(variant, [(pk, missing[pk], body) for pk, body in built.items()])
        found.update(built)
    result = []
    for (pk, key), body in zip(keys, bodies, strict=True):
        if body is None:
            body = found.get(pk)
            if body is None:
                continue  # deleted between the two reads
            MEMO.remember(key, body)
        result.append(body)
    return result


def calendar_name(feed: FeedToken) -> str:
    return _("dxtasks — %(scope)s") % {"scope": feed.scope_label(feed.owner.language)}


def calendar_header(feed: FeedToken, fmt: str) -> bytes:
    """The VCALENDAR's own properties, without its END line (in the active language).

    Built by icalendar once and kept with the token under a key of what it
    depends on, so a new process serving stored events needn't import icalendar.
    """
    name = clean_line(calendar_name(feed))
    description = _("Thời hạn nhiệm vụ chuyển đổi số, cập nhật mỗi giờ.")
    # Fixed per owner and scope: a regenerated token is still the same calendar.
    identity = f"{settings.SITE_URL}/feeds/{feed.owner_id}/{feed.scope_key}/{fmt}"
    key = hashlib.blake2b(repr((FEED_FORMAT_VERSION, identity, name, description)).encode(), digest_size=16).hexdigest()
    kept = (feed.headers or {}).get(fmt)
    if kept and kept[0] == key:
        return kept[1].encode()
    from . import ical

    header = ical.calendar_header(uid=str(uuid.uuid5(uuid.NAMESPACE_URL, identity)), name=name, description=description)
    feed.headers = {**(feed.headers or {}), fmt: [key, header.decode()]}
    FeedToken.objects.filter(pk=feed.pk).update(headers=feed.headers)  # best kept; a lost race only rebuilds it
    return header


def build_feed(
    feed: FeedToken,
    queryset: QuerySet,
    *,
    fmt: str = "event",
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> bytes:
    """The whole document for a token's directives (already filtered by `feed_directives`)."""
    today = today or timezone.localdate()
    language = feed.owner.language if feed.owner.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        header = calendar_header(feed, fmt)
    from .access import visible_shares

    shares = visible_shares(feed)
    if shares is not None:
        # A collective directive with a visible share is shown by its share events instead.
        shares = feed_shares(queryset, shares, today)
        queryset = queryset.exclude(pk__in=shares.values("directive_id"))
    keys = event_keys(queryset, fmt=fmt, language=language, today=today, now=now)
    events = serialised_events(queryset, keys, fmt=fmt, language=language, today=today, now=now)
    if shares is not None:
        from . import ical

        events += [
            ical.serialise(data) for data in share_event_data(shares, fmt=fmt, language=language, today=today, now=now)
        ]
    return b"".join([header, *events, b"END:VCALENDAR\r\n"])

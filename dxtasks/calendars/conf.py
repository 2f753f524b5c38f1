"""The calendars app's settings, read from `settings.CALENDARS` with these defaults.

    CALENDARS = {
        "TOKEN_RATE": (6, 60),       # requests per token per window of seconds
        "ADDRESS_RATE": (120, 60),   # requests per client address per window
        "CANCELLED_KEEP_DAYS": 90,   # a cancelled directive stays, as CANCELLED, this long
        "ALL_FEED_PAST_DAYS": 30,    # the "all" feed lists deadlines from this many days ago …
        "ALL_FEED_AHEAD_DAYS": 180,  # … to this many days ahead (the rest: the paged history)
        "HISTORY_PAGE_EVENTS": 5000, # events per page of a feed's full history (?page=N)
        "ALARM_HOUR": 8,             # VALARMs fire at this local hour on the reminder days
        "EVENT_CACHE_SIZE": 20000,   # serialised events memoised per process
        "TOUCH_EVERY_SECONDS": 60,   # last_used_at is written at most this often
        "BODY_CACHE_MAX_BYTES": 4 * 1024 * 1024,  # largest compressed feed kept in the cache; 0: off
    }

The reminder offsets come from `settings.REMINDERS["DAYS_BEFORE"]`, the policy
the email reminders follow.
"""

from django.conf import settings

DEFAULTS = {
    "TOKEN_RATE": (6, 60),
    "ADDRESS_RATE": (120, 60),
    "CANCELLED_KEEP_DAYS": 90,
    "ALL_FEED_PAST_DAYS": 30,
    "ALL_FEED_AHEAD_DAYS": 180,
    "HISTORY_PAGE_EVENTS": 5000,
    "ALARM_HOUR": 8,
    "EVENT_CACHE_SIZE": 20000,
    "TOUCH_EVERY_SECONDS": 60,
    "BODY_CACHE_MAX_BYTES": 4 * 1024 * 1024,
}


def setting(name: str):
    return {**DEFAULTS, **getattr(settings, "CALENDARS", {})}[name]


def reminder_days_before() -> list[int]:
    days = getattr(settings, "REMINDERS", {}).get("DAYS_BEFORE", [30, 7, 1, 0])
    return sorted({int(d) for d in days if int(d) >= 0}, reverse=True)

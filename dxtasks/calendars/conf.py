"""The calendars app's settings: `settings.CALENDARS`, declared with its defaults in dxtasks/settings.py.

The reminder offsets come from `settings.REMINDERS["DAYS_BEFORE"]`, the policy
the email reminders follow. Both are read when called, so override_settings reaches them.
"""

from django.conf import settings


def setting(name: str):
    return settings.CALENDARS[name]


def reminder_days_before() -> list[int]:
    return sorted({int(d) for d in settings.REMINDERS["DAYS_BEFORE"] if int(d) >= 0}, reverse=True)

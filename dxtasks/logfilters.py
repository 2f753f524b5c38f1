"""A logging filter that keeps secret tokens out of log lines.

A calendar feed's URL (`/feeds/<token>.ics`), a reminder email's
preferences link (`/reminders/preferences/<token>/`) and an API token
(`dxt_…`) are credentials: whoever
reads the URL reads the feed or changes the preferences. Django's request
logger ("Not Found: /feeds/….ics"), gunicorn's access and error logs and any
traceback would otherwise write them in full.

Attach `RedactTokens` to a handler (settings.LOGGING does for the console;
gunicorn's loggers can use it too). It rewrites the record's message and its
formatted exception text. It does not touch objects attached to the record
(Django's `record.request`): a formatter that writes fields of those must
pass them through `redact(text)` itself.
"""

import logging
import re

REDACTED = "[redacted]"
# The secret part of each tokened path; whatever the characters, up to the path's end.
_PATTERNS = [
    re.compile(r"(/feeds/)[^/?#\s\"'.]+(\.ics)?"),
    re.compile(r"(/reminders/preferences/)[^/?#\s\"']+()"),
    re.compile(r"(dxt_)[A-Za-z0-9_-]+()"),  # an API token (Authorization: Bearer dxt_…), wherever it appears
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED + (m.group(2) or ""), text)
    return text


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose args don't fit its format: leave it to the formatter's own error
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True

"""How dxtasks logs: one line per event on stderr, as text or JSON, the same for Django and gunicorn.

`logging_config()` builds the dictConfig for settings.LOGGING and for
gunicorn's `logconfig_dict` (gunicorn.conf.py), so both write the same format
through one handler:

- one handler, on the root logger; Django's own "django" and "django.server"
  handlers are replaced by propagation to it, so nothing is printed twice;
- 403, 404 and 405 answers are ordinary: logged at INFO, without the
  traceback Django attaches to a PermissionDenied (`ClientErrorsAtInfo`);
- LOG_FORMAT=json writes one JSON object per line (python-json-logger):
  time, level, logger, message, and the record's extra fields (status_code…),
  never the request object itself;
- times in UTC (ISO 8601, "Z"), whatever process writes them (Django sets TZ
  to Asia/Ho_Chi_Minh, gunicorn's master does not);
- feed and preference tokens are redacted from messages and tracebacks
  (#13's dxtasks.logfilters.RedactTokens on the handler, and in JSON tracebacks).

Importable without Django settings: gunicorn reads it before the app loads.
"""

import logging
import time

from dxtasks.logfilters import redact

CLIENT_ERRORS = frozenset({403, 404, 405})
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
# Extra attributes Django puts on records that are objects, not data: left out of JSON lines.
NOT_LOGGED = ("request", "server_time", "connection")


class ClientErrorsAtInfo(logging.Filter):
    """django.request and django.security log 4xx answers at WARNING (403 with a traceback): make them INFO.

    Applied on the handler, after the loggers' level checks: a downgraded
    record is dropped when the root logger does not log INFO.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in CLIENT_ERRORS and record.levelno > logging.INFO:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text, record.stack_info = None, None, None
            return logging.getLogger().isEnabledFor(logging.INFO)
        return True


class UTCFormatter(logging.Formatter):
    converter = time.gmtime
    default_time_format = TIME_FORMAT
    default_msec_format = "%s.%03dZ"


def _json_formatter_class():
    from pythonjsonlogger.json import JsonFormatter

    class UTCJsonFormatter(JsonFormatter):
        converter = time.gmtime
        default_time_format = TIME_FORMAT
        default_msec_format = "%s.%03dZ"

        def formatException(self, ei) -> str:  # the JSON formatter formats tracebacks itself
            return redact(super().formatException(ei))

    return UTCJsonFormatter


def json_formatter(**options):
    return _json_formatter_class()(**options)


def json_formatter_config() -> dict:
    from pythonjsonlogger.core import RESERVED_ATTRS

    return {
        "()": "dxtasks.operations.logs.json_formatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        "reserved_attrs": [*RESERVED_ATTRS, *NOT_LOGGED],
        "timestamp": False,
    }


def logging_config(*, fmt: str = "text", level: str = "INFO", extra_filters: dict | None = None) -> dict:
    """The dictConfig. `extra_filters` ({name: filter config}) are attached to the one handler (token redaction)."""
    if fmt not in {"text", "json"}:
        raise ValueError(f"LOG_FORMAT must be 'text' or 'json', not {fmt!r}")
    filters = {
        "client_errors": {"()": "dxtasks.operations.logs.ClientErrorsAtInfo"},
        "redact_tokens": {"()": "dxtasks.logfilters.RedactTokens"},  # feed and preference tokens
        **(extra_filters or {}),
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "text": {"()": "dxtasks.operations.logs.UTCFormatter", "format": TEXT_FORMAT},
            **({"json": json_formatter_config()} if fmt == "json" else {}),
        },
        "filters": filters,
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": fmt, "filters": list(filters)},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's defaults give these their own handlers: propagate to the root's instead.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},  # one INFO line per page otherwise
            "fontTools": {"level": "WARNING"},
            "axes": {"level": "WARNING"},  # failures and locks; not a line per successful sign-in
            # gunicorn (when it loads this through gunicorn.conf.py): the same handler, once.
            "gunicorn.error": {"handlers": [], "level": level, "propagate": True},
            "gunicorn.access": {"handlers": [], "level": "INFO", "propagate": True},
        },
    }

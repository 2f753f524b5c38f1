"""gunicorn settings for a dxtasks web host: `gunicorn -c gunicorn.conf.py dxtasks.wsgi`.

Everything can be changed from the environment (see README, "Running in
production"). The timeouts are chosen around the database's: a web request's
statement is cancelled after DB_STATEMENT_TIMEOUT (30 s), so a worker is
killed only if something else hangs it.
"""

import multiprocessing
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import environ  # noqa: E402

from dxtasks.clientaddress import gunicorn_forwarded_allow_ips  # noqa: E402  (no settings needed)
from dxtasks.operations.logs import logging_config  # noqa: E402  (plain logging; no Django here)

# The same environment file as dxtasks/settings.py (ENV_FILE, default .env; the environment wins over it),
# so gunicorn and Django read one TRUSTED_PROXIES, LOG_FORMAT …
_env_file = os.environ.get("ENV_FILE", os.path.join(HERE, ".env"))
if _env_file:
    environ.Env.read_env(_env_file)


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


os.environ.setdefault("DXTASKS_PROCESS", "web")  # the short database statement timeout

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"
# WEB_CONCURRENCY is gunicorn's own convention (and Heroku's); default: 2 per core + 1, at most 8.
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
# A request may take the statement timeout (30 s) plus rendering; then the worker is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 40)
# On SIGTERM (a deploy, systemd stop) running requests get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # behind a proxy that keeps connections open
# Recycle workers now and then: WeasyPrint (small briefings are made in the request) holds memory.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# The proxy in front terminates TLS and says so in X-Forwarded-Proto: gunicorn believes that only from the
# proxies named in TRUSTED_PROXIES, the list Django believes X-Forwarded-For from (dxtasks/clientaddress.py).
# One list: gunicorn's own FORWARDED_ALLOW_IPS would be a second one that drifts apart, so it is refused.
if os.environ.get("FORWARDED_ALLOW_IPS") is not None:
    raise RuntimeError(
        "FORWARDED_ALLOW_IPS is not read by dxtasks: name the proxies in TRUSTED_PROXIES "
        "(gunicorn and Django both follow it), and unset FORWARDED_ALLOW_IPS"
    )
forwarded_allow_ips = gunicorn_forwarded_allow_ips(os.environ.get("TRUSTED_PROXIES", ""))

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
# The same handler and format as Django's (LOG_FORMAT=text|json, LOG_LEVEL): one line per event.
logconfig_dict = logging_config(fmt=os.environ.get("LOG_FORMAT") or "text", level=os.environ.get("LOG_LEVEL") or "INFO")
# %(U)s is the path without the query string: nothing after "?" reaches the log.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

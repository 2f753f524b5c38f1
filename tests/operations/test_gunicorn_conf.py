"""gunicorn.conf.py as gunicorn loads it: its error log redacts tokens, its trusted proxies are TRUSTED_PROXIES."""

import subprocess
import sys

import pytest

from dxtasks.clientaddress import GUNICORN_MAX_ADDRESSES, gunicorn_forwarded_allow_ips
from tests.reminders.processes import ROOT

SECRET = "Zq" * 21 + "x"  # 43 characters, like a feed token
# What `gunicorn -c gunicorn.conf.py dxtasks.wsgi` does before it starts: parse the command line, read the file,
# set up its logger (our logconfig_dict). Then two error-log lines whose request path carries a token.
SCRIPT = f"""
import sys
from gunicorn.app.wsgiapp import WSGIApplication
from gunicorn.glogging import Logger
sys.argv = ["gunicorn", "-c", "gunicorn.conf.py", "dxtasks.wsgi"]
cfg = WSGIApplication().cfg
print("forwarded_allow_ips=" + ",".join(cfg.forwarded_allow_ips))
log = Logger(cfg)
log.error("Error handling request %s", "/feeds/{SECRET}.ics")
try:
    raise ValueError("while serving /reminders/preferences/{SECRET}/")
except ValueError:
    log.exception("Error handling request %s", "/reminders/preferences/{SECRET}/")
"""


def load_conf(**env) -> subprocess.CompletedProcess:
    import os

    environment = {k: v for k, v in os.environ.items() if k not in {"TRUSTED_PROXIES", "FORWARDED_ALLOW_IPS"}}
    environment.update(ENV_FILE="", **env)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_gunicorns_error_log_redacts_tokens_in_messages_and_tracebacks(log_format):
    result = load_conf(LOG_FORMAT=log_format)
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert "Error handling request /feeds/[redacted].ics" in result.stderr
    assert "/reminders/preferences/[redacted]/" in result.stderr and "ValueError" in result.stderr


def test_gunicorn_trusts_the_proxies_named_in_trusted_proxies_and_none_without():
    result = load_conf(TRUSTED_PROXIES="10.0.0.0/30, 192.0.2.7,2001:db8::1")
    assert result.returncode == 0, result.stderr
    trusted = result.stdout.split("forwarded_allow_ips=")[1].split()[0].split(",")
    assert set(trusted) == {
        "10.0.0.0",
        "10.0.0.1",
        "10.0.0.2",
        "10.0.0.3",
        "192.0.2.7",
        "2001:db8::1",
        "::ffff:10.0.0.0",
        "::ffff:10.0.0.1",
        "::ffff:10.0.0.2",
        "::ffff:10.0.0.3",
        "::ffff:192.0.2.7",
    }
    untrusting = load_conf()
    assert untrusting.returncode == 0, untrusting.stderr
    assert "forwarded_allow_ips=\n" in untrusting.stdout  # not gunicorn's own default, 127.0.0.1


def test_gunicorns_own_forwarded_allow_ips_is_refused_naming_trusted_proxies():
    result = load_conf(FORWARDED_ALLOW_IPS="*")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "FORWARDED_ALLOW_IPS" in result.stderr


def test_a_bad_or_too_large_trusted_proxies_entry_stops_gunicorn_with_the_entry_named():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="'10.0.0.300'"):
        gunicorn_forwarded_allow_ips("10.0.0.300")
    with pytest.raises(ImproperlyConfigured, match="10.0.0.0/16"):
        gunicorn_forwarded_allow_ips("10.0.0.0/16")
    assert len(gunicorn_forwarded_allow_ips("10.0.0.0/22").split(",")) == 2 * GUNICORN_MAX_ADDRESSES
    result = load_conf(TRUSTED_PROXIES="proxy.internal")
    assert result.returncode != 0 and "'proxy.internal'" in result.stderr

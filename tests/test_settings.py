"""Settings come from the environment; the embedded default needs nothing set."""

import json
import os
import subprocess
import sys
from email import message_from_bytes
from email.header import decode_header, make_header

from django.core import mail
from django.test import override_settings

from dxtasks.mailfiles import EmlFileBackend

PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'options': s.DATABASES['default'].get('OPTIONS', {}),"
    " 'q': s.Q_CLUSTER, 'email': s.EMAIL_BACKEND, 'cache': s.CACHES['default']['BACKEND'], 'lang': s.LANGUAGE_CODE,"
    " 'tz': s.TIME_ZONE, 'debug': s.DEBUG}))"
)


def probe(**env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**base, "DJANGO_SETTINGS_MODULE": "dxtasks.settings", "ENV_FILE": "", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def test_embedded_default_is_sqlite_immediate_orm_broker_and_eml_files():
    result = probe(DEBUG="1")
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout)
    assert conf["engine"] == "django.db.backends.sqlite3"
    assert conf["options"]["transaction_mode"] == "IMMEDIATE" and conf["options"]["timeout"] >= 5
    assert conf["q"]["orm"] == "default" and "redis" not in conf["q"]
    assert conf["q"]["catch_up"] is False and conf["q"]["retry"] > conf["q"]["timeout"]
    assert conf["email"] == "dxtasks.mailfiles.EmlFileBackend"
    assert (conf["lang"], conf["tz"]) == ("vi", "Asia/Ho_Chi_Minh")


def test_an_empty_database_url_means_the_embedded_default():
    result = probe(DEBUG="1", DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["engine"] == "django.db.backends.sqlite3"


def test_redis_url_switches_broker_and_cache_and_database_url_is_honoured():
    result = probe(
        DEBUG="1",
        REDIS_URL="redis://127.0.0.1:6379/3",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/dxtasks",
        EMAIL_URL="smtp+tls://u:p@mail:587",
    )
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout)
    assert conf["q"]["redis"] == "redis://127.0.0.1:6379/3" and "orm" not in conf["q"]
    assert conf["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert conf["engine"] == "django.db.backends.postgresql"
    assert conf["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_without_a_secret_key_refuses_to_start():
    result = probe()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_eml_backend_writes_one_readable_file_per_message(tmp_path):
    with override_settings(EMAIL_BACKEND="dxtasks.mailfiles.EmlFileBackend", EMAIL_FILE_PATH=str(tmp_path)):
        sent = mail.send_mail(
            "Nhắc hạn: 2 quá hạn", "Nội dung có dấu", "a@example.gov.vn", ["b@example.gov.vn", "c@example.gov.vn"]
        )
        mail.get_connection().send_messages([mail.EmailMessage("Thứ hai", "x", to=["d@example.gov.vn"])])
    files = sorted(tmp_path.glob("*.eml"))
    assert sent == 1 and len(files) == 2
    assert not list(tmp_path.glob("*.tmp"))
    parsed = [message_from_bytes(f.read_bytes()) for f in files]
    subjects = {str(make_header(decode_header(m["Subject"]))) for m in parsed}
    assert subjects == {"Nhắc hạn: 2 quá hạn", "Thứ hai"}
    assert isinstance(mail.get_connection("dxtasks.mailfiles.EmlFileBackend", file_path=str(tmp_path)), EmlFileBackend)

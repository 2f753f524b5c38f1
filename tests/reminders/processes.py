"""Start real `manage.py` processes against the test database."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def manage_env(mail_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "EMAIL_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="dxtasks.settings",
        DATABASE_URL=test_database_url(),
        EMAIL_URL=f"emlfile://{mail_dir}",
        SECRET_KEY="tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        SITE_URL="http://testserver",
        DEBUG="0",
        Q_WORKERS="1",
        CONN_MAX_AGE="0",
        LOG_LEVEL="WARNING",
    )
    return env


def start_manage(*args: str, mail_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=manage_env(mail_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def recipients_of(mail_dir: Path) -> list[str]:
    """The To: address of every .eml file written."""
    from email import message_from_binary_file

    found = []
    for path in sorted(mail_dir.glob("*.eml")):
        with path.open("rb") as handle:
            found.append(message_from_binary_file(handle)["To"])
    return found

"""What benchmark_reminders and benchmark_killed_sweep share: the throwaway child process and its data.

Each benchmark runs itself again in a child process (`run_child`) against a fresh
SQLite file in a temporary directory, or against --database-url (an EMPTY database
that may be wiped), migrated and flushed there (`prepare_database`), and fills it
with the same synthetic agencies, recipients and directives (`build_data`) —
collective directives with one share per agency included, since each share's owner
is reminded like a directive's.
"""

import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

MARKER = "BENCHMARK-RESULT "
AGENCIES = 63
# At the target scale (100,000 directives) 500 of them are collective, each with one share per agency.
COLLECTIVE_PER_100K = 500


def default_collective(directives: int) -> int:
    """The collective directives of a run of `directives`: 500 per 100,000, so every size has the same mix."""
    return directives * COLLECTIVE_PER_100K // 100_000


def run_child(command: str, arguments: list[str], *, database_url: str = "", redis_url: str = "") -> dict:
    """Run `manage.py <command> --inside <arguments>` in a throwaway database; return the JSON it printed."""
    with tempfile.TemporaryDirectory(prefix="dxtasks-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "DEBUG": "0",
            "EMAIL_URL": "",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-" + "k" * 40,
            "DJANGO_SETTINGS_MODULE": "dxtasks.settings",
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": redis_url,
        }
        argv = [sys.executable, str(Path(__file__).resolve().parents[2] / "manage.py"), command, "--inside", *arguments]
        if database_url:
            argv += ["--database-url", database_url]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
        if done.returncode or not lines:
            raise CommandError(f"benchmark run failed:\n{done.stdout}\n{done.stderr}")
        return json.loads(lines[-1].removeprefix(MARKER))


def prepare_database(database_url: str, *, cache_table: bool = False) -> None:
    """Migrate the child's database; wipe it when it is the caller's (who said it may be wiped)."""
    from django.db import connection

    if connection.vendor != "sqlite" and not database_url:
        raise CommandError("refusing to run outside a throwaway database")
    call_command("migrate", verbosity=0, interactive=False)
    if database_url:
        call_command("flush", verbosity=0, interactive=False)
    if cache_table:
        call_command("createcachetable", verbosity=0)


def build_data(
    n_directives: int, n_recipients: int, today: datetime.date, rng: random.Random, *, collective: int = 0
) -> None:
    """Agencies with contacts, focal points, one secretariat, and directives due around `today`.

    The mix follows the Government Office's published shape: most open work
    within its deadline, a few percent overdue, some ongoing or "asap".
    `collective` of the directives are addressed to every agency (ALL), with one
    share per agency owned by one of its focal points (a few with no owner: the
    agency's contact is reminded), the share's deadline the directive's, a tenth of
    the shares already completed. Inserted in bulk, bypassing the services: this is
    load, not behaviour.
    """
    from django.db import transaction

    from dxtasks.accounts.models import Role, User
    from dxtasks.directives.models import Agency, Directive, Share

    with transaction.atomic():
        Agency.objects.bulk_create(
            [
                Agency(
                    code=f"BENCH-{i}",
                    name_vi=f"Cơ quan {i}",
                    name_en=f"Agency {i}",
                    short_name_vi=f"CQ{i}",
                    kind="ministry",
                    contact_email=f"contact{i}@bench.example.gov.vn",
                    leadership_email=f"leader{i}@bench.example.gov.vn",
                )
                for i in range(AGENCIES)
            ]
            + [Agency(code="BENCH-ALL", name_vi="Các bộ, tỉnh", name_en="All agencies", kind="other")]
        )
        agencies = list(Agency.objects.filter(code__startswith="BENCH-").exclude(code="BENCH-ALL").order_by("pk"))
        group = Agency.objects.get(code="BENCH-ALL")
        # Recipients: focal points, the agencies' contacts and leaders, one secretariat.
        n_users = max(1, n_recipients - 2 * len(agencies) - 1)
        User.objects.bulk_create(
            [
                User(
                    username=f"bench{i}",
                    email=f"fp{i}@bench.example.gov.vn",
                    role=Role.FOCAL_POINT,
                    agency=agencies[i % len(agencies)],
                    password="!",
                    language="en" if i % 10 == 0 else "vi",
                )
                for i in range(n_users)
            ]
            + [
                User(
                    username="bench-secretariat",
                    email="secretariat@bench.example.gov.vn",
                    role=Role.SECRETARIAT,
                    password="!",
                )
            ],
            batch_size=1000,
        )
        users = list(User.objects.filter(role=Role.FOCAL_POINT).order_by("pk").values_list("pk", "agency_id"))
        by_agency: dict[int, list[int]] = {}
        for pk, agency_id in users:
            by_agency.setdefault(agency_id, []).append(pk)
        # Collective directives spread evenly through the rows (the same deadline mix as the others).
        every = n_directives // collective if collective else 0
        batch = []
        for i in range(n_directives):
            owner_id, agency_id = users[i % len(users)]
            roll = rng.random()
            if roll < 0.10:
                due, precision, text = None, "ongoing", "thường xuyên"
            elif roll < 0.15:
                due, precision, text = None, "asap", "sớm"
            else:
                offset = rng.randint(-60, -1) if roll < 0.20 else rng.randint(0, 365)
                due = today + datetime.timedelta(days=offset)
                precision, text = "day", f"{due:%d/%m/%Y}"
            is_collective = bool(every) and i % every == 0 and i // every < collective
            batch.append(
                Directive(
                    reference=f"BENCH-{i}",
                    title_vi=f"Nhiệm vụ thử tải số {i}",
                    title_en=f"Load test directive {i}",
                    lead_agency_id=group.pk if is_collective else agency_id,
                    addressees="ALL" if is_collective else "",
                    owner_id=None if is_collective else (owner_id if rng.random() > 0.05 else None),
                    assigned_on=today - datetime.timedelta(days=rng.randint(30, 400)),
                    deadline_text=text,
                    due_date=due,
                    deadline_precision=precision,
                )
            )
            if len(batch) == 5000:
                Directive.objects.bulk_create(batch)
                batch = []
        Directive.objects.bulk_create(batch)
        shares = []
        for directive in Directive.objects.filter(addressees="ALL").order_by("pk"):
            for agency in agencies:
                owners = by_agency.get(agency.pk) or [None]
                done = rng.random() < 0.10
                shares.append(
                    Share(
                        directive=directive,
                        agency=agency,
                        owner_id=owners[rng.randrange(len(owners))] if rng.random() > 0.05 else None,
                        deadline_text=directive.deadline_text,
                        due_date=directive.due_date,
                        deadline_precision=directive.deadline_precision,
                        state="completed" if done else "open",
                        completed_on=today - datetime.timedelta(days=1) if done else None,
                    )
                )
        Share.objects.bulk_create(shares, batch_size=5000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does to freshly loaded tables: plans from real statistics

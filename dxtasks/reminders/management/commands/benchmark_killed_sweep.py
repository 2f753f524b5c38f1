"""Kill a real qcluster mid-sweep and time how the retry job completes the day, exactly once.

    manage.py benchmark_killed_sweep --directives 20000 --recipients 1000 --kill-after 300
    manage.py benchmark_killed_sweep --database-url postgres://…/empty_db --redis-url redis://…/5

Runs in a child process against a fresh SQLite file in a temporary directory
(ORM broker), or --database-url (an EMPTY database that may be wiped) with
--redis-url (the Redis broker). Builds the same synthetic data as
benchmark_reminders, starts a real `manage.py qcluster` that runs the day's
sweep, SIGKILLs its whole process group after --kill-after digests, waits
until the sweep's heartbeat is stale (3 s here, 5 minutes by default), makes
the retry schedule due and starts a second cluster. Prints the time from the
second cluster's start, and from the kill, to the day's sweep being finished,
and the duplicates and missing digests counted by the SMTP server (aiosmtpd,
a development dependency). Not a test: it prints figures.
"""

import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

MARKER = "BENCHMARK-RESULT "


class Command(BaseCommand):
    help = "Kill a real qcluster mid-sweep; time the retry job's completion and count duplicates (prints figures)."

    def add_arguments(self, parser):
        parser.add_argument("--directives", type=int, default=20_000)
        parser.add_argument("--recipients", type=int, default=1_000)
        parser.add_argument("--kill-after", type=int, default=300, help="digests accepted before the kill")
        parser.add_argument("--date", default="2025-03-12", help="the sweep day (a working day)")
        parser.add_argument("--database-url", default="", help="an EMPTY database to use and wipe")
        parser.add_argument("--redis-url", default="", help="use the Redis broker (and cache) at this URL")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--inside", action="store_true", help="internal: run in the throwaway database")
        parser.add_argument("--json", action="store_true", dest="as_json", help="end with one JSON object")

    def handle(self, *args, **options):
        if options["inside"]:
            self.stdout.write(MARKER + json.dumps(run_inside(options)))
            return
        result = self.run_child(options)
        out = self.stdout
        out.write(
            f"database {result['database']}, broker {result['broker']}: {result['directives']} directives, "
            f"{result['recipients_owed']} recipients owed a digest on {result['date']}"
        )
        out.write(f"  killed (SIGKILL, process group) after {result['accepted_before_kill']} digests accepted")
        out.write(
            f"  second cluster start → day's sweep finished: {result['healed_after_s']:.1f} s "
            f"(kill → finished: {result['kill_to_finished_s']:.1f} s, of which {result['dead_after_s']} s "
            "waiting for the heartbeat to go stale)"
        )
        out.write(
            f"  digests accepted by the SMTP server: {result['accepted']}; duplicates {result['duplicates']}, "
            f"missing {result['missing']}; delivery rows not sent {result['rows_not_sent']}; "
            f"sweep runs recorded for the day: {result['sweep_runs']}"
        )
        if options["as_json"]:
            out.write(json.dumps(result))

    def run_child(self, options) -> dict:
        with tempfile.TemporaryDirectory(prefix="dxtasks-kill-") as tmp:
            url = options["database_url"] or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DEBUG": "0",
                "EMAIL_URL": "",
                "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-" + "k" * 40,
                "DJANGO_SETTINGS_MODULE": "dxtasks.settings",
                "LOG_LEVEL": "WARNING",
                "REDIS_URL": options["redis_url"],
            }
            command = [
                sys.executable,
                str(Path(__file__).resolve().parents[4] / "manage.py"),
                "benchmark_killed_sweep",
                "--inside",
                "--directives",
                str(options["directives"]),
                "--recipients",
                str(options["recipients"]),
                "--kill-after",
                str(options["kill_after"]),
                "--date",
                options["date"],
                "--seed",
                str(options["seed"]),
                "--database-url",
                options["database_url"],
                "--redis-url",
                options["redis_url"],
            ]
            self.stdout.write(f"… {options['directives']} directives, {options['recipients']} recipients")
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
            if done.returncode or not lines:
                raise CommandError(f"benchmark run failed:\n{done.stdout}\n{done.stderr}")
            return json.loads(lines[-1].removeprefix(MARKER))


def run_inside(options) -> dict:
    from django.db import connection

    from dxtasks.reminders.crashdrill import DEAD_AFTER_SECONDS, run_drill
    from dxtasks.reminders.sweep import run_sweep

    from .benchmark_reminders import build_data

    if connection.vendor != "sqlite" and not options["database_url"]:
        raise CommandError("refusing to run outside a throwaway database")
    call_command("migrate", verbosity=0, interactive=False)
    if options["database_url"]:
        call_command("flush", verbosity=0, interactive=False)  # the caller said it may be wiped
    call_command("createcachetable", verbosity=0)
    day = datetime.date.fromisoformat(options["date"])
    build_data(options["directives"], options["recipients"], day, random.Random(options["seed"]))
    owed = {plan.email for plan in run_sweep(day, dry_run=True).plans}
    if options["kill_after"] >= len(owed):
        raise CommandError(f"--kill-after {options['kill_after']} ≥ the {len(owed)} recipients owed a digest")
    result = run_drill(
        day, recipients=len(owed), kill_after=options["kill_after"], redis_url=options["redis_url"] or None, timeout=900
    )
    return {
        "database": result.database,
        "broker": result.broker,
        "directives": options["directives"],
        "recipients_owed": len(owed),
        "date": options["date"],
        "accepted_before_kill": result.accepted_before_kill,
        "healed_after_s": round(result.healed_after_seconds, 2),
        "kill_to_finished_s": round(result.healed_after_seconds + result.heal_started_after_kill_seconds, 2),
        "dead_after_s": DEAD_AFTER_SECONDS,
        "accepted": sum(result.accepted.values()),
        "duplicates": result.duplicates,
        "missing": result.missing(owed),
        "rows_not_sent": result.rows_not_sent,
        "sweep_runs": result.sweep_runs,
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }

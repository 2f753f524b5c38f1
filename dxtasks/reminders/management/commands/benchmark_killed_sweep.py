"""Kill a real qcluster mid-sweep and time how the retry job completes the day, exactly once.

    manage.py benchmark_killed_sweep --directives 20000 --recipients 1000 --kill-after 300
    manage.py benchmark_killed_sweep --database-url postgres://…/empty_db --redis-url redis://…/5

Runs in a child process against a fresh SQLite file in a temporary directory
(ORM broker), or --database-url (an EMPTY database that may be wiped) with
--redis-url (the Redis broker). Builds the same synthetic data as
benchmark_reminders (`benchdata`, collective directives and their shares
included), starts a real `manage.py qcluster` that runs the day's
sweep, SIGKILLs its whole process group after --kill-after digests, waits
until the sweep's heartbeat is stale (3 s here, 5 minutes by default), makes
the retry schedule due and starts a second cluster. Prints the time from the
second cluster's start, and from the kill, to the day's sweep being finished,
and the duplicates and missing digests counted by the SMTP server (aiosmtpd,
a development dependency). Not a test: it prints figures.
"""

import datetime
import json
import random
import time

from django.core.management.base import BaseCommand, CommandError

from dxtasks.reminders.benchdata import MARKER, build_data, default_collective, prepare_database, run_child


class Command(BaseCommand):
    help = "Kill a real qcluster mid-sweep; time the retry job's completion and count duplicates (prints figures)."

    def add_arguments(self, parser):
        parser.add_argument("--directives", type=int, default=20_000)
        parser.add_argument("--recipients", type=int, default=1_000)
        parser.add_argument("--kill-after", type=int, default=300, help="digests accepted before the kill")
        parser.add_argument(
            "--collective",
            type=int,
            default=-1,
            help="collective directives (one share per agency) among the directives; default 500 per 100,000",
        )
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
        collective = default_collective(options["directives"]) if options["collective"] < 0 else options["collective"]
        self.stdout.write(
            f"… {options['directives']} directives ({collective} collective), {options['recipients']} recipients"
        )
        result = run_child(
            "benchmark_killed_sweep",
            [
                *("--directives", str(options["directives"]), "--recipients", str(options["recipients"])),
                *("--collective", str(collective), "--kill-after", str(options["kill_after"])),
                *("--date", options["date"], "--seed", str(options["seed"]), "--redis-url", options["redis_url"]),
            ],
            database_url=options["database_url"],
            redis_url=options["redis_url"],
        )
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


def run_inside(options) -> dict:
    from dxtasks.reminders.crashdrill import DEAD_AFTER_SECONDS, run_drill
    from dxtasks.reminders.sweep import run_sweep

    prepare_database(options["database_url"], cache_table=True)
    day = datetime.date.fromisoformat(options["date"])
    collective = max(0, options["collective"])
    build_data(options["directives"], options["recipients"], day, random.Random(options["seed"]), collective=collective)
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
        "collective": collective,
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

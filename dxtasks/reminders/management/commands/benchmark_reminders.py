"""Time the reminder sweep on synthetic data in a throwaway database.

    manage.py benchmark_reminders --directives 100000 --recipients 5000 [--collective 500]

Runs itself in a child process per size, each against a fresh, migrated
SQLite file in a temporary directory (or --database-url, which must name an
empty database that may be wiped), builds agencies, users and directives
with bulk inserts (`benchdata.build_data`: 500 collective directives per
100,000 by default, each with one share per agency, reminded to the share's
owner), and sweeps twice the same day with the locmem mail backend.
Prints the time and query count of each sweep, and repeats at a smaller
size (--small) to show the query count does not grow with the number of
directives. Not a test: it prints figures, it asserts nothing.

Between the two sweeps it also times a plain SQL SELECT of the rows the
first sweep found owed (the directives and shares with a delivery recorded
that day, joined to their owner and agency): the floor any sweep has to pay
to read what it sends. With --json the last line is one JSON object:
first_sweep_s, second_sweep_s, owed_select_ms, of the largest size.
"""

import datetime
import json
import random
import time

from django.core.management.base import BaseCommand

from dxtasks.benchmarking import cpu_reference_ms
from dxtasks.reminders.benchdata import MARKER, build_data, default_collective, prepare_database, run_child


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Command(BaseCommand):
    help = "Time a reminder sweep on synthetic data in a throwaway database (prints figures)."

    def add_arguments(self, parser):
        parser.add_argument("--directives", type=int, default=100_000)
        parser.add_argument("--recipients", type=int, default=5_000)
        parser.add_argument(
            "--small",
            type=int,
            default=10_000,
            help="directives in the smaller run that shows the query count does not grow (0: skip)",
        )
        parser.add_argument(
            "--collective",
            type=int,
            default=-1,
            help="collective directives (one share per agency) among the directives; default 500 per 100,000",
        )
        parser.add_argument("--date", default="2025-03-12", help="the sweep day (a working day)")
        parser.add_argument(
            "--database-url", default="", help="an EMPTY database to use and wipe instead of a temporary SQLite file"
        )
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--inside", action="store_true", help="internal: run in the throwaway database")
        parser.add_argument(
            "--profile",
            default="",
            help="write a cProfile of the first sweep to this file, and of the second to FILE.second",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="end with one JSON object of the figures (the largest size)",
        )

    def handle(self, *args, **options):
        if options["inside"]:
            result = run_inside(options)
            self.stdout.write(MARKER + json.dumps(result))
            return
        sizes = [n for n in (options["small"], options["directives"]) if n]
        results = [self.run_child(n, options) for n in sizes]
        self.report(results)
        if options["as_json"]:
            last = results[-1]
            self.stdout.write(
                json.dumps(
                    {
                        "directives": last["directives"],
                        "recipients": last["recipients"],
                        "collective": last["collective"],
                        "shares": last["shares"],
                        "database": last["vendor"],
                        "date": last["date"],
                        "first_sweep_s": round(last["first_s"], 3),
                        "second_sweep_s": round(last["second_s"], 3),
                        "owed_select_ms": round(last["owed_select_ms"], 2),
                        "owed_rows": last["owed_rows"],
                        "first_over_owed_select": round(last["first_s"] * 1000 / last["owed_select_ms"], 1)
                        if last["owed_select_ms"]
                        else None,
                        "first_queries": last["first_queries"],
                        "second_queries": last["second_queries"],
                        "emails": last["first_emails"],
                        "deliveries": last["deliveries"],
                        "setup_s": round(last["setup_s"], 1),
                        "cpu_reference_ms": cpu_reference_ms(),
                        "runs": results,
                    }
                )
            )

    def run_child(self, directives: int, options) -> dict:
        collective = default_collective(directives) if options["collective"] < 0 else options["collective"]
        self.stdout.write(f"… {directives} directives ({collective} collective), {options['recipients']} recipients")
        arguments = [
            *("--directives", str(directives), "--recipients", str(options["recipients"])),
            *("--collective", str(collective), "--date", options["date"], "--seed", str(options["seed"])),
        ]
        if options["profile"]:
            arguments += ["--profile", options["profile"]]
        return run_child("benchmark_reminders", arguments, database_url=options["database_url"])

    def report(self, results: list[dict]) -> None:
        out = self.stdout
        out.write("")
        out.write(
            f"{'directives':>10} {'recipients':>10} {'setup s':>8} {'sweep 1 s':>10} {'queries 1':>10} "
            f"{'emails':>7} {'reminders':>9} {'sweep 2 s':>10} {'queries 2':>10} {'emails 2':>8}"
        )
        for r in results:
            out.write(
                f"{r['directives']:>10} {r['recipients']:>10} {r['setup_s']:>8.1f} {r['first_s']:>10.2f} "
                f"{r['first_queries']:>10} {r['first_emails']:>7} {r['deliveries']:>9} {r['second_s']:>10.2f} "
                f"{r['second_queries']:>10} {r['second_emails']:>8}"
            )
        for r in results:
            out.write(
                f"{r['directives']:>10} directives: plain SELECT of the {r['owed_rows']} rows owed that day "
                f"{r['owed_select_ms']:.1f} ms; first sweep = {r['first_s'] * 1000 / r['owed_select_ms']:.0f}×"
            )
        out.write(f"database: {results[-1]['vendor']}; sweep day {results[-1]['date']}")
        out.write(
            "queries 1 = fixed reads + the day's run record + 1 per digest (marked sent) + per 100 recipients "
            "their claims (one INSERT per 500 reminders, one SELECT), whatever the number of directives; "
            "queries 2 = fixed reads only"
        )


def run_inside(options) -> dict:
    from django.db import connection
    from django.db.backends.signals import connection_created

    from dxtasks.directives.models import Share
    from dxtasks.reminders.models import Delivery
    from dxtasks.reminders.sweep import run_sweep

    prepare_database(options["database_url"])
    today = datetime.date.fromisoformat(options["date"])
    started = time.perf_counter()
    collective = max(0, options["collective"])
    build_data(
        options["directives"], options["recipients"], today, random.Random(options["seed"]), collective=collective
    )
    setup = time.perf_counter() - started

    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # configured backend, so PostgreSQL
    # runs use their sending threads; count their queries too
    counter = QueryCounter()
    connection_created.connect(lambda connection, **kwargs: connection.execute_wrappers.append(counter), weak=False)

    def timed_sweep(profile: str = ""):
        counter.count = 0
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        began = time.perf_counter()
        with connection.execute_wrapper(counter):
            summary = run_sweep(today)
        elapsed = time.perf_counter() - began
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        return elapsed, counter.count, summary

    first_s, first_q, first = timed_sweep(options.get("profile", ""))
    owed_select_ms, owed_rows = time_owed_select(today)
    second_s, second_q, second = timed_sweep(f"{options['profile']}.second" if options.get("profile") else "")
    return {
        "directives": options["directives"],
        "recipients": options["recipients"],
        "collective": collective,
        "shares": Share.objects.count(),
        "date": options["date"],
        "vendor": connection.vendor,
        "setup_s": setup,
        "first_s": first_s,
        "first_queries": first_q,
        "first_emails": first.emails_sent,
        "deliveries": Delivery.objects.count(),
        "second_s": second_s,
        "second_queries": second_q,
        "second_emails": second.emails_sent,
        "failed": first.emails_failed,
        "owed_select_ms": owed_select_ms,
        "owed_rows": owed_rows,
    }


def time_owed_select(today: datetime.date, runs: int = 5) -> tuple[float, int]:
    """Median ms of one plain SQL SELECT of the rows owed `today`, the columns a sweep reads, no ORM."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from dxtasks.directives.models import Agency, Directive, Share
    from dxtasks.reminders.models import Delivery

    deliveries = f"SELECT {{}} FROM {Delivery._meta.db_table} WHERE sweep_date = %s"
    sql = (
        f"SELECT d.id, NULL, d.public_id, d.reference, d.title_vi, d.title_en, d.due_date, d.deadline_precision, "
        f"d.assigned_on, d.owner_id, u.email, u.is_active, u.language, a.name_vi, a.name_en, a.short_name_vi, "
        f"a.contact_email, a.leadership_email "
        f"FROM {Directive._meta.db_table} d "
        f"JOIN {Agency._meta.db_table} a ON a.id = d.lead_agency_id "
        f"LEFT JOIN {get_user_model()._meta.db_table} u ON u.id = d.owner_id "
        f"WHERE d.id IN ({deliveries.format('directive_id')} AND share_id IS NULL) "
        f"UNION ALL "
        f"SELECT d.id, s.id, d.public_id, d.reference, d.title_vi, d.title_en, s.due_date, s.deadline_precision, "
        f"d.assigned_on, s.owner_id, u.email, u.is_active, u.language, a.name_vi, a.name_en, a.short_name_vi, "
        f"a.contact_email, a.leadership_email "
        f"FROM {Share._meta.db_table} s "
        f"JOIN {Directive._meta.db_table} d ON d.id = s.directive_id "
        f"JOIN {Agency._meta.db_table} a ON a.id = s.agency_id "
        f"LEFT JOIN {get_user_model()._meta.db_table} u ON u.id = s.owner_id "
        f"WHERE s.id IN ({deliveries.format('share_id')})"
    )
    timings, count = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [today, today])
            count = len(cursor.fetchall())
        timings.append((time.perf_counter() - began) * 1000)
    return sorted(timings)[len(timings) // 2], count

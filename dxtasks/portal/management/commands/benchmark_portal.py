"""Time the portal's busiest pages on a large synthetic register, in a throwaway database.

    python manage.py benchmark_portal                   # 100,000 directives, 5,000 users, 15 runs per page
    python manage.py benchmark_portal --directives 20000 --users 500 --runs 5
    python manage.py benchmark_portal --json            # ends with one JSON object of the figures
    python manage.py benchmark_portal --collective 500 --shares 97   # collective directives (the default)

The database is a fresh test database, one per scale (SQLite:
var/bench-portal-<directives>.sqlite3; PostgreSQL: test_<name>_bench_portal_<directives>),
created, filled with bulk_create and dropped at the end (kept with --keepdb:
the test suite's tiny run then leaves a kept 100,000-directive one alone):
nothing touches the working database. Pages are rendered
through Django's test Client (middleware, templates and all, no network), as
a signed-in focal point. Prints median and 90th percentile per page; the
"cold" dashboard line empties the cache before each run, as the first view
after any change to a directive does. "First request" starts a fresh
Python process on the same database and times its first dashboard request
(middleware, URLconf, templates all loaded then), as the first visitor after
a restart or a new gunicorn worker waits for it: with the project's bytecode
written by an earlier, unmeasured start, as a deployed process finds it, and
(first_request_compiling_ms) compiling the project, as in a shell with
PYTHONDONTWRITEBYTECODE=1.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from dxtasks.benchmarking import cpu_reference_ms
from dxtasks.operations import freshprocess

PAGES = [
    ("dashboard", "/"),
    ("dashboard, figures recomputed (cold cache)", "/"),
    ("register, first page", "/directives/"),
    ("register, agency + status filter", "/directives/?agency=MPS&status=overdue"),
    (
        "register, pillar + due range, sorted",
        "/directives/?pillar=economy&due_from=01/01/2024&due_to=31/12/2024&sort=-due",
    ),
    ("register, accent-free search", "/directives/?q=du+lieu+ca+nhan"),
    ('register, page 400 (its "next" link)', "keyset400"),
    ("register, ?page=400 typed (OFFSET)", "/directives/?page=400"),
    ("directive page", None),
    ("register, agency filter (with shares)", "/directives/?agency=MPS"),
    ("collective directive page (its shares)", "collective"),
]
# Names of the figures in --json (as the issue lists them).
JSON_KEYS = {
    "dashboard": "dashboard_cached",
    "dashboard, figures recomputed (cold cache)": "dashboard_uncached",
    "register, first page": "register",
    "register, agency + status filter": "register_filtered",
    "register, pillar + due range, sorted": "register_sorted",
    "register, accent-free search": "search",
    'register, page 400 (its "next" link)': "register_page_400",
    "register, ?page=400 typed (OFFSET)": "register_page_400_offset",
    "directive page": "directive",
    "register, agency filter (with shares)": "register_agency",
    "collective directive page (its shares)": "collective",
}
FIXTURES = ["fixtures/agencies.json", "fixtures/provinces.json", "fixtures/meetings.json"]
WORDS = [
    "bảo vệ dữ liệu cá nhân",
    "chuyển đổi số",
    "dịch vụ công trực tuyến",
    "cơ sở dữ liệu quốc gia",
    "chữ ký số",
    "thanh toán không dùng tiền mặt",
    "hạ tầng số",
    "an toàn thông tin",
    "đô thị thông minh",
    "kinh tế số",
    "định danh điện tử",
    "nền tảng số",
]


class Command(BaseCommand):
    help = "Benchmark the dashboard and register on N synthetic directives in a throwaway database."
    # No system checks: they load the URLconf, which the fresh-process figure must include.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--directives", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--users", type=int, default=5_000, help="users (focal points of every agency)")
        parser.add_argument(
            "--collective", type=int, default=500, help="collective directives (addressed to ALL) among the directives"
        )
        parser.add_argument("--shares", type=int, default=97, help="shares of each collective directive")
        parser.add_argument(
            "--keepdb",
            action="store_true",
            help="keep the benchmark database afterwards and reuse it if it is already filled",
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="end with one JSON object")
        parser.add_argument("--first-request", default="", help=argparse.SUPPRESS)  # internal: the child

    def handle(
        self,
        *args,
        directives: int,
        runs: int,
        seed: int,
        keepdb: bool = False,
        users: int = 5_000,
        as_json: bool = False,
        first_request: str = "",
        collective: int = 500,
        shares: int = 97,
        **options,
    ):
        if first_request:
            return self._first_request(first_request)
        test_settings = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            test_settings["NAME"] = str(settings.BASE_DIR / "var" / f"bench-portal-{directives}.sqlite3")
        else:
            test_settings["NAME"] = f"test_{connection.settings_dict['NAME']}_bench_portal_{directives}"
        # No serialize: that copy of every row (for TransactionTestCase) took minutes on a kept 100k database.
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keepdb, serialize=False)
        try:
            with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, DEBUG=False):
                self.collective, self.shares = collective, shares
                figures = self._run(directives, users, runs, seed)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keepdb)
        if as_json:
            self.stdout.write(json.dumps({**figures, "cpu_reference_ms": cpu_reference_ms()}))

    def _run(self, n: int, n_users: int, runs: int, seed: int) -> dict:
        from dxtasks.accounts.models import User
        from dxtasks.directives.models import Directive

        call_command("createcachetable", verbosity=0)
        started = time.perf_counter()
        if (
            Directive.objects.count() == n
            and User.objects.count() == n_users
            and User.objects.filter(username="bench.focal").exists()
        ):
            user = User.objects.get(username="bench.focal")  # --keepdb: reuse the filled database
            sample = Directive.objects.filter(addressees="").order_by("pk")[n // 2]
        else:
            call_command("flush", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
            call_command("loaddata", *FIXTURES, verbosity=0)
            user, sample = self._fill(n, n_users, random.Random(seed))
        if connection.vendor == "postgresql":
            # VACUUM as autovacuum does soon after a bulk load on a live database: it sets the visibility
            # map, without which no index-only scan (the counts) is possible on freshly written rows.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"{connection.vendor}: {n:,} directives, {User.objects.count():,} users built in "
            f"{time.perf_counter() - started:.1f} s"
        )
        client = Client()
        client.force_login(user)
        figures = {"database": connection.vendor, "directives": n, "users": User.objects.count(), "runs": runs}
        figures["load_before"] = round(os.getloadavg()[0], 2)  # the machine's 1-minute load average
        self.stdout.write(f"{'page':42} {'median':>9} {'p90':>9} {'min':>9} {'KiB':>6}")
        collective = Directive.objects.exclude(addressees="").order_by("pk").first()
        figures["collective_directives"] = Directive.objects.exclude(addressees="").count()
        figures["shares_per_collective"] = collective.shares.count() if collective else 0
        for label, url in PAGES:
            if url == "collective":
                if collective is None:
                    continue
                url = collective.get_absolute_url()
            elif url == "keyset400":
                url = self._keyset_url(400)
            url = url or sample.get_absolute_url()
            for _ in range(2):  # warm the caches as a running server would be
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            timings = []
            for _ in range(runs):
                if "cold" in label:
                    cache.clear()  # as after any change to a directive
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
            timings.sort()
            p90 = timings[min(len(timings) - 1, int(round(0.9 * (len(timings) - 1))))]
            median = statistics.median(timings)
            size = len(response.content)
            self.stdout.write(f"{label:42} {median:7.1f}ms {p90:7.1f}ms {timings[0]:7.1f}ms {size / 1024:6.0f}")
            figures[f"{JSON_KEYS[label]}_ms"] = round(median, 1)
            figures[f"{JSON_KEYS[label]}_p90_ms"] = round(p90, 1)
            figures[f"{JSON_KEYS[label]}_bytes"] = size
        figures.update(self._figures_alone(runs))
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        first = self._spawn_first_request(session_key, bytecode=True)
        compiling = self._spawn_first_request(session_key, bytecode=False)
        self.stdout.write(f"{'first request of a fresh process (dashboard)':42} {first:7.1f}ms")
        self.stdout.write(f"{'  the same, compiling the project':42} {compiling:7.1f}ms")
        figures["first_request_ms"] = round(first, 1)
        figures["first_request_compiling_ms"] = round(compiling, 1)
        figures["load_after"] = round(os.getloadavg()[0], 2)
        return figures

    def _figures_alone(self, runs: int) -> dict:
        """The shared part of a cold dashboard, without the page: today's figures counted from indexes
        (tallies.py), and the same figures by each row's status (what any other scope costs)."""
        from dxtasks.directives import scopes
        from dxtasks.portal import dashboard

        result = {}
        for key, label, compute, times in (
            ("dashboard_figures", "dashboard figures alone, counted", dashboard._compute, runs),
            ("dashboard_figures_by_status", "  the same, row by row by status", dashboard._compute_by_status, 3),
        ):
            timings = []
            for _ in range(times):
                t0 = time.perf_counter()
                compute(scopes.today_scope())
                timings.append((time.perf_counter() - t0) * 1000)
            result[f"{key}_ms"] = round(statistics.median(timings), 1)
            self.stdout.write(f"{label:42} {result[f'{key}_ms']:7.1f}ms")
        return result

    def _keyset_url(self, number: int) -> str:
        """Page `number` of the register as its "next" link names it: the sort key of the previous page's last row."""
        from dxtasks.portal import keyset
        from dxtasks.portal.forms import SORTS
        from dxtasks.portal.lists import PAGE_SIZE, annotated

        rows = annotated()
        number = max(2, min(number, rows.count() // PAGE_SIZE))  # a smaller run: its last full page
        last = rows.order_by(*SORTS["due"])[(number - 1) * PAGE_SIZE - 1]
        return f"/directives/?page={number}&after={keyset.cursor(last, keyset.ORDERS['due'])}"

    def _spawn_first_request(self, session_key: str, *, bytecode: bool) -> float:
        """Median over 3 fresh processes of their first dashboard request (freshprocess: bytecode or not)."""
        env = {"BENCH_PORTAL_DB": connection.settings_dict["NAME"]}
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "benchmark_portal",
            "--first-request",
            session_key,
        ]
        if bytecode:
            freshprocess.run_child(command, env, bytecode=True, timeout=300)  # writes it, unmeasured
        timings = [
            float(freshprocess.run_child(command, env, bytecode=bytecode, timeout=300).strip().splitlines()[-1])
            for _ in range(3)
        ]
        return statistics.median(timings)

    def _first_request(self, session_key: str) -> None:
        """In the fresh process: nothing but Django set up yet; time building the handler and one request."""
        connection.settings_dict["NAME"] = os.environ["BENCH_PORTAL_DB"]
        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, DEBUG=False):
            started = time.perf_counter()
            client = Client()  # loads the middleware, as a new WSGI handler does
            client.cookies[settings.SESSION_COOKIE_NAME] = session_key
            response = client.get("/")
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        self.stdout.write(f"{elapsed:.2f}")

    def _fill(self, n: int, n_users: int, rng: random.Random):
        from dxtasks.accounts.models import Role, User
        from dxtasks.directives.folding import fold
        from dxtasks.directives.models import Agency, Directive, Meeting, ProgressUpdate

        agencies = list(Agency.objects.filter(active=True))
        meetings = list(Meeting.objects.all())
        mps = Agency.objects.get(code="MPS")
        user = User.objects.create_user("bench.focal", password="x" * 12, role=Role.FOCAL_POINT, agency=mps)
        # The other users: focal points and viewers spread over the agencies (unusable passwords, fast).
        User.objects.bulk_create(
            [
                User(
                    username=f"bench.user{i}",
                    email=f"user{i}@bench.example.gov.vn",
                    password="!",
                    first_name=f"Người dùng {i}",
                    role=Role.FOCAL_POINT if i % 3 else Role.VIEWER,
                    agency=agencies[i % len(agencies)],
                )
                for i in range(max(0, n_users - 1))
            ],
            batch_size=1000,
        )
        today = datetime.date.today()
        pillars = ["government", "economy", "society", "cross"]
        now = datetime.datetime.now(datetime.UTC)
        batch = []
        for i in range(n):
            assigned = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randrange(0, 2000))
            ongoing = rng.random() < 0.08
            due = None if ongoing else assigned + datetime.timedelta(days=rng.randrange(30, 720))
            roll = rng.random()
            state, completed_on, cancelled_on = "open", None, None
            if roll < 0.5 and assigned < today:
                state = "completed"
                completed_on = min(today, assigned + datetime.timedelta(days=rng.randrange(10, 800)))
            elif roll < 0.53:
                state, cancelled_on = "cancelled", min(today, assigned + datetime.timedelta(days=30))
            title = f"{rng.choice(WORDS).capitalize()} — nhiệm vụ {i}"
            reference = f"BENCH-{i:06}"
            batch.append(
                Directive(
                    reference=reference,
                    title_vi=title,
                    title_en="",
                    lead_agency=rng.choice(agencies),
                    meeting=rng.choice(meetings),
                    pillar=rng.choice(pillars),
                    assigned_on=assigned,
                    deadline_text="thường xuyên" if ongoing else f"{due:%d/%m/%Y}",
                    due_date=due,
                    deadline_precision="ongoing" if ongoing else "day",
                    state=state,
                    completed_on=completed_on,
                    cancelled_on=cancelled_on,
                    owner=user if i % 500 == 0 else None,
                    search_text=fold(f"{reference} {title}"),  # bulk_create skips the pre_save signal
                )
            )
        Directive.objects.bulk_create(batch, batch_size=2000)
        ids = list(Directive.objects.values_list("pk", flat=True))
        through = Directive.co_agencies.through
        links = []
        for pk in ids:
            if rng.random() < 0.3:
                for agency in rng.sample(agencies, 2):
                    links.append(through(directive_id=pk, agency_id=agency.pk))
        through.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)
        ProgressUpdate.objects.bulk_create(
            [
                ProgressUpdate(
                    directive_id=pk,
                    reported_at=now - datetime.timedelta(days=rng.randrange(0, 400)),
                    percent=rng.randrange(0, 100),
                    note="Báo cáo tiến độ",
                )
                for pk in ids
                if rng.random() < 0.6
            ],
            batch_size=5000,
        )
        self._fill_collective(rng, now)
        return user, Directive.objects.get(pk=ids[len(ids) // 2])

    def _fill_collective(self, rng: random.Random, now: datetime.datetime) -> None:
        """`--collective` of the directives become addressed to ALL, each with `--shares` shares."""
        from dxtasks.directives.models import Agency, Directive, ProgressUpdate, Share

        if not self.collective:
            return
        members = list(Agency.objects.exclude(kind="other").order_by("pk")[: self.shares])
        group = Agency.objects.get(code="ALL")
        chosen = list(Directive.objects.filter(state="open").order_by("?")[: self.collective])
        Directive.objects.filter(pk__in=[d.pk for d in chosen]).update(addressees="ALL", lead_agency=group)
        today = datetime.date.today()
        shares = []
        for d in chosen:
            for agency in members:
                done = rng.random() < 0.4 and d.assigned_on < today
                shares.append(
                    Share(
                        directive_id=d.pk,
                        agency=agency,
                        deadline_text=d.deadline_text,
                        due_date=d.due_date,
                        deadline_precision=d.deadline_precision,
                        state="completed" if done else "open",
                        completed_on=min(today, d.assigned_on + datetime.timedelta(days=rng.randrange(10, 400)))
                        if done
                        else None,
                    )
                )
        Share.objects.bulk_create(shares, batch_size=5000)
        ProgressUpdate.objects.bulk_create(
            [
                ProgressUpdate(
                    directive_id=directive_id,
                    share_id=pk,
                    percent=rng.randrange(0, 100),
                    reported_at=now - datetime.timedelta(days=rng.randrange(0, 400)),
                    note="Báo cáo",
                )
                for pk, directive_id in Share.objects.values_list("pk", "directive_id")
                if rng.random() < 0.5
            ],
            batch_size=5000,
        )

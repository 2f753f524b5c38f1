"""Benchmark the calendar feed on synthetic data in a throwaway database; prints figures.

    python manage.py benchmark_feeds [--events 5000] [--repeat 15] [--json]

Creates a separate test database (var/bench-calendars.sqlite3, or
test_<name>_bench_calendars on PostgreSQL), fills it with directives, and
times GET (cold: every event serialised; after one directive was edited:
that event re-serialised; unchanged: the body from the shared cache), a 304
revalidation and HEAD through the whole Django stack (middleware, rate
limits, token lookup), and counts queries at growing sizes. The database is
dropped at the end.

In the same run it times icalendar alone serialising as many simple all-day
VEVENTs (UID, DTSTAMP, DTSTART, DTEND, SUMMARY): the yardstick of the cold
build. "Fresh process, data unchanged" empties the shared cache and starts a
new Python process on the same database, which answers its first GET (its
imports, middleware and URLconf included) from the events persisted by the
earlier builds: with the project's bytecode written by an earlier start, as a
deployed process finds it, and (fresh_process_compiling_ms) compiling it, as
in a shell with PYTHONDONTWRITEBYTECODE=1. With --json the last line is one
JSON object of the figures.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

from dxtasks.benchmarking import cpu_reference_ms
from dxtasks.formats import short_date
from dxtasks.operations import freshprocess

RATES = {"TOKEN_RATE": (10**6, 60), "ADDRESS_RATE": (10**6, 60)}
# The 5,000-event figures use the "all" feed over all of their deadlines (a year either side of
# today), as before it became a window; the "all" feed at 100,000 directives has its real window.
WIDE = {"ALL_FEED_PAST_DAYS": 3650, "ALL_FEED_AHEAD_DAYS": 3650}


class Command(BaseCommand):
    help = "Time the calendar feed at 5,000 directives in a throwaway database and print the figures."
    # No system checks: they load the URLconf, which the fresh-process figure must include.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=5000)
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument(
            "--all-directives", type=int, default=100_000, help="directives for the 'all' feed figure (0: skip)"
        )
        parser.add_argument(
            "--collective",
            type=int,
            default=500,
            help="of the events' directives, collective ones (one share per agency: the agency-feed figures)",
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="end with one JSON object")
        parser.add_argument("--fresh-get", default="", help=argparse.SUPPRESS)  # internal: the child process

    def handle(
        self,
        *args,
        events=5000,
        repeat=15,
        as_json=False,
        fresh_get="",
        all_directives=100_000,
        collective=500,
        **options,
    ):
        if fresh_get:
            return self.fresh_get(fresh_get)
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        test_settings = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            test_settings["NAME"] = str(settings.BASE_DIR / "var" / "bench-calendars.sqlite3")
        else:
            test_settings["NAME"] = f"test_{connection.settings_dict['NAME']}_bench_calendars"  # yours only
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            with override_settings(CALENDARS={**settings.CALENDARS, **RATES, **WIDE}):
                figures = self.run_benchmark(events, repeat)
                if collective:
                    figures.update(self.run_agency_feed(collective, repeat))
            with override_settings(CALENDARS={**settings.CALENDARS, **RATES}):  # the "all" feed's own window
                if all_directives > events:
                    figures.update(self.run_all_feed(all_directives))
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
        if as_json:
            self.stdout.write(json.dumps({**figures, "cpu_reference_ms": cpu_reference_ms()}))

    def run_benchmark(self, events: int, repeat: int) -> dict:
        from dxtasks.accounts.models import Role, User
        from dxtasks.calendars import tokens
        from dxtasks.calendars.links import feed_url

        secretary = User.objects.create_user("bench", role=Role.SECRETARIAT, password=None)
        path = feed_url(tokens.issue_token(owner=secretary, kind="all").secret, base_url="")
        client = Client()
        agencies = self.make_agencies(30)
        sizes = sorted({min(50, events), min(500, events), events})
        made = 0
        self.stdout.write(f"database: {connection.vendor}; events: {events}; repeat: {repeat}")
        for size in sizes:
            self.make_directives(made, size, agencies, secretary)
            made = size
            client.get(path)
            self.edit_one(0)  # count the building path, not the cached body
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200, response.status_code
            self.stdout.write(
                f"queries for a {size}-event feed: {len(captured)} ({len(response.content) / 1024:.0f} KiB)"
            )

        # Cold: nothing memoised or persisted and the data changed (so no cached body): every event
        # serialised; interleaved with icalendar alone on as many simple events, the yardstick.
        cold, simple = [], []
        for n in range(5):
            self.forget_events()
            self.edit_one(n)
            cold.append(self.timed(lambda: client.get(path)))
            simple.append(self.icalendar_simple(events))
        # A fresh process, data unchanged, shared cache emptied: its first GET. As deployed (the
        # project's bytecode written by an earlier start, here an unmeasured one on the same path, so
        # every module the measured ones import is compiled), and compiling it.
        client.get(path)
        cache.clear()
        self.spawn_fresh_get(path, bytecode=True)
        fresh, fresh_urlconf, compiling = [], [], []
        for _ in range(5):  # each a new interpreter: the noisiest figure, so five of each
            cache.clear()
            total, urlconf = self.spawn_fresh_get(path, bytecode=True)
            fresh.append(total)
            fresh_urlconf.append(urlconf)
            cache.clear()
            compiling.append(self.spawn_fresh_get(path, bytecode=False)[0])
        # The everyday case: one directive changed since the last poll; only its event is re-serialised.
        edited = []
        for n in range(repeat):
            self.edit_one(n)
            edited.append(self.timed(lambda: client.get(path)))
        # Unchanged data, no validators (how most calendar programs poll): the body from the shared cache.
        unchanged = [self.timed(lambda: client.get(path)) for _ in range(repeat)]
        etag = client.get(path)["ETag"]
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        revalidation_queries = len(captured)
        revalidate = lambda: client.get(path, headers={"If-None-Match": etag})  # noqa: E731
        not_modified = [self.timed(revalidate) for _ in range(repeat * 2)]
        head = [self.timed(lambda: client.head(path)) for _ in range(repeat)]
        self.stdout.write(f"GET, cold (every event serialised, no cached body): median {self.ms(cold)}")
        ratio = statistics.median(c / s for c, s in zip(cold, simple, strict=True))  # pairs measured side by side
        self.stdout.write(
            f"icalendar alone, {events} simple all-day VEVENTs:  median {self.ms(simple)} "
            f"(cold = {ratio:.2f}×, median of {len(cold)} interleaved pairs)"
        )
        self.stdout.write(
            f"fresh process, data unchanged, cache emptied:      median {statistics.median(fresh):.1f} ms "
            f"(of which loading the URLconf {statistics.median(fresh_urlconf):.1f} ms); "
            f"compiling the project's modules: {statistics.median(compiling):.1f} ms"
        )
        self.stdout.write(
            f"GET, one directive edited before each request:    median {self.ms(edited)}, "
            f"max {max(edited) * 1000:.1f} ms"
        )
        self.stdout.write(
            f"GET, data unchanged, no validators (cached body): median {self.ms(unchanged)}, "
            f"max {max(unchanged) * 1000:.1f} ms"
        )
        self.stdout.write(
            f"304 revalidation (If-None-Match):                 median {self.ms(not_modified)}, "
            f"{revalidation_queries} queries"
        )
        self.stdout.write(f"HEAD:                                             median {self.ms(head)}")
        median = lambda values: round(statistics.median(values) * 1000, 1)  # noqa: E731
        return {
            "database": connection.vendor,
            "events": events,
            "repeat": repeat,
            "cold_build_ms": median(cold),
            "icalendar_simple_ms": median(simple),
            "cold_over_simple": round(ratio, 2),
            "fresh_process_unchanged_ms": round(statistics.median(fresh), 1),
            # Of it, what loading the URLconf (every app's views and the API) costs a new process.
            "fresh_process_urlconf_ms": round(statistics.median(fresh_urlconf), 1),
            # The same in a process that may not write bytecode (PYTHONDONTWRITEBYTECODE=1): dxtasks compiled.
            "fresh_process_compiling_ms": round(statistics.median(compiling), 1),
            "one_edit_ms": median(edited),
            "unchanged_cached_body_ms": median(unchanged),
            "not_modified_ms": median(not_modified),
            "not_modified_queries": revalidation_queries,
            "head_ms": median(head),
            "feed_bytes": len(client.get(path).content),
        }

    def run_agency_feed(self, collective: int, repeat: int) -> dict:
        """An agency's feed once `collective` of the directives are collective: one share event per directive.

        Share events are built at each fetch (not stored: an agency's feed holds few); the figures
        say what that costs when an agency has a share in `collective` directives.
        """
        from django.db.models import F
        from django.utils import timezone

        from dxtasks.accounts.models import Role, User
        from dxtasks.calendars import tokens
        from dxtasks.calendars.links import feed_url
        from dxtasks.directives.models import Agency, Directive, Share

        agencies = list(Agency.objects.filter(code__startswith="BENCH-").order_by("pk"))
        group = Agency.objects.create(code="BENCH-ALL", name_vi="Các bộ thử nghiệm", kind="other")
        chosen = list(Directive.objects.filter(due_date__isnull=False).order_by("pk")[:collective])
        Directive.objects.filter(pk__in=[d.pk for d in chosen]).update(addressees="ALL", lead_agency=group)
        Share.objects.bulk_create(
            [
                Share(
                    directive=d,
                    agency=agency,
                    deadline_text=d.deadline_text,
                    due_date=d.due_date,
                    deadline_precision=d.deadline_precision,
                    state="completed" if d.state == "completed" else "open",
                    completed_on=d.completed_on if d.state == "completed" else None,
                )
                for d in chosen
                for agency in agencies
            ],
            batch_size=5000,
        )
        focal = User.objects.create_user("bench-focal", role=Role.FOCAL_POINT, agency=agencies[0], password=None)
        path = feed_url(tokens.issue_token(owner=focal, kind="agency", agency=agencies[0]).secret, base_url="")
        client = Client()
        share = Share.objects.filter(agency=agencies[0]).order_by("pk")
        cold, edited = [], []
        for n in range(3):
            self.forget_events()
            self.edit_one(n)
            cold.append(self.timed(lambda: client.get(path)))
        for n in range(repeat):
            Share.objects.filter(pk=share[n % 10].pk).update(version=F("version") + 1, updated_at=timezone.now())
            edited.append(self.timed(lambda: client.get(path)))
        body = client.get(path).content
        figures = {
            "collective_directives": collective,
            "shares": Share.objects.count(),
            "agency_feed_events": body.count(b"BEGIN:VEVENT"),
            "agency_feed_cold_ms": round(statistics.median(cold) * 1000, 1),
            "agency_feed_one_share_edit_ms": round(statistics.median(edited) * 1000, 1),
            "agency_feed_share_events": body.count(f"-{agencies[0].code}@".encode()),
        }
        self.stdout.write(
            f"agency feed with {collective} collective directives ({figures['shares']} shares): "
            f"{figures['agency_feed_events']} events of which {figures['agency_feed_share_events']} shares; "
            f"cold median {self.ms(cold)}; one share edited before each GET median {self.ms(edited)}"
        )
        return figures

    def run_all_feed(self, total: int) -> dict:
        """The secretariat's "all" feed once the register holds `total` directives spread over years."""
        from django.utils import timezone

        from dxtasks.accounts.models import User
        from dxtasks.calendars import tokens
        from dxtasks.calendars.feeds import all_feed_window
        from dxtasks.calendars.links import feed_url
        from dxtasks.directives.models import Agency, Directive

        started = time.perf_counter()
        self.make_history(
            Directive.objects.count(), total, list(Agency.objects.all()), User.objects.get(username="bench")
        )
        self.stdout.write(f"{Directive.objects.count()} directives built in {time.perf_counter() - started:.0f} s")
        secretary = User.objects.create_user("bench-all", role="secretariat", password=None)
        path = feed_url(tokens.issue_token(owner=secretary, kind="all").secret, base_url="")
        client = Client()
        cold, pages = [], []
        for n in range(2):
            self.forget_events()
            self.edit_one(n)
            cold.append(self.timed(lambda: client.get(path)))
        body = client.get(path).content
        for n in range(2):
            self.forget_events()
            self.edit_one(n)
            pages.append(self.timed(lambda: client.get(path + "?page=1")))
        window_events = body.count(b"BEGIN:VEVENT")
        since, until = all_feed_window(timezone.localdate())
        self.stdout.write(
            f"'all' feed at {total} directives: window = deadlines from {short_date(since)} to {short_date(until)}, "
            f"{window_events} events ({len(body) / 2**20:.1f} MiB); cold GET median {self.ms(cold)}; "
            f"history page 1 (5,000 events) cold median {self.ms(pages)}"
        )
        return {
            "all_directives": total,
            "all_feed_window": f"deadlines from {since.isoformat()} to {until.isoformat()} "
            f"({(timezone.localdate() - since).days} days back, {(until - timezone.localdate()).days} ahead)",
            "all_feed_events": window_events,
            "all_feed_100k_ms": round(statistics.median(cold) * 1000, 1),
            "all_feed_bytes": len(body),
            "history_page_ms": round(statistics.median(pages) * 1000, 1),
        }

    @staticmethod
    def make_history(start: int, stop: int, agencies, owner) -> None:
        """Directives assigned over five and a half years, due 1–24 months later; most old ones completed."""
        from django.utils import timezone

        from dxtasks.directives.models import Directive

        rng = random.Random(stop)
        today = timezone.localdate()
        for first in range(start, stop, 5000):
            rows = []
            for n in range(first, min(stop, first + 5000)):
                assigned = today - datetime.timedelta(days=rng.randint(0, 2000))
                due = assigned + datetime.timedelta(days=rng.randint(30, 720))
                past = due < today
                state = "completed" if past and rng.random() < 0.85 else rng.choice(["open"] * 8 + ["submitted"])
                if rng.random() < 0.03:
                    state = "cancelled"
                rows.append(
                    Directive(
                        public_id=uuid.uuid4(),
                        reference=f"HIST-{n:06d}",
                        title_vi=f"Nhiệm vụ lịch sử số {n}: triển khai nền tảng số; báo cáo kết quả",
                        title_en=f"History directive {n}",
                        lead_agency=rng.choice(agencies),
                        owner=owner,
                        assigned_on=assigned,
                        deadline_text=f"{due:%d/%m/%Y}",
                        due_date=due,
                        deadline_precision="day",
                        state=state,
                        completed_on=min(due, today) if state == "completed" else None,
                        cancelled_on=min(today, assigned + datetime.timedelta(days=60))
                        if state == "cancelled"
                        else None,
                        version=rng.randint(1, 4),
                        search_text=f"nhiem vu lich su so {n}",
                    )
                )
            created = Directive.objects.bulk_create(rows, batch_size=1000)
            through = Directive.co_agencies.through
            through.objects.bulk_create(
                [
                    through(directive_id=d.pk, agency_id=a.pk)
                    for d in created
                    if rng.random() < 0.3
                    for a in rng.sample(agencies, 2)
                ],
                batch_size=2000,
            )

    @staticmethod
    def forget_events() -> None:
        """What a new deployment on a new host has: no memoised and no persisted event."""
        from dxtasks.calendars.feeds import MEMO
        from dxtasks.calendars.models import StoredEvent

        MEMO.clear()
        StoredEvent.objects.all().delete()

    @staticmethod
    def icalendar_simple(events: int) -> float:
        """Seconds for icalendar alone to build and serialise `events` simple all-day VEVENTs."""
        from icalendar import Calendar, Event

        start = time.perf_counter()
        calendar = Calendar()
        calendar.add("prodid", "-//dxtasks//benchmark//EN")
        calendar.add("version", "2.0")
        stamp = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        first = datetime.date(2026, 1, 1)
        for n in range(events):
            event = Event()
            event.add("uid", f"{uuid.UUID(int=n)}@bench.example.org")
            event.add("dtstamp", stamp)
            day = first + datetime.timedelta(days=n % 800)
            event.add("dtstart", day)
            event.add("dtend", day + datetime.timedelta(days=1))
            event.add("summary", f"Nhiệm vụ thử nghiệm số {n}")
            calendar.add_component(event)
        calendar.to_ical()
        return time.perf_counter() - start

    def spawn_fresh_get(self, path: str, *, bytecode: bool) -> tuple[float, float]:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "benchmark_feeds", "--fresh-get", path]
        env = {"BENCH_FEEDS_DB": connection.settings_dict["NAME"]}
        stdout = freshprocess.run_child(command, env, bytecode=bytecode, timeout=600)
        total, urlconf = stdout.strip().splitlines()[-1].split()
        return float(total), float(urlconf)

    def fresh_get(self, path: str) -> None:
        """In the child: Django set up, nothing else loaded; time the handler's creation and one GET.

        Prints the whole time and, of it, loading the URLconf (done first, as the GET would)."""
        from django.urls import get_resolver

        connection.settings_dict["NAME"] = os.environ["BENCH_FEEDS_DB"]
        with override_settings(
            CALENDARS={**settings.CALENDARS, **RATES, **WIDE}, ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False
        ):
            started = time.perf_counter()
            get_resolver().url_patterns  # noqa: B018  (loads every view module)
            urlconf = (time.perf_counter() - started) * 1000
            response = Client().get(path)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        self.stdout.write(f"{elapsed:.2f} {urlconf:.2f}")

    @staticmethod
    def edit_one(n: int) -> None:
        from django.db.models import F
        from django.utils import timezone

        from dxtasks.directives.models import Directive

        pk = Directive.objects.order_by("pk").values_list("pk", flat=True)[n]
        Directive.objects.filter(pk=pk).update(
            title_vi=f"Nhiệm vụ đã sửa lần {n}", version=F("version") + 1, updated_at=timezone.now()
        )

    @staticmethod
    def timed(call) -> float:
        start = time.perf_counter()
        response = call()
        elapsed = time.perf_counter() - start
        assert response.status_code in (200, 304), response.status_code
        return elapsed

    @staticmethod
    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.1f} ms"

    @staticmethod
    def make_agencies(count: int):
        from dxtasks.directives.models import Agency

        return Agency.objects.bulk_create(
            Agency(
                code=f"BENCH-{n}",
                name_vi=f"Bộ thử nghiệm số {n}, Việt Nam",
                name_en=f"Bench ministry {n}",
                short_name_vi=f"BTN{n}",
                kind="ministry",
            )
            for n in range(count)
        )

    @staticmethod
    def make_directives(start: int, stop: int, agencies, owner) -> None:
        """Rows written directly (not through services): this is synthetic load, not history."""
        from django.utils import timezone

        from dxtasks.directives.models import Directive, ProgressUpdate

        rng = random.Random(start)
        today = timezone.localdate()
        rows = []
        for n in range(start, stop):
            due = today + datetime.timedelta(days=rng.randint(-400, 400))
            state = rng.choice(["open"] * 6 + ["submitted", "completed", "completed", "cancelled"])
            rows.append(
                Directive(
                    public_id=uuid.uuid4(),
                    reference=f"BENCH-{n:06d}",
                    title_vi=f"Nhiệm vụ thử nghiệm số {n}: triển khai nền tảng, chia sẻ dữ liệu; báo cáo kết quả",
                    title_en=f"Bench directive {n}",
                    lead_agency=rng.choice(agencies),
                    owner=owner,
                    assigned_on=due - datetime.timedelta(days=200),
                    deadline_text=f"{due:%d/%m/%Y}",
                    due_date=due,
                    deadline_precision="day",
                    state=state,
                    completed_on=min(due, today) if state == "completed" else None,
                    cancelled_on=today - datetime.timedelta(days=rng.randint(0, 60)) if state == "cancelled" else None,
                    version=rng.randint(1, 4),
                    search_text=f"nhiem vu thu nghiem so {n}",
                )
            )
        created = Directive.objects.bulk_create(rows, batch_size=500)
        through = Directive.co_agencies.through
        through.objects.bulk_create(
            [through(directive_id=d.pk, agency_id=a.pk) for d in created for a in rng.sample(agencies, 2)],
            batch_size=1000,
        )
        now = timezone.now()
        ProgressUpdate.objects.bulk_create(
            [
                ProgressUpdate(
                    directive_id=d.pk,
                    reported_at=now,
                    percent=rng.randint(0, 90),
                    note="Đã họp thống nhất phương án,\nđang chờ ý kiến các bộ; dự kiến trình tháng sau",
                )
                for d in created
                if rng.random() < 0.5
            ],
            batch_size=1000,
        )

"""Time the portal's busiest pages on a large synthetic register, in a throwaway database.

    python manage.py benchmark_portal                   # 100,000 directives, 15 timed runs per page
    python manage.py benchmark_portal --directives 20000 --runs 5

The database is a fresh test database (SQLite: var/bench-portal.sqlite3;
PostgreSQL: test_<name>_bench_portal), created, filled with bulk_create and
dropped at the end: nothing touches the working database. Pages are rendered
through Django's test Client (middleware, templates and all, no network), as
a signed-in focal point. Prints median and 90th percentile per page; the
"cold" dashboard line empties the cache before each run, as the first view
after any change to a directive does.
"""
import datetime
import random
import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

PAGES = [
    ("dashboard", "/"),
    ("dashboard, figures recomputed (cold cache)", "/"),
    ("register, first page", "/directives/"),
    ("register, agency + status filter", "/directives/?agency=MPS&status=overdue"),
    ("register, pillar + due range, sorted", "/directives/?pillar=economy&due_from=01/01/2024&due_to=31/12/2024&sort=-due"),
    ("register, accent-free search", "/directives/?q=du+lieu+ca+nhan"),
    ("register, page 400", "/directives/?page=400"),
    ("directive page", None),
]
FIXTURES = ["fixtures/agencies.json", "fixtures/provinces.json", "fixtures/meetings.json"]
WORDS = ["bảo vệ dữ liệu cá nhân", "chuyển đổi số", "dịch vụ công trực tuyến", "cơ sở dữ liệu quốc gia",
         "chữ ký số", "thanh toán không dùng tiền mặt", "hạ tầng số", "an toàn thông tin", "đô thị thông minh",
         "kinh tế số", "định danh điện tử", "nền tảng số"]


class Command(BaseCommand):
    help = "Benchmark the dashboard and register on N synthetic directives in a throwaway database."

    def add_arguments(self, parser):
        parser.add_argument("--directives", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--keepdb", action="store_true",
                            help="keep the benchmark database afterwards and reuse it if it is already filled")

    def handle(self, *args, directives: int, runs: int, seed: int, keepdb: bool = False, **options):
        test_settings = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            test_settings["NAME"] = str(settings.BASE_DIR / "var" / "bench-portal.sqlite3")
        else:
            test_settings["NAME"] = f"test_{connection.settings_dict['NAME']}_bench_portal"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keepdb)
        try:
            with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, DEBUG=False):
                self._run(directives, runs, seed)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keepdb)

    def _run(self, n: int, runs: int, seed: int) -> None:
        from dxtasks.accounts.models import User
        from dxtasks.directives.models import Directive

        call_command("createcachetable", verbosity=0)
        started = time.perf_counter()
        if Directive.objects.count() == n and User.objects.filter(username="bench.focal").exists():
            user = User.objects.get(username="bench.focal")  # --keepdb: reuse the filled database
            sample = Directive.objects.order_by("pk")[n // 2]
        else:
            call_command("flush", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
            call_command("loaddata", *FIXTURES, verbosity=0)
            user, sample = self._fill(n, random.Random(seed))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"{connection.vendor}: {n:,} directives built in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(user)
        self.stdout.write(f"{'page':42} {'median':>9} {'p90':>9} {'min':>9}")
        for label, url in PAGES:
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
            self.stdout.write(f"{label:42} {statistics.median(timings):7.1f}ms {p90:7.1f}ms {timings[0]:7.1f}ms")

    def _fill(self, n: int, rng: random.Random):
        from dxtasks.accounts.models import Role, User
        from dxtasks.directives.folding import fold
        from dxtasks.directives.models import Agency, Directive, Meeting, ProgressUpdate

        agencies = list(Agency.objects.filter(active=True))
        meetings = list(Meeting.objects.all())
        mps = Agency.objects.get(code="MPS")
        user = User.objects.create_user("bench.focal", password="x" * 12, role=Role.FOCAL_POINT, agency=mps)
        today = datetime.date.today()
        pillars = ["government", "economy", "society", "cross"]
        now = datetime.datetime.now(datetime.timezone.utc)
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
            batch.append(Directive(
                reference=reference, title_vi=title, title_en="", lead_agency=rng.choice(agencies),
                meeting=rng.choice(meetings), pillar=rng.choice(pillars), assigned_on=assigned,
                deadline_text="thường xuyên" if ongoing else f"{due:%d/%m/%Y}", due_date=due,
                deadline_precision="ongoing" if ongoing else "day", state=state, completed_on=completed_on,
                cancelled_on=cancelled_on, owner=user if i % 500 == 0 else None,
                search_text=fold(f"{reference} {title}"),  # bulk_create skips the pre_save signal
            ))
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
            [ProgressUpdate(directive_id=pk, reported_at=now - datetime.timedelta(days=rng.randrange(0, 400)),
                            percent=rng.randrange(0, 100), note="Báo cáo tiến độ") for pk in ids if rng.random() < 0.6],
            batch_size=5000,
        )
        return user, Directive.objects.get(pk=ids[len(ids) // 2])

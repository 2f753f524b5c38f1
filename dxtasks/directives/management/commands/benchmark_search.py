"""Measure the register's search: precision of the top 5 on a judged query set, and speed at 100,000 directives.

    python manage.py benchmark_search                     # 100,000 directives, 7 runs per query
    python manage.py benchmark_search --directives 20000 --runs 3 --json

In a throwaway database (SQLite: var/bench-search.sqlite3; PostgreSQL:
test_<name>_bench_search), created and dropped here. First the fixtures'
directives alone, where every query's relevant directives are judged by hand
(QUERIES): the precision of the top 5 (relevant results among the first five
shown, or fewer if fewer were found), and whether the first result is
relevant, for this search and for the substring search it replaced. Then N
synthetic directives (titles and texts made of the fixtures' own words, so
queries hit many of them) are added and each query is timed as the register
runs it: the count plus the first page of 25, ordered by relevance.
"""

import datetime
import json
import random
import re
import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Q

from dxtasks.benchmarking import cpu_reference_ms

FIXTURES = ["fixtures/agencies.json", "fixtures/provinces.json", "fixtures/meetings.json", "fixtures/directives.json"]

# What staff type, and the fixture directives a person would want for it (judged by reading them).
QUERIES = {
    "du lieu ca nhan": {"UBQG-7/07"},
    "bảo vệ dữ liệu": {"UBQG-7/07"},
    "personal data": {"UBQG-7/07"},
    "ban dan": {"UBQG-8/01", "UBQG-8/02", "UBQG-7/04"},
    "chien luoc ban dan": {"UBQG-8/01", "UBQG-7/04"},
    "nen tang so": {"UBQG-3/02", "UBQG-5/01"},
    "chữ ký số": {"UBQG-7/03"},
    "trung tam du lieu quoc gia": {"UBQG-7/10"},
    "dich vu cong truc tuyen": {"UBQG-7/09"},
    "kinh te so": {"UBQG-7/06", "VPCP-2844/01"},
    "5G": {"UBQG-7/11"},
    "song di dong": {"UBQG-7/12"},
    "chia se du lieu": {"UBQG-1/03", "UBQG-101/02"},
    "an toan thong tin": {"UBQG-101/03"},
    "ke hoach chuyen doi so nam 2024": {"UBQG-7/01"},
    "nghi quyet 57": {"UBQG-10/01"},
    "thu nghiem co kiem soat": {"UBQG-7/08"},
    "nguon nhan luc ban dan": {"UBQG-8/02"},
    "semiconductor": {"UBQG-8/01", "UBQG-8/02", "UBQG-7/04"},
    "du lieu ca nh": {"UBQG-7/07"},  # still typing
}


class Command(BaseCommand):
    help = "Precision of the top 5 on a judged query set, and search time at N directives, in a throwaway database."

    def add_arguments(self, parser):
        parser.add_argument("--directives", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--json", action="store_true", dest="as_json", help="end with one JSON object")

    def handle(self, *args, directives: int, runs: int, seed: int, as_json: bool, **options):
        test_settings = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            test_settings["NAME"] = str(settings.BASE_DIR / "var" / "bench-search.sqlite3")
        else:
            test_settings["NAME"] = f"test_{connection.settings_dict['NAME']}_bench_search"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            figures = self._run(directives, runs, random.Random(seed))
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        if as_json:
            self.stdout.write(json.dumps({**figures, "cpu_reference_ms": cpu_reference_ms()}))

    def _run(self, n: int, runs: int, rng: random.Random) -> dict:
        from dxtasks.directives.models import Directive

        call_command("loaddata", *FIXTURES, verbosity=0)
        out = self.stdout
        out.write(
            f"{connection.vendor}, {len(QUERIES)} judged queries on the {Directive.objects.count()} fixture directives"
        )
        quality = {name: self._quality(search) for name, search in [("word-level", ranked), ("substring", legacy)]}
        for name, q in quality.items():
            out.write(
                f"  {name:10}  precision of the top 5: {q['precision_at_5']:.3f}   "
                f"first result relevant: {q['first_relevant']:.3f}   nothing found: {q['empty']}"
            )
        for query, line in quality["word-level"]["per_query"].items():
            out.write(f"    {query!r:38} {line}")

        started = time.perf_counter()
        self._fill(n, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        out.write(
            f"{Directive.objects.count()} directives (filled in {time.perf_counter() - started:.0f} s); "
            f"the register's search, count + first 25 by relevance, median of {runs} runs:"
        )
        timings = {}
        for query in QUERIES:
            samples, found = [], 0
            for _ in range(runs):
                t0 = time.perf_counter()
                found = register_search(query)
                samples.append((time.perf_counter() - t0) * 1000)
            timings[query] = {
                "median_ms": round(statistics.median(samples), 1),
                "min_ms": round(min(samples), 1),
                "max_ms": round(max(samples), 1),
                "found": found,
            }
            out.write(
                f"    {query!r:38} {timings[query]['median_ms']:7.1f} ms  (min {timings[query]['min_ms']:.1f},"
                f" max {timings[query]['max_ms']:.1f})  {found} found"
            )
        medians = [t["median_ms"] for t in timings.values()]
        summary = {
            "vendor": connection.vendor,
            "directives": Directive.objects.count(),
            "queries": len(QUERIES),
            "precision_at_5": quality["word-level"]["precision_at_5"],
            "first_relevant": quality["word-level"]["first_relevant"],
            "substring_precision_at_5": quality["substring"]["precision_at_5"],
            "substring_first_relevant": quality["substring"]["first_relevant"],
            "median_ms": round(statistics.median(medians), 1),
            "slowest_query_ms": max(medians),
            "slowest_query_min_ms": max(t["min_ms"] for t in timings.values()),
            "per_query": timings,
        }
        out.write(f"  median over queries {summary['median_ms']} ms, slowest query {summary['slowest_query_ms']} ms")
        return summary

    def _quality(self, search) -> dict:
        precisions, firsts, empty, per_query = [], [], 0, {}
        for query, relevant in QUERIES.items():
            top = search(query)[:5]
            hits = [ref for ref in top if ref in relevant]
            precisions.append(len(hits) / len(top) if top else 0.0)
            firsts.append(1.0 if top and top[0] in relevant else 0.0)
            empty += not top
            per_query[query] = f"top 5: {', '.join(top) or '—'}  ({len(hits)}/{len(top)} relevant)"
        return {
            "precision_at_5": round(statistics.mean(precisions), 3),
            "first_relevant": round(statistics.mean(firsts), 3),
            "empty": empty,
            "per_query": per_query,
        }

    def _fill(self, n: int, rng: random.Random) -> None:
        """Directives written with the fixtures' own vocabulary, so that queries find many of them."""
        from dxtasks.directives.folding import fold
        from dxtasks.directives.models import Agency, Directive

        fixtures = list(Directive.objects.all())
        words = [w for d in fixtures for w in re.findall(r"\w+", f"{d.title_vi} {d.full_text}")]
        agencies = list(Agency.objects.filter(active=True))
        batch = []
        for i in range(n):
            title = " ".join(rng.choice(words) for _ in range(rng.randrange(6, 14))).capitalize()
            text = " ".join(rng.choice(words) for _ in range(rng.randrange(20, 60))) + "."
            reference = f"SYN-{i // 12 + 1}/{i % 12 + 1:02}"
            assigned = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randrange(0, 1800))
            batch.append(
                Directive(
                    reference=reference,
                    title_vi=title,
                    title_en="",
                    full_text=text,
                    lead_agency=rng.choice(agencies),
                    assigned_on=assigned,
                    deadline_text=f"{assigned + datetime.timedelta(days=365):%d/%m/%Y}",
                    due_date=assigned + datetime.timedelta(days=365),
                    deadline_precision="day",
                    search_text=fold(f"{reference} {title}"),  # bulk_create skips the pre_save signal
                )
            )
            if len(batch) == 5000:
                Directive.objects.bulk_create(batch)
                batch = []
        Directive.objects.bulk_create(batch)


def ranked(query: str) -> list[str]:
    from dxtasks.directives.models import Directive
    from dxtasks.directives.search import search_directives
    from dxtasks.portal.forms import SORTS

    return list(
        search_directives(Directive.objects.all(), query)
        .order_by(*SORTS["relevance"])
        .values_list("reference", flat=True)[:25]
    )


def legacy(query: str) -> list[str]:
    """The search this replaced: every folded word a substring of reference + titles, register order."""
    from dxtasks.directives.folding import fold
    from dxtasks.directives.models import Directive
    from dxtasks.portal.forms import SORTS

    condition = Q()
    for word in fold(query).split()[:10]:
        condition &= Q(search_text__contains=word)
    return list(Directive.objects.filter(condition).order_by(*SORTS["due"]).values_list("reference", flat=True)[:25])


def register_search(query: str) -> int:
    """What the register does for ?q=: status annotated, count, first page by relevance."""
    from dxtasks.directives.models import Directive
    from dxtasks.directives.search import search_directives
    from dxtasks.directives.status import annotate_status
    from dxtasks.portal.forms import SORTS

    queryset = search_directives(annotate_status(Directive.objects.all()), query).order_by(*SORTS["relevance"])
    found = queryset.count()
    list(queryset.select_related("lead_agency")[:25])
    return found

"""manage.py benchmark_briefing [--directives 2000] [--out FILE.pdf] [--json]

Creates N synthetic directives of the current year inside a transaction,
renders the overall briefing, prints where the time went and the peak memory,
then rolls everything back. Run it on a throwaway database (see docs).
With --json the last line is one JSON object: seconds, peak_mb,
share_outside_weasyprint (a fraction) and the stage times.
"""

import datetime
import json
import random
import resource
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from dxtasks.benchmarking import cpu_reference_ms
from dxtasks.briefings.content import make_spec
from dxtasks.briefings.rendering import render
from dxtasks.directives.models import (
    Agency,
    AgencyKind,
    DeadlineChange,
    Directive,
    Pillar,
    Precision,
    ProgressUpdate,
    State,
)

SUBJECTS = [
    "Hoàn thiện cơ sở dữ liệu quốc gia về dân cư và kết nối với hệ thống thông tin giải quyết thủ tục hành chính",
    "Xây dựng nghị định về chia sẻ, khai thác dữ liệu giữa các bộ, ngành và địa phương",
    "Triển khai dịch vụ công trực tuyến toàn trình cho các thủ tục hành chính thiết yếu",
    "Đánh giá mức độ chuyển đổi số của bộ, ngành, địa phương và công bố kết quả",
    "Phủ sóng di động tại các thôn, bản vùng lõm sóng và thương mại hóa mạng 5G",
    "Đề xuất cơ chế thử nghiệm có kiểm soát cho các sản phẩm công nghệ số mới",
    "Bảo đảm an toàn thông tin theo cấp độ cho hệ thống thông tin của cơ quan nhà nước",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực",
]


class Rollback(Exception):
    pass


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Command(BaseCommand):
    help = "Time an overall briefing of N synthetic directives (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--directives", type=int, default=2000)
        parser.add_argument("--out", help="also write the PDF here, to look at it")
        parser.add_argument("--lang", default="vi")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="end with one JSON object of the figures"
        )

    def handle(self, *args, directives, out, lang, as_json: bool = False, **options):
        started_rss = peak_rss_mb()
        try:
            with transaction.atomic():
                made = self._make_data(directives)
                rss_before = peak_rss_mb()
                spec = make_spec(kind="overall", language=lang)
                wall = time.perf_counter()
                rendered = render(spec)
                wall = time.perf_counter() - wall
                if out:
                    with open(out, "wb") as handle:
                        handle.write(rendered.pdf)
                raise Rollback
        except Rollback:
            pass
        outside = rendered.data_seconds + rendered.template_seconds
        weasy = rendered.layout_seconds + rendered.write_seconds
        peak = peak_rss_mb()
        lines = [
            f"directives created:          {made}",
            f"directives in the briefing:  {rendered.directive_count}",
            f"pages:                       {rendered.page_count}",
            f"PDF size:                    {len(rendered.pdf) / 1024:.0f} KiB",
            f"queries + content (s):       {rendered.data_seconds:.2f}",
            f"template to HTML (s):        {rendered.template_seconds:.2f}",
            f"WeasyPrint layout (s):       {rendered.layout_seconds:.2f}",
            f"WeasyPrint PDF writing (s):  {rendered.write_seconds:.2f}",
            f"total (s):                   {wall:.2f}",
            f"outside WeasyPrint:          {outside / (outside + weasy) * 100:.1f}%",
            f"peak RSS (MB):               {peak:.0f} (at start {started_rss:.0f}, after data {rss_before:.0f})",
        ]
        self.stdout.write("\n".join(lines))
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "directives": rendered.directive_count,
                        "created": made,
                        "pages": rendered.page_count,
                        "seconds": round(wall, 3),
                        "peak_mb": round(peak, 1),
                        "share_outside_weasyprint": round(outside / (outside + weasy), 4),
                        "data_s": round(rendered.data_seconds, 3),
                        "template_s": round(rendered.template_seconds, 3),
                        "layout_s": round(rendered.layout_seconds, 3),
                        "write_s": round(rendered.write_seconds, 3),
                        "pdf_bytes": len(rendered.pdf),
                        "cpu_reference_ms": cpu_reference_ms(),
                    }
                )
            )

    def _make_data(self, count: int) -> int:
        """Bulk-inserted (not via services: this is throwaway data), shaped like a real year."""
        rng = random.Random(20231228)
        today = timezone.localdate()
        start = today.replace(month=1, day=1)
        agencies = list(Agency.objects.filter(active=True)[:40])
        for n in range(len(agencies), 30):
            agencies.append(
                Agency.objects.create(
                    code=f"BENCH-{n}",
                    name_vi=f"Bộ thử nghiệm số {n}",
                    name_en=f"Bench ministry {n}",
                    short_name_vi=f"BTN{n}",
                    kind=AgencyKind.MINISTRY,
                )
            )
        rows = []
        span = max((today - start).days, 1)
        for n in range(count):
            assigned = start + datetime.timedelta(days=rng.randrange(span))
            roll = rng.random()
            due = assigned + datetime.timedelta(days=rng.choice([30, 60, 90, 180, 270, 365]))
            precision, text = Precision.DAY, f"trước ngày {due:%d/%m/%Y}"
            completed = None
            if roll < 0.1:
                due, precision, text = None, Precision.ONGOING, "thường xuyên"
            elif roll < 0.55 and due and assigned < today:
                completed = min(today, assigned + datetime.timedelta(days=rng.randrange(10, 400)))
            rows.append(
                Directive(
                    reference=f"BENCH-{n:05d}",
                    title_vi=f"{rng.choice(SUBJECTS)} (đợt {n % 7 + 1})",
                    lead_agency=rng.choice(agencies),
                    pillar=rng.choice(list(Pillar)).value,
                    assigned_on=assigned,
                    deadline_text=text,
                    due_date=due,
                    deadline_precision=precision,
                    state=State.COMPLETED if completed else State.OPEN,
                    completed_on=completed,
                    outcome="Đã ban hành văn bản" if completed else "",
                )
            )
        Directive.objects.bulk_create(rows, batch_size=500)
        made = Directive.objects.filter(reference__startswith="BENCH-")
        now = timezone.now()
        ProgressUpdate.objects.bulk_create(
            [
                ProgressUpdate(
                    directive=d,
                    reported_at=now,
                    percent=rng.randrange(0, 95),
                    note="Đang hoàn thiện dự thảo, lấy ý kiến các bộ, ngành liên quan",
                )
                for d in made.filter(state=State.OPEN, due_date__lt=today)
            ],
            batch_size=500,
        )
        DeadlineChange.objects.bulk_create(
            [
                DeadlineChange(
                    directive=d,
                    old_due=d.due_date - datetime.timedelta(days=60),
                    new_due=d.due_date,
                    old_deadline_text="trong quý trước",
                    new_deadline_text=d.deadline_text,
                    reason="Gia hạn theo đề nghị của cơ quan chủ trì",
                    approved_at=now,
                )
                for d in made.filter(state=State.OPEN, due_date__isnull=False)[:100]
            ],
        )
        return len(rows)

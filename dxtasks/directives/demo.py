"""Demo accounts and directives, so a new user sees a living system.

Deadlines are relative to the day `bootstrap --demo` first runs: some
overdue, some due in 1, 7 and 30 days, some completed, one ongoing. Rows are
created once (by username or reference) and never changed by later runs.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from dxtasks.accounts.models import Role, User

from . import events, services
from .models import Agency, AgencyKind, Directive, Share, State

# Demo passwords are fixed and printed: this is demo data, never production.
DEMO_ACCOUNTS = [
    # username, password, role, agency code, full name
    ("secretariat", "demo-secretariat", Role.SECRETARIAT, "MOST", "Nguyễn Thu Hà"),
    ("mps.focal", "demo-mps-focal", Role.FOCAL_POINT, "MPS", "Trần Minh Quân"),
    ("sbv.focal", "demo-sbv-focal", Role.FOCAL_POINT, "SBV", "Lê Phương Anh"),
    ("viewer", "demo-viewer", Role.VIEWER, None, "Phạm Đức Long"),
]

# Believable source documents (invented numbers, the real formats) instead of developer text.
DEMO_SOURCES = {
    "MPS": "Công văn 1024/BCA-C06 ngày 15/09/2025 về triển khai Đề án 06 (dữ liệu mẫu)",
    "SBV": "Công văn 7315/NHNN-TT ngày 22/09/2025 về thanh toán không dùng tiền mặt (dữ liệu mẫu)",
}

DEMO_AGENCY_CONTACTS = {
    "MPS": ("dau-moi@bca.example.gov.vn", "lanh-dao@bca.example.gov.vn"),
    "SBV": ("dau-moi@nhnn.example.gov.vn", "lanh-dao@nhnn.example.gov.vn"),
}


def _directives(today: datetime.date):
    d = lambda days: f"{today + datetime.timedelta(days=days):%d/%m/%Y}"  # noqa: E731
    # reference, owner, lead, co, pillar, title_vi, title_en, deadline_text, completed days ago
    return [
        (
            "DEMO-01",
            "mps.focal",
            "MPS",
            ["MOST"],
            "government",
            "Kết nối Cơ sở dữ liệu quốc gia về dân cư với hệ thống bảo hiểm y tế",
            "Connect the national population database with health insurance",
            d(-20),
            None,
        ),
        (
            "DEMO-02",
            "sbv.focal",
            "SBV",
            [],
            "economy",
            "Hướng dẫn mở tài khoản thanh toán trực tuyến bằng định danh điện tử",
            "Guidance on opening payment accounts online with electronic identity",
            d(-3),
            None,
        ),
        (
            "DEMO-03",
            "mps.focal",
            "MPS",
            ["SBV"],
            "society",
            "Báo cáo kết quả xác thực tài khoản VNeID mức độ 2",
            "Report on level-2 VNeID account verification",
            d(1),
            None,
        ),
        (
            "DEMO-04",
            "sbv.focal",
            "SBV",
            ["MPS"],
            "economy",
            "Triển khai đối soát giao dịch thanh toán không dùng tiền mặt",
            "Roll out reconciliation of cashless payment transactions",
            d(7),
            None,
        ),
        (
            "DEMO-05",
            "mps.focal",
            "MPS",
            [],
            "government",
            "Rà soát an toàn thông tin các hệ thống cấp độ 4",
            "Security review of level-4 information systems",
            d(30),
            None,
        ),
        (
            "DEMO-06",
            "sbv.focal",
            "SBV",
            [],
            "economy",
            "Báo cáo số liệu thanh toán di động quý",
            "Quarterly mobile payment statistics",
            d(-10),
            12,
        ),
        (
            "DEMO-07",
            "mps.focal",
            "MPS",
            [],
            "government",
            "Cập nhật dữ liệu căn cước cho các bộ, ngành",
            "Keep identity data current for ministries",
            "thường xuyên",
            None,
        ),
        (
            "DEMO-08",
            "sbv.focal",
            "SBV",
            ["MOF"],
            "economy",
            "Đề xuất cơ chế chia sẻ dữ liệu tín dụng",
            "Propose a credit data sharing mechanism",
            "sớm",
            None,
        ),
    ]


@transaction.atomic
def create_demo(today: datetime.date | None = None, stdout=None) -> list[tuple[str, str, bool]]:
    """Create what is missing; return (username, password, created) per account."""
    today = today or timezone.localdate()
    accounts = []
    for username, password, role, agency_code, full_name in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            first, _, last = full_name.rpartition(" ")
            user = User.objects.create_user(
                username=username,
                password=password,
                role=role,
                email=f"{username}@example.gov.vn",
                agency=Agency.objects.get(code=agency_code) if agency_code else None,
                first_name=last,
                last_name=first,
            )
        accounts.append((username, password, created))
    for code, (contact, leadership) in DEMO_AGENCY_CONTACTS.items():
        Agency.objects.filter(code=code, contact_email="").update(contact_email=contact)
        Agency.objects.filter(code=code, leadership_email="").update(leadership_email=leadership)

    secretariat = User.objects.get(username="secretariat")
    start = today - datetime.timedelta(days=60)
    with events.muted():  # demo rows are seed data, not news for anyone's inbox
        _demo_directives(today, start, secretariat)
        _demo_shares(secretariat)
    return accounts


def _demo_directives(today, start, secretariat) -> None:
    for ref, owner, lead, co, pillar, title_vi, title_en, deadline_text, completed_ago in _directives(today):
        if Directive.objects.filter(reference=ref).exists():
            continue
        directive = services.create_directive(
            by=secretariat,
            reference=ref,
            title_vi=title_vi,
            title_en=title_en,
            pillar=pillar,
            lead_agency=Agency.objects.get(code=lead),
            co_agencies=Agency.objects.filter(code__in=co),
            owner=User.objects.get(username=owner),
            deadline_text=deadline_text,
            assigned_on=start,
            source_ref=DEMO_SOURCES[lead],
        )
        if ref in ("DEMO-01", "DEMO-04"):
            services.record_progress(
                directive=directive,
                by=directive.owner,
                percent=40,
                note="Đã hoàn thành khảo sát, đang xây dựng dự thảo.",
            )
        if completed_ago is not None:
            services.complete_directive(
                directive=directive,
                by=secretariat,
                completed_on=today - datetime.timedelta(days=completed_ago),
                outcome="Báo cáo đã gửi Văn phòng Chính phủ.",
            )


# UBQG-10/01 (each ministry and province issues its plan for Resolution 57, by 28/02/2025): most have
# done it, some late; the State Bank, the Ministry of Public Security and a few others have not.
SHARES_LEFT_OPEN = {"SBV", "MPS", "MOIT", "MOH", "MOC"}
PROVINCES_LATE, PROVINCES_OPEN = 10, 8


def _demo_shares(secretariat) -> None:
    for code, username in (("MPS", "mps.focal"), ("SBV", "sbv.focal")):
        for share in Share.objects.filter(agency__code=code, owner__isnull=True):
            services.assign_share(share=share, by=secretariat, owner=User.objects.get(username=username))
    directive = Directive.objects.filter(reference="UBQG-10/01").first()
    if directive is None or not directive.is_collective or directive.shares.exclude(state=State.OPEN).exists():
        return
    central = directive.shares.exclude(agency__kind=AgencyKind.PROVINCE).exclude(agency__code__in=SHARES_LEFT_OPEN)
    provinces = list(directive.shares.filter(agency__kind=AgencyKind.PROVINCE).order_by("agency__code"))
    late = provinces[:PROVINCES_LATE]
    on_time = list(central) + provinces[PROVINCES_LATE + PROVINCES_OPEN :]
    for share, day in [(s, datetime.date(2025, 2, 26)) for s in on_time] + [
        (s, datetime.date(2025, 4, 15)) for s in late
    ]:
        services.complete_directive(
            directive=directive, share=share, by=secretariat, completed_on=day, outcome="Kế hoạch đã ban hành."
        )

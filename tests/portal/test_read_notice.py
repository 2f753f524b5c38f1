"""`manage.py read_notice`: prints the drafted directives; --commit saves all of them or none."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dxtasks.directives.models import Directive, Meeting

NOTICES = Path(__file__).parent.parent / "directives" / "notices"
pytestmark = pytest.mark.django_db

KEYS = {
    "title_vi",
    "lead_agency",
    "collective",
    "addressees",
    "co_agencies",
    "deadline_text",
    "due_date",
    "precision",
    "item",
    "excerpt",
    "flags",
    "members",
}

CURRENT = """Số: 60/TB-VPCP
Hà Nội, ngày 23 tháng 02 năm 2025
THÔNG BÁO
Kết luận tại Phiên họp thứ 10 của Ủy ban Quốc gia về chuyển đổi số
1. Bộ Công an chủ trì, phối hợp với NHNN làm sạch dữ liệu tài khoản ngân hàng; hoàn thành trong quý II.
2. Các bộ, ngành, địa phương ban hành kế hoạch thực hiện Nghị quyết 57 trong tháng 3/2025.
3. Bộ Tài chính khẩn trương hướng dẫn việc thuê dịch vụ công nghệ thông tin.
"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(*args) -> str:
    out = StringIO()
    call_command("read_notice", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_gives_the_meeting_and_every_drafted_directive(seed_data):
    printed = json.loads(run(str(NOTICES / "tb-203-2024-premerger.txt"), "--format", "json"))
    assert printed["meeting"] == {
        "number": 8,
        "session": 8,
        "date": "2024-04-24",
        "committee": "ncdt",
        "notice_ref": "203/TB-VPCP",
        "notice_date": "2024-05-06",
        "existing": True,
    }
    directives = printed["directives"]
    assert len(directives) == 9 and all(set(d) == KEYS for d in directives)
    assert directives[1] == {
        "title_vi": "Xây dựng cơ sở dữ liệu về tài nguyên số",
        "lead_agency": "MIC",
        "collective": False,
        "addressees": None,
        "members": [],
        "co_agencies": ["MONRE"],
        "deadline_text": "hoàn thành trong quý III/2024",
        "due_date": "2024-09-30",
        "precision": "quarter",
        "item": "II.1.b",
        "excerpt": "Chủ trì, phối hợp với Bộ Tài nguyên và Môi trường xây dựng cơ sở dữ liệu về tài nguyên số; "
        "hoàn thành trong quý III/2024.",
        "flags": [
            "agency merged on 01/03/2025 → MOST: 'Bộ Thông tin và Truyền thông'",
            "agency merged on 01/03/2025 → MAE: 'Bộ Tài nguyên và Môi trường'",
        ],
    }
    # "UBND tỉnh Quảng Ninh, UBND thành phố Đà Nẵng chia sẻ kinh nghiệm …": each province a share of its own
    assert (
        directives[8]["collective"],
        directives[8]["addressees"],
        directives[8]["members"],
        directives[8]["co_agencies"],
    ) == (True, "EACH", ["QUANG-NINH", "DA-NANG"], [])
    assert Directive.objects.filter(meeting__number=8).count() == 2  # the fixtures' own; nothing saved


def test_table_lists_items_and_flags(seed_data):
    printed = run(str(NOTICES / "tb-56-2025-collective.txt"))
    assert "9 directives drafted" in printed
    assert "! agency name unknown: 'Tập đoàn Viettel'" in printed


def test_commit_saves_every_directive_in_one_go(seed_data, tmp_path):
    notice = tmp_path / "tb-60.txt"
    notice.write_text(CURRENT, encoding="utf-8")
    before = Directive.objects.count()
    run(str(notice), "--meeting", "10", "--commit")
    saved = list(Directive.objects.filter(meeting__number=10).exclude(reference="UBQG-10/01").order_by("reference"))
    assert Directive.objects.count() == before + 3
    assert [
        (d.reference, d.lead_agency.code, d.deadline_text, str(d.due_date), d.deadline_precision) for d in saved
    ] == [
        ("UBQG-10/02", "MPS", "trong quý II/2025", "2025-06-30", "quarter"),
        ("UBQG-10/03", "ALL", "trong tháng 3/2025", "2025-03-31", "month"),
        ("UBQG-10/04", "MOF", "khẩn trương", "None", "asap"),
    ]
    assert [a.code for a in saved[0].co_agencies.all()] == ["SBV"]
    assert saved[0].full_text.startswith("Bộ Công an chủ trì")
    assert saved[0].source_ref == "Thông báo 60/TB-VPCP"
    assert not Meeting.objects.get(number=10).notice_file  # a .txt is not a document the meeting keeps


def test_commit_keeps_a_word_notice_with_the_meeting(seed_data, tmp_path):
    import docx

    document = docx.Document()
    for line in CURRENT.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "tb-60.docx"
    document.save(path)
    Meeting.objects.filter(number=10).update(notice_ref="")
    run(str(path), "--meeting", "10", "--commit")
    meeting = Meeting.objects.get(number=10)
    assert meeting.notice_ref == "60/TB-VPCP"
    assert meeting.notice_file.name.endswith(".docx") and meeting.notice_file.read() == path.read_bytes()
    assert meeting.directives.count() == 4


def test_commit_saves_nothing_when_any_directive_is_refused(seed_data):
    before = Directive.objects.count()
    with pytest.raises(CommandError, match="nothing saved: 8 of 9 directives refused"):
        # merged agencies can't take new directives; Quảng Ninh could, but it is all or nothing
        run(str(NOTICES / "tb-203-2024-premerger.txt"), "--commit")
    assert Directive.objects.count() == before
    assert Meeting.objects.get(number=8).notice_ref == "203/TB-VPCP"


def test_commit_needs_a_registered_meeting(seed_data, tmp_path):
    notice = tmp_path / "tb.txt"
    notice.write_text(
        CURRENT.replace("Phiên họp thứ 10", "Phiên họp thứ 12").replace("60/TB-VPCP", "99/TB-VPCP"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="--commit needs the meeting"):
        run(str(notice), "--commit")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "Tệp trống"),
        ("renamed.docx", b"\x89PNG\r\n" + b"\x00" * 64, "không phải tệp Word"),
        ("nothing.txt", "Hôm nay trời đẹp.".encode(), "Không tìm thấy nhiệm vụ nào"),
    ],
)
def test_bad_files_get_a_clear_message(seed_data, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path))

"""/import/notice/: paste or upload a notice, review the drafted directives, save them all or none."""

import io
from pathlib import Path

import pytest
from django.test import Client

from dxtasks.accounts.models import Role
from dxtasks.directives.models import Directive, Meeting

NOTICES = Path(__file__).parent.parent / "directives" / "notices"
pytestmark = pytest.mark.django_db

CURRENT = """Số: 60/TB-VPCP
Hà Nội, ngày 23 tháng 02 năm 2025
THÔNG BÁO
Kết luận tại Phiên họp thứ 10 của Ủy ban Quốc gia về chuyển đổi số
1. Bộ Công an chủ trì, phối hợp với NHNN làm sạch dữ liệu tài khoản ngân hàng; hoàn thành trong quý II.
2. Các bộ, ngành, địa phương ban hành kế hoạch thực hiện Nghị quyết 57 trong tháng 3/2025.
3. Tập đoàn FPT hỗ trợ các địa phương triển khai nền tảng số; hoàn thành trong năm 2025.
"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def secretariat(seed_data, user_factory):
    client = Client()
    client.force_login(user_factory(Role.SECRETARIAT, username="sec"))
    return client


def rows_of(response) -> list[dict]:
    return [
        {
            "title_vi": r["draft"]["title_vi"],
            "lead_agency": r["draft"]["lead_agency"],
            "co_agencies": r["draft"]["co_agencies"],
            "deadline": r["draft"]["deadline"],
        }
        for r in response.context["rows"]
    ]


def review_post(response, meeting: Meeting, rows: list[dict]) -> dict:
    data = {
        "meeting": meeting.pk,
        "form-TOTAL_FORMS": len(rows),
        "form-INITIAL_FORMS": len(rows),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 500,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            if key in ("keep", "merge", "split"):
                if value:
                    data[f"form-{i}-{key}"] = "on"
            else:
                data[f"form-{i}-{key}"] = value
    return data


def test_paste_review_and_save(secretariat):
    response = secretariat.post("/import/notice/", {"text": CURRENT}, follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/import/notice/review/"
    page = response.content.decode()
    assert "Thông báo số 60/TB-VPCP" in page and "Tên cơ quan không có trong danh mục: “Tập đoàn FPT”." in page
    assert "<mark>hoàn thành trong quý II</mark>" in page  # the deadline phrase highlighted in the excerpt
    assert response.context["meeting_form"]["meeting"].initial == Meeting.objects.get(number=10).pk
    rows = [{**row, "keep": True} for row in rows_of(response)]
    assert rows[0] == {
        "title_vi": "Làm sạch dữ liệu tài khoản ngân hàng",
        "lead_agency": "MPS",
        "co_agencies": "SBV",
        "deadline": "trong quý II/2025",
        "keep": True,
    }
    rows[2]["keep"] = False  # FPT is not an agency of the register: drop the row
    rows[1]["title_vi"] = "Ban hành kế hoạch thực hiện Nghị quyết 57-NQ/TW"
    before = Directive.objects.count()
    saved = secretariat.post("/import/notice/review/", review_post(response, Meeting.objects.get(number=10), rows))
    assert saved.status_code == 302 and saved["Location"] == "/meetings/10/"
    assert Directive.objects.count() == before + 2
    titles = list(
        Directive.objects.filter(reference__in=["UBQG-10/02", "UBQG-10/03"])
        .order_by("reference")
        .values_list("title_vi", "lead_agency__code", "due_date")
    )
    assert [t[:2] for t in titles] == [
        ("Làm sạch dữ liệu tài khoản ngân hàng", "MPS"),
        ("Ban hành kế hoạch thực hiện Nghị quyết 57-NQ/TW", "ALL"),
    ]
    assert "portal_notice" not in secretariat.session


COLLECTIVE = """Số: 61/TB-VPCP
Hà Nội, ngày 23 tháng 02 năm 2025
THÔNG BÁO
Kết luận tại Phiên họp thứ 10 của Ủy ban Quốc gia về chuyển đổi số
1. Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ rà soát thủ tục hành chính nội bộ trong tháng 4/2025.
2. Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương ban hành kế hoạch số hóa hồ sơ trong tháng 5/2025.
3. Bộ Công an, Bộ Tư pháp, Bộ Y tế xây dựng cơ sở dữ liệu chuyên ngành trong quý III/2025.
"""


def test_collective_addressees_are_saved_as_one_share_per_agency(secretariat):
    from dxtasks.directives import groups

    before = set(Directive.objects.values_list("pk", flat=True))
    response = secretariat.post("/import/notice/", {"text": COLLECTIVE}, follow=True)
    rows = [{**row, "keep": True} for row in rows_of(response)]
    assert [r["lead_agency"] for r in rows] == ["ALL-MINISTRIES", "ALL-PROVINCES", "MPS; MOJ; MOH"]
    assert "Giao cho từng cơ quan: mỗi cơ quan được giao một phần việc riêng." in response.content.decode()
    saved = secretariat.post("/import/notice/review/", review_post(response, Meeting.objects.get(number=10), rows))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    made = {d.addressees: d for d in Directive.objects.exclude(pk__in=before)}
    assert set(made) == {groups.ALL_MINISTRIES, groups.ALL_PROVINCES, groups.EACH}
    central = made[groups.ALL_MINISTRIES].shares.values_list("agency__kind", flat=True)
    assert len(central) > 20 and set(central) == {"ministry", "ministerial", "government"}
    assert made[groups.ALL_PROVINCES].shares.count() == 63  # assigned at meeting 10 (02/2025): before the mergers
    assert set(made[groups.EACH].shares.values_list("agency__code", flat=True)) == {"MPS", "MOJ", "MOH"}
    assert not made[groups.EACH].co_agencies.exists()


def test_one_bad_row_saves_nothing_and_says_which(secretariat):
    response = secretariat.post("/import/notice/", {"text": CURRENT}, follow=True)
    rows = [{**row, "keep": True} for row in rows_of(response)]  # FPT row kept, with no lead agency
    before = Directive.objects.count()
    refused = secretariat.post("/import/notice/review/", review_post(response, Meeting.objects.get(number=10), rows))
    assert refused.status_code == 400 and Directive.objects.count() == before
    assert refused.context["rows"][2]["errors"] == ["Thiếu mã cơ quan chủ trì."]
    assert refused.context["rows"][0]["errors"] == []
    assert "Chưa lưu nhiệm vụ nào: 1 dòng có lỗi" in refused.content.decode()


def test_merge_folds_a_row_into_the_one_above(secretariat):
    response = secretariat.post("/import/notice/", {"text": CURRENT}, follow=True)
    rows = [{**row, "keep": True} for row in rows_of(response)]
    rows[2]["merge"] = True
    secretariat.post("/import/notice/review/", review_post(response, Meeting.objects.get(number=10), rows))
    plan = Directive.objects.get(reference="UBQG-10/03")
    assert "Tập đoàn FPT hỗ trợ" in plan.full_text and not Directive.objects.filter(reference="UBQG-10/04").exists()


def test_split_gives_one_directive_per_title_line(secretariat):
    response = secretariat.post("/import/notice/", {"text": CURRENT}, follow=True)
    rows = [{**row, "keep": True} for row in rows_of(response)]
    rows[2]["keep"] = False
    rows[0]["title_vi"] = "Làm sạch dữ liệu thuê bao di động\nLàm sạch dữ liệu tài khoản ngân hàng"
    rows[0]["split"] = True
    secretariat.post("/import/notice/review/", review_post(response, Meeting.objects.get(number=10), rows))
    saved = list(
        Directive.objects.filter(reference__in=["UBQG-10/02", "UBQG-10/03", "UBQG-10/04"])
        .order_by("reference")
        .values_list("title_vi", "lead_agency__code", "deadline_text")
    )
    assert saved == [
        ("Làm sạch dữ liệu thuê bao di động", "MPS", "trong quý II/2025"),
        ("Làm sạch dữ liệu tài khoản ngân hàng", "MPS", "trong quý II/2025"),
        ("Ban hành kế hoạch thực hiện Nghị quyết 57", "ALL", "trong tháng 3/2025"),
    ]


def test_upload_of_a_word_notice_keeps_it_with_the_meeting(secretariat):
    import docx

    document = docx.Document()
    for line in CURRENT.splitlines()[:5]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    buffer.name = "tb-60.docx"
    response = secretariat.post("/import/notice/", {"file": buffer}, follow=True)
    rows = [{**row, "keep": True} for row in rows_of(response)]
    Meeting.objects.filter(number=10).update(notice_ref="")
    secretariat.post("/import/notice/review/", review_post(response, Meeting.objects.get(number=10), rows))
    meeting = Meeting.objects.get(number=10)
    assert meeting.notice_ref == "60/TB-VPCP" and meeting.notice_file.name.endswith(".docx")


def upload(name: str, content: bytes):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Chưa có nội dung"),
        ({"text": "Bộ Công an chủ trì. " * 260_000}, "quá dài"),
        ({"text": "Hôm nay trời đẹp, chúng tôi đi dạo."}, "Không tìm thấy nhiệm vụ nào"),
        ({"file": upload("tb.docx", b"\x89PNG\r\n" + bytes(300))}, "không phải tệp Word .docx"),
        ({"file": upload("tb.pdf", b"%PDF-1.7 broken")}, "tệp hỏng"),
        ({"file": upload("tb.exe", b"MZ")}, "Chỉ nhận tệp .txt, .docx hoặc .pdf"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(secretariat, data, message):
    before = Directive.objects.count()
    response = secretariat.post("/import/notice/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert Directive.objects.count() == before and "portal_notice" not in secretariat.session


def test_a_password_protected_pdf_is_refused(secretariat):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    response = secretariat.post("/import/notice/", {"file": upload("tb.pdf", buffer.getvalue())})
    assert response.status_code == 400 and "có mật khẩu" in response.content.decode()


def test_review_without_a_draft_goes_back_to_the_start(secretariat):
    response = secretariat.get("/import/notice/review/")
    assert response.status_code == 302 and response["Location"] == "/import/notice/"


def test_only_the_secretariat_reads_notices(seed_data, user_factory):
    client = Client()
    client.force_login(user_factory(Role.VIEWER, username="reader"))
    assert client.get("/import/notice/").status_code == 403
    assert client.post("/import/notice/", {"text": CURRENT}).status_code == 403

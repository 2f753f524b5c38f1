"""`briefing --meeting 7` on the real fixtures: the directives, their real outcomes, the figures."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from dxtasks.directives.models import Directive

from .expected import expected_counts, percent_vi
from .pdftext import embedded_fonts, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting7_pdf(seed_data, tmp_path):
    out = tmp_path / "b.pdf"
    call_command("briefing", "--meeting", "7", "--out", str(out), stdout=open(tmp_path / "log", "w"))
    return out.read_bytes()


def test_meeting_briefing_lists_every_directive_of_the_meeting_with_its_outcome(meeting7_pdf):
    text = pdf_text(meeting7_pdf)
    directives = Directive.objects.filter(meeting__number=7)
    assert directives.count() >= 5
    for directive in directives:
        assert directive.reference in text
    # The real outcomes, completed after their deadlines (domain-facts.md).
    assert "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15" in text or "91/2025/QH15" in text
    assert "94/2025/NĐ-CP" in text
    assert "71/2025/QH15" in text
    assert "Hoàn thành quá hạn" in text
    assert "26/06/2025" in text  # completed on, Vietnamese date format


def test_meeting_briefing_prints_vietnamese_names_and_deadlines_exactly(meeting7_pdf):
    text = pdf_text(meeting7_pdf)
    assert "Bộ Công an" in text
    assert "Ngân hàng Nhà nước Việt Nam" in text
    assert "quý II/2024" in text
    assert "Phiên họp thứ 7 của Ủy ban Quốc gia về chuyển đổi số" in text
    assert "28/12/2023" in text  # the meeting's date
    assert "25,0%" in text  # Vietnamese decimal comma


def test_headline_figures_match_the_database(meeting7_pdf):
    today = datetime.date.today()
    counts = expected_counts(Directive.objects.filter(meeting__number=7), today)
    counted = sum(counts.values()) - counts["cancelled"]
    completed = counts["completed_on_time"] + counts["completed_late"]
    headline = pdf_pages(meeting7_pdf)[1]
    assert f"Hoàn thành đúng hạn {counts['completed_on_time']} " in headline
    assert f"Hoàn thành quá hạn {counts['completed_late']} " in headline
    assert f"Đang thực hiện trong hạn {counts['within_deadline']} " in headline
    assert f"Quá hạn {counts['overdue']} " in headline
    assert f"Không có thời hạn {counts['no_deadline']} " in headline
    assert f"Tổng số nhiệm vụ {counted}" in headline
    assert completed == 3 and counts["completed_late"] == 3  # PDPL, fintech sandbox, digital-technology law
    assert f"{percent_vi(completed, counted)} Tỉ lệ hoàn thành ({completed}/{counted})" in headline
    already_due = completed + counts["overdue"]
    assert f"{percent_vi(counts['overdue'], counted)} Quá hạn trên tổng số nhiệm vụ" in headline
    assert f"{percent_vi(counts['overdue'], already_due)} Quá hạn trên số nhiệm vụ đã đến hạn" in headline


def test_every_page_has_the_page_footer_and_generation_time(meeting7_pdf):
    pages = pdf_pages(meeting7_pdf)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in text
        assert "Lập lúc" in text
    for text in pages[1:]:  # the running header, from page 2 on
        assert "Phiên họp thứ 7 của Ủy ban Quốc gia về chuyển đổi số Số liệu đến" in text


def test_the_bundled_dejavu_font_is_embedded(meeting7_pdf):
    fonts = embedded_fonts(meeting7_pdf)
    assert fonts, "no embedded font"
    assert all(key == "/FontFile2" for _name, key, _program in fonts)  # TrueType, embedded
    # Only the @font-face family of briefing.css: no text fell back to a font of the machine.
    names = {name.split("+")[-1] for name, _key, _program in fonts}
    # (the oblique face is the cover's date line, Decree 30/2020's italics)
    assert names == {"DejaVu-Sans-Bundled", "DejaVu-Sans-Bundled-Bold", "DejaVu-Sans-Bundled-Italic"}
    # …and the programs embedded are DejaVu Sans (its name table survives subsetting).
    for _name, _key, program in fonts:
        assert b"DejaVu" in program or "DejaVu".encode("utf-16-be") in program


def test_english_edition_uses_english_names_and_dates(seed_data, tmp_path):
    out = tmp_path / "en.pdf"
    call_command("briefing", "--meeting", "7", "--lang", "en", "--out", str(out), stdout=open(tmp_path / "l", "w"))
    text = pdf_text(out.read_bytes())
    assert "Ministry of Public Security" in text
    assert "State Bank of Vietnam" in text
    assert "7th meeting of the National Committee on Digital Transformation" in text
    assert "28 Dec 2023" in text
    assert "28/12/2023" not in text
    assert "25.0%" in text and "25,0%" not in text  # English decimal point


@pytest.mark.parametrize(
    "args, message",
    [
        (["--meeting", "99"], "phiên họp số “99”"),
        (["--agency", "NOPE"], "cơ quan mã “NOPE”"),
        (["--as-of", "2999-01-01"], "tương lai"),
        (["--as-of", "2001-01-01"], "trước phiên họp đầu tiên"),
        (["--meeting", "7", "--as-of", "2023-12-27"], "diễn ra ngày 28/12/2023"),
        (["--as-of", "31/12/2024"], "YYYY-MM-DD"),
        (["--lang", "fr"], "“fr”"),
    ],
)
def test_bad_input_is_a_clear_message_and_no_pdf(seed_data, tmp_path, args, message):
    out = tmp_path / "bad.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("briefing", *args, "--out", str(out))
    assert not out.exists()

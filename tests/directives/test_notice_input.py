"""A notice's text from a paste, .txt, .docx or PDF — and a clear refusal of anything else."""

import io
from pathlib import Path

import docx
import pytest
import weasyprint
from pypdf import PdfWriter

from dxtasks.directives.notice_input import MAX_BYTES, text_from_file, text_from_paste
from dxtasks.directives.notices import NoticeError

NOTICE = (Path(__file__).parent / "notices" / "tb-412-2025-formal.txt").read_text(encoding="utf-8")


def word_file(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_file(html: str) -> bytes:
    return weasyprint.HTML(string=html).write_pdf()


def test_reads_a_txt_file_in_utf8_with_or_without_bom():
    assert text_from_file("tb.txt", NOTICE.encode("utf-8")) == NOTICE
    assert text_from_file("TB.TXT", "\ufeffBộ Công an".encode()) == "Bộ Công an"
    assert text_from_file("tb.txt", NOTICE.encode("utf-16")) == NOTICE


def test_reads_a_word_file_with_its_header_table():
    content = word_file(
        ["2. Bộ Tài chính chủ trì, hoàn thành trong quý IV/2025."],
        table=[
            ["VĂN PHÒNG CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["Số: 412/TB-VPCP", "Hà Nội, ngày 22 tháng 9 năm 2025"],
        ],
    )
    text = text_from_file("thong-bao.docx", content)
    assert "2. Bộ Tài chính chủ trì, hoàn thành trong quý IV/2025." in text
    assert "Số: 412/TB-VPCP" in text and "Hà Nội, ngày 22 tháng 9 năm 2025" in text


def test_reads_a_pdf_with_text():
    text = text_from_file(
        "tb.pdf", pdf_file("<p>Bộ Công an chủ trì, phối hợp với Bộ Tài chính; hoàn thành trong quý IV/2025.</p>")
    )
    assert "Bộ Công an chủ trì, phối hợp với Bộ Tài chính" in " ".join(text.split())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tb.docx", b"MZ\x90\x00" + bytes(range(256)) * 20, "không phải tệp Word .docx"),
        ("tb.docx", b"PK\x03\x04" + b"\x00" * 100, "không phải tệp Word .docx"),
        ("tb.pdf", b"GIF89a" + b"\x00" * 100, "không phải tệp PDF"),
        ("tb.pdf", b"%PDF-1.7\n garbage", "tệp hỏng"),
        ("tb.txt", b"\x00\x01\x02binary", "không phải văn bản"),
        ("tb.txt", b"Bo Cong an chu tri" + b"\xe0\xe1\xe2\xe3", "UTF-8"),
        ("tb.exe", b"MZ", "Chỉ nhận tệp .txt, .docx hoặc .pdf"),
        ("tb.txt", b"", "Tệp trống"),
        ("tb.txt", b" " * (MAX_BYTES + 1), "Tệp quá lớn"),
        ("tb.txt", b"   \n  ", "Chưa có nội dung"),
    ],
)
def test_refuses_a_file_that_is_not_what_it_says(name, content, message):
    with pytest.raises(NoticeError, match=message):
        text_from_file(name, content)


def test_a_scanned_pdf_without_text_gets_a_clear_message():
    scanned = pdf_file('<div style="width:10cm;height:10cm;background:#888"></div>')
    with pytest.raises(NoticeError, match="không có lớp chữ"):
        text_from_file("scan.pdf", scanned)


def test_a_password_protected_pdf_gets_a_clear_message():
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(NoticeError, match="có mật khẩu"):
        text_from_file("tb.pdf", buffer.getvalue())


def test_a_five_megabyte_paste_is_refused():
    with pytest.raises(NoticeError, match="quá dài"):
        text_from_paste("Bộ Công an chủ trì. " * 260_000)

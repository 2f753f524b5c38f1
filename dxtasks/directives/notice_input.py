"""A conclusion notice's text from what the secretariat has: a paste, .txt, .docx or a text PDF.

Every refusal is a `NoticeError` with a message for the user: an empty or
oversized input, a file that is not what its name says (a binary renamed
.docx), a password-protected PDF, a scanned PDF with no text layer.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

from .notices import MAX_CHARS, NoticeError

MAX_BYTES = 5 * 1024 * 1024  # a notice's Word or PDF file is well under 1 MB
MAX_PDF_PAGES = 200
EXTENSIONS = (".txt", ".docx", ".pdf")


def text_from_paste(text: str) -> str:
    if len(text) > MAX_CHARS:
        raise NoticeError(
            _("Văn bản dán vào quá dài (%(count)s ký tự, tối đa %(max)s).")
            % {"count": f"{len(text):,}", "max": f"{MAX_CHARS:,}"}
        )
    if not text.strip():
        raise NoticeError(_("Chưa có nội dung: hãy dán văn bản thông báo hoặc chọn tệp."))
    return text


def text_from_file(name: str, content: bytes) -> str:
    """The text of an uploaded notice file, or NoticeError saying why it cannot be read."""
    if len(content) > MAX_BYTES:
        raise NoticeError(_("Tệp quá lớn (tối đa 5 MB)."))
    if not content:
        raise NoticeError(_("Tệp trống."))
    lower = name.lower()
    if lower.endswith(".txt"):
        text = _txt(content)
    elif lower.endswith(".docx"):
        text = _docx(content)
    elif lower.endswith(".pdf"):
        text = _pdf(content)
    else:
        raise NoticeError(_("Chỉ nhận tệp .txt, .docx hoặc .pdf."))
    return text_from_paste(text)


def _txt(content: bytes) -> str:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Notepad's "Unicode"
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in content[:4096]:
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NoticeError(_("Tệp .txt phải lưu với bảng mã UTF-8.")) from None
    raise NoticeError(_("Tệp .txt này không phải văn bản."))


def _docx(content: bytes) -> str:
    import docx  # python-docx; imported here so that nothing else pays for it

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise NoticeError(_("Tệp này không phải tệp Word .docx (có thể là tệp khác đổi tên)."))
    try:
        document = docx.Document(io.BytesIO(content))
    except Exception:  # python-docx raises several kinds for a damaged or foreign package
        raise NoticeError(_("Không đọc được tệp Word: tệp hỏng hoặc không phải .docx.")) from None
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:  # notices put the header (number, date) in a two-column table
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def _pdf(content: bytes) -> str:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import PdfReadError

    if not content.lstrip()[:5] == b"%PDF-":
        raise NoticeError(_("Tệp này không phải tệp PDF."))
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:
                opened = PasswordType.NOT_DECRYPTED
            if not opened:
                raise NoticeError(_("Tệp PDF có mật khẩu: hãy bỏ mật khẩu hoặc dán nội dung vào ô văn bản."))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise NoticeError(_("Tệp PDF quá nhiều trang (tối đa %(max)s).") % {"max": MAX_PDF_PAGES})
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except NoticeError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError):
        raise NoticeError(_("Không đọc được tệp PDF: tệp hỏng.")) from None
    if len("".join(text.split())) < 20:
        raise NoticeError(
            _(
                "Tệp PDF này không có lớp chữ (có lẽ là bản scan): hãy dùng bản Word hoặc PDF có chữ, "
                "hoặc dán nội dung vào ô văn bản."
            )
        )
    return text

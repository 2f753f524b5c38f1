"""User text prints as text, and WeasyPrint reads nothing outside the static files."""

import datetime
import os
import zlib

import pytest
from django.core.management import call_command
from weasyprint import HTML

from dxtasks.briefings.fetcher import RefusedURL, StaticFilesFetcher, static_roots
from dxtasks.briefings.rendering import stylesheet_path

from .pdftext import attachments, pdf_text

pytestmark = pytest.mark.django_db

IMG = '<img src="file:///etc/passwd">'
ATTACH = '<link rel="attachment" href="file:///etc/passwd">'
PASSWD = open("/etc/passwd", "rb").read()


def _streams_contain(pdf: bytes, needle: bytes) -> bool:
    """Search the raw file and every deflated stream in it."""
    if needle in pdf:
        return True
    for chunk in pdf.split(b"stream")[1:]:
        body = chunk.split(b"endstream")[0].lstrip(b"\r\n")
        try:
            if needle in zlib.decompressobj().decompress(body):
                return True
        except zlib.error:
            continue
    return False


def test_markup_in_a_directive_title_prints_as_text_and_reads_no_file(directive_factory, tmp_path):
    directive_factory(
        title_vi=f"Tiêu đề {IMG} và {ATTACH}",
        reference="INJ-1",
        deadline_text="trong năm 2024",
        assigned_on=datetime.date(2024, 1, 2),
    )
    out = tmp_path / "b.pdf"
    call_command("briefing", "--from", "2024-01-01", "--out", str(out), stdout=open(tmp_path / "l", "w"))
    pdf = out.read_bytes()
    squeezed = "".join(pdf_text(pdf).split())  # a long title wraps anywhere, even inside the URL
    assert "".join(IMG.split()) in squeezed
    assert "".join(ATTACH.split()) in squeezed
    assert attachments(pdf) == {}
    assert not _streams_contain(pdf, PASSWD.splitlines()[0])


def test_fetcher_refuses_files_outside_the_static_roots_even_if_the_html_asks():
    """Unescaped markup straight to WeasyPrint: the fetcher is what stops it."""
    fetcher = StaticFilesFetcher()
    html = f"<p>x</p>{IMG}{ATTACH}<img src='https://example.org/x.png'><img src='../../../../etc/passwd'>"
    pdf = HTML(string=html, base_url=str(stylesheet_path().parent) + "/", url_fetcher=fetcher).write_pdf()
    assert attachments(pdf) == {}
    assert not _streams_contain(pdf, PASSWD.splitlines()[0])
    assert "file:///etc/passwd" in fetcher.refused
    assert "https://example.org/x.png" in fetcher.refused


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x.css",
        "https://example.org/font.ttf",
        "data:text/plain,hello",
        "ftp://example.org/x",
        "file://otherhost/etc/passwd",
    ],
)
def test_fetcher_refuses_other_schemes_and_files(url):
    with pytest.raises(RefusedURL):
        StaticFilesFetcher().fetch(url)


def test_fetcher_refuses_dot_dot_and_symlinks_out_of_a_root(tmp_path):
    root = tmp_path / "static"
    (root / "briefings").mkdir(parents=True)
    (root / "briefings" / "ok.css").write_text("p{}")
    os.symlink("/etc/passwd", root / "briefings" / "link.css")
    fetcher = StaticFilesFetcher(roots=[root.resolve()])
    assert fetcher.fetch((root / "briefings" / "ok.css").as_uri()).read() == b"p{}"
    with pytest.raises(RefusedURL):
        fetcher.fetch((root / "briefings" / "link.css").as_uri())
    with pytest.raises(RefusedURL):
        fetcher.fetch(f"file://{root}/briefings/../../../../etc/passwd")
    with pytest.raises(RefusedURL):
        fetcher.fetch(f"file://{root}/briefings/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd")


def test_fetcher_serves_the_bundled_font():
    font = stylesheet_path().parent / "fonts" / "DejaVuSans.ttf"
    response = StaticFilesFetcher().fetch(font.as_uri())
    assert response.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    assert any(font.resolve().is_relative_to(root) for root in static_roots())

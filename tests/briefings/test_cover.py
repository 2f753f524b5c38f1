"""The printed cover after Decree 30/2020/NĐ-CP: issuing body from the settings, national motto, number and date
lines, a title with no lone last word, a narrative summary, merged agencies marked (real WeasyPrint, pdftotext)."""

import datetime
import re
import subprocess

import pytest

from dxtasks.briefings.content import Kind, make_spec
from dxtasks.briefings.cover import date_line, no_orphan
from dxtasks.briefings.rendering import render

pytestmark = pytest.mark.django_db


def first_page(pdf: bytes, *, layout: bool = False) -> str:
    args = ["pdftotext", "-f", "1", "-l", "1"] + (["-layout"] if layout else []) + ["-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()


def test_the_cover_is_an_administrative_document(seed_data, settings):
    settings.BRIEFINGS_ISSUER = "Bộ Khoa học và Công nghệ"
    settings.BRIEFINGS_ISSUER_UNIT = "Cơ quan thường trực Ban Chỉ đạo"
    settings.BRIEFINGS_NUMBER = "125"
    pdf = render(make_spec(kind=Kind.OVERALL, as_of=datetime.date(2025, 7, 1))).pdf
    text = re.sub(r"\s+", " ", first_page(pdf))
    for expected in (
        "BỘ KHOA HỌC VÀ CÔNG NGHỆ",
        "Cơ quan thường trực Ban Chỉ đạo",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 125/BC-BKHCN",
        "Hà Nội, ngày",
        "BÁO CÁO",
        "Tất cả nhiệm vụ đang theo dõi, số liệu đến 01/07/2025",
    ):
        assert expected in text, expected
    assert re.search(r"Tính đến 01/07/2025, \d+/\d+ nhiệm vụ đã đến hạn bị quá hạn \(\d+,\d%\)\.", text)
    assert "đạt tỉ lệ" not in text
    every_page = re.sub(
        r"\s+", " ", subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    )
    assert "Bộ Thông tin và Truyền thông (đã hợp nhất vào BKHCN 01/03/2025)" in every_page  # scorecard, marked


@pytest.mark.parametrize("kind, scope", [(Kind.OVERALL, ""), (Kind.MEETING, "7"), (Kind.AGENCY, "MIC")])
def test_no_title_line_is_a_lone_word(seed_data, kind, scope):
    pdf = render(make_spec(kind=kind, scope=scope, as_of=datetime.date(2025, 7, 1))).pdf
    lines = [line.strip() for line in first_page(pdf).splitlines() if line.strip()]
    start = lines.index("BÁO CÁO") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(("Tất cả nhiệm vụ", "Nhiệm vụ ")))
    title = lines[start:end]
    assert title
    assert all(len(line.split()) > 1 for line in title), title


def test_no_orphan_binds_the_last_two_words():
    assert no_orphan("Báo cáo tình hình thực hiện nhiệm vụ").endswith("nhiệm\u00a0vụ")
    assert no_orphan("Hai từ") == "Hai từ"


def test_the_date_line_writes_small_days_and_months_with_a_zero(settings):
    settings.BRIEFINGS_PLACE = "Hà Nội"
    assert date_line(datetime.date(2026, 12, 2), "vi") == "Hà Nội, ngày 02 tháng 12 năm 2026"
    assert date_line(datetime.date(2026, 2, 15), "vi") == "Hà Nội, ngày 15 tháng 02 năm 2026"
    assert date_line(datetime.date(2026, 3, 5), "vi") == "Hà Nội, ngày 05 tháng 3 năm 2026"
    assert date_line(datetime.date(2026, 3, 5), "en") == "Ha Noi, 5 Mar 2026"  # the edition's one date style

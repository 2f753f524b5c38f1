"""Exports Excel users expect (issue 12): date cells, frozen header, autofilter, widths, days overdue, progress,
agency abbreviations in the reader's language; agency lists labelled and ordered."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dxtasks.directives import services
from dxtasks.directives.models import Agency

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_row(world, directive_factory):
    today = timezone.localdate()
    due = today - datetime.timedelta(days=12)
    directive = directive_factory(
        lead=world.lead,
        co_agencies=[world.co],
        reference="X-1",
        deadline_text=f"{due:%d/%m/%Y}",
        assigned_on=today - datetime.timedelta(days=40),
    )
    services.record_progress(directive=directive, by=world.users["secretariat"], percent=60, note="Đang trình ký")
    return directive


def test_xlsx_has_date_cells_a_frozen_header_a_filter_and_widths(world, overdue_row):
    response = client_for(world.users["viewer"]).get("/directives/export.xlsx", {"q": "X-1"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert isinstance(row["Hạn"].value, datetime.datetime)  # a date cell, not text
    assert row["Hạn"].value.date() == overdue_row.due_date and row["Hạn"].number_format == "DD/MM/YYYY"
    assert isinstance(row["Ngày giao"].value, datetime.datetime)
    assert row["Số ngày quá hạn"].value == 12
    assert row["Tiến độ gần nhất (phần trăm)"].value == 60
    assert row["Báo cáo tiến độ gần nhất"].value == "Đang trình ký"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{sheet.max_row}"
    assert sheet.column_dimensions["B"].width >= 40
    assert sheet["A1"].font.b


def test_exports_name_agencies_by_the_readers_abbreviation(seed_data, user_factory):
    client = client_for(user_factory(username="reader"))
    vi = b"".join(client.get("/directives/export.csv", {"agency": "MPS", "role": "lead"}).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(vi.lstrip("\ufeff"))))
    lead = rows[0].index("Đơn vị chủ trì")
    assert "BCA" in {r[lead] for r in rows[1:]} and "MPS" not in {r[lead] for r in rows[1:]}
    client.cookies["django_language"] = "en"
    en = b"".join(
        client.get(
            "/directives/export.csv", {"agency": "MPS", "role": "lead"}, HTTP_ACCEPT_LANGUAGE="en"
        ).streaming_content
    ).decode()
    rows = list(csv.reader(io.StringIO(en.lstrip("\ufeff"))))
    assert "MPS" in {r[lead] for r in rows[1:]} and "BCA" not in {r[lead] for r in rows[1:]}
    assert re.search(r"\d\d/\d\d/\d{4}", en)  # dates dd/mm/yyyy in CSV too


def test_provinces_before_and_after_the_merger_and_merged_ministries_are_told_apart(seed_data, user_factory):
    page = client_for(user_factory(username="reader")).get("/directives/").content.decode()
    select = re.search(r'<select name="agency".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="([A-Z0-9-]+)"[^>]*>([^<]+)</option>', select)
    labels = [label for _code, label in options]
    assert len(labels) == len(set(labels)), "two agencies share a label"
    by_code = dict(options)
    assert by_code["AN-GIANG"].startswith("An Giang (đến 30/06/2025)")
    assert by_code["AN-GIANG-2025"].startswith("An Giang (từ 01/07/2025)")
    assert by_code["MIC"].startswith("BTTTT (đã hợp nhất vào BKHCN 01/03/2025)")
    kinds = [Agency.objects.get(code=code).kind for code, _label in options]
    rank = {"ministry": 0, "ministerial": 1, "government": 2, "province": 3, "other": 4}
    assert [rank[k] for k in kinds] == sorted(rank[k] for k in kinds)

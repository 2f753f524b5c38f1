"""A past as-of date reproduces the status of that day from the history."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from dxtasks.briefings.content import build_content, make_spec
from dxtasks.directives import services
from dxtasks.directives.models import DeadlineChange, Directive

from .expected import expected_counts
from .pdftext import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def _briefing(tmp_path, *args) -> bytes:
    out = tmp_path / "b.pdf"
    call_command("briefing", *args, "--out", str(out), stdout=open(tmp_path / "log", "w"))
    return out.read_bytes()


def test_meeting_7_as_of_may_2024_shows_nothing_completed_yet(seed_data, tmp_path):
    as_of = datetime.date(2024, 5, 1)
    pdf = _briefing(tmp_path, "--meeting", "7", "--as-of", "2024-05-01")
    counts = expected_counts(Directive.objects.filter(meeting__number=7), as_of)
    assert counts["completed_late"] == 0 and counts["overdue"] >= 1
    headline = pdf_pages(pdf)[1]
    assert f"Hoàn thành quá hạn {counts['completed_late']} " in headline
    assert f"Đang thực hiện trong hạn {counts['within_deadline']} " in headline
    assert f"Quá hạn {counts['overdue']} " in headline
    text = pdf_text(pdf)
    assert "01/05/2024" in text
    assert "94/2025/NĐ-CP" not in text  # the outcome came in 2025
    # UBQG-7/05 (quý I/2024) is 31 days overdue on 1 May 2024
    overdue_section = text.split("4. Nhiệm vụ quá hạn")[1].split("5. Thời hạn")[0]
    assert "UBQG-7/05" in overdue_section and " 31 " in overdue_section


def test_next_30_days_lists_deadlines_due_after_the_as_of_date(seed_data):
    content = build_content(make_spec(kind="meeting", scope="7", as_of=datetime.date(2024, 6, 10)))
    assert [row["reference"] for row in content["upcoming"]] == ["UBQG-7/08"]
    assert content["upcoming"][0]["days_left"] == 20
    assert content["upcoming"][0]["deadline_text"] == "hoàn thành trong quý II/2024"


def test_a_later_deadline_change_is_undone_for_an_earlier_as_of_date(directive_factory, user_factory, tmp_path):
    secretariat = user_factory(role="secretariat")
    directive = directive_factory(
        reference="DL-1", deadline_text="trong năm 2024", assigned_on=datetime.date(2024, 1, 2)
    )
    services.change_deadline(
        directive=directive,
        approved_by=secretariat,
        reason="Chờ Luật được thông qua",
        new_deadline_text="trong quý II/2025",
    )
    approved = timezone.make_aware(datetime.datetime(2025, 1, 15, 10, 0))
    DeadlineChange.objects.filter(directive=directive).update(approved_at=approved)

    before = build_content(make_spec(kind="overall", as_of=datetime.date(2025, 1, 10)))
    assert [row["reference"] for row in before["overdue"]] == ["DL-1"]
    assert before["overdue"][0]["days_overdue"] == 10
    assert before["overdue"][0]["due"] == datetime.date(2024, 12, 31)
    assert before["changes"] == []  # approved after that day

    after_pdf = _briefing(tmp_path, "--as-of", "2025-02-01")
    text = pdf_text(after_pdf)
    changes = text.split("6. Điều chỉnh thời hạn trong kỳ (1)")[1]
    assert "DL-1" in changes
    assert "trong năm 2024 (31/12/2024)" in changes
    assert "trong quý II/2025 (30/06/2025)" in changes
    assert "Chờ Luật được thông qua" in changes
    assert "15/01/2025" in changes
    assert "Quá hạn 0 " in pdf_pages(after_pdf)[1]

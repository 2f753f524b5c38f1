"""Briefings follow the shares: scorecards count each agency's shares; a collective directive is listed
once with its roll-up, and the agencies late on it are named."""

import datetime

import pytest
from django.core.management import call_command

from dxtasks.accounts.models import Role
from dxtasks.briefings.content import Kind, build_content, make_spec
from dxtasks.directives import services
from dxtasks.directives.models import Directive

from .pdftext import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ubqg10(seed_data, user_factory):
    """UBQG-10/01 with every share completed on time except the State Bank's and two others."""
    secretariat = user_factory(Role.SECRETARIAT, username="sec")
    directive = Directive.objects.get(reference="UBQG-10/01")
    for share in directive.shares.exclude(agency__code__in=["SBV", "MOH", "HA-NOI"]):
        services.complete_directive(
            directive=directive, share=share, by=secretariat, completed_on=datetime.date(2025, 2, 26)
        )
    return directive


def test_the_meeting_briefing_names_the_agencies_late_on_a_collective_directive(ubqg10, tmp_path):
    meeting = ubqg10.meeting.number
    content = build_content(make_spec(kind=Kind.MEETING, scope=str(meeting)))
    [row] = [r for r in content["overdue"] if r["reference"] == "UBQG-10/01"]
    total = ubqg10.shares.count()
    assert row["roll_up"] == f"{total - 3}/{total} hoàn thành, 3 quá hạn"
    assert "Ngân hàng Nhà nước Việt Nam" in row["late_agencies"] and "Bộ Y tế" in row["late_agencies"]
    assert "Bộ Công an" not in row["late_agencies"]
    assert [r["reference"] for r in content["overdue"]].count("UBQG-10/01") == 1
    # The PDF prints them too.
    out = tmp_path / "m.pdf"
    call_command("briefing", "--meeting", str(meeting), "--out", str(out), stdout=open(tmp_path / "log", "w"))
    text = pdf_text(out.read_bytes())
    assert "Ngân hàng Nhà nước Việt Nam" in text and f"{total - 3}/{total} hoàn thành" in text


def test_scorecards_put_each_late_share_on_its_agencys_line(ubqg10):
    content = build_content(make_spec(kind=Kind.MEETING, scope=str(ubqg10.meeting.number)))
    cards = {card["lead_agency__code"]: card for card in content["scorecards"]}
    assert "ALL" not in cards
    assert cards["SBV"]["overdue"] >= 1 and cards["MPS"]["on_time"] >= 1
    assert cards["HA-NOI"]["overdue"] == 1

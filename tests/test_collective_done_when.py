"""Issue 9's acceptance check, on a fresh `bootstrap --demo`, through the real pages, feed and briefing."""

from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core.management import call_command
from django.test import Client

from dxtasks.accounts.models import User
from dxtasks.briefings.content import Kind, build_content, make_spec
from dxtasks.directives.models import Directive, Share
from tests.briefings.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def test_after_bootstrap_demo_the_mps_focal_point_follows_its_shares(db, tmp_path):
    call_command("bootstrap", "--demo", stdout=StringIO())
    call_command("createcachetable", verbosity=0)
    mps = User.objects.get(username="mps.focal")
    client = Client()
    client.force_login(mps)
    register = client.get("/directives/", {"agency": "MPS"}).content.decode()
    assert "UBQG-7/01" in register and "UBQG-10/01" in register

    ubqg10 = Directive.objects.get(reference="UBQG-10/01")
    sbv_before = Share.objects.filter(directive=ubqg10, agency__code="SBV").values().get()
    response = client.post(f"{ubqg10.get_absolute_url()}progress/", {"percent": 100, "note": "Đã ban hành kế hoạch"})
    assert response.status_code == 302
    mps_share = Share.objects.get(directive=ubqg10, agency__code="MPS")
    assert mps_share.progress_updates.get().percent == 100
    assert Share.objects.filter(directive=ubqg10, agency__code="SBV").values().get() == sbv_before

    out = StringIO()
    call_command("feed_url", "mps.focal", stdout=out)
    parts = urlsplit(out.getvalue().strip())
    feed = icalendar.Calendar.from_ical(Client().get(parts.path).content)
    assert f"{ubqg10.public_id}-MPS@testserver" in {str(e["UID"]) for e in feed.walk("VEVENT")}

    content = build_content(make_spec(kind=Kind.MEETING, scope=str(ubqg10.meeting.number)))
    [row] = [r for r in content["overdue"] if r["reference"] == "UBQG-10/01"]
    assert "Ngân hàng Nhà nước Việt Nam" in row["late_agencies"]
    # The printed briefing (real WeasyPrint) names them too.
    out = tmp_path / "meeting.pdf"
    call_command("briefing", "--meeting", str(ubqg10.meeting.number), "--out", str(out), stdout=StringIO())
    assert "Ngân hàng Nhà nước Việt Nam" in pdf_text(out.read_bytes())


def test_the_readme_documents_groups_shares_the_roll_up_rule_and_who_is_told():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for needle in (
        "`ALL-MINISTRIES`",
        "`ALL-PROVINCES`",
        "### Collective directives and shares",
        "overdue, within deadline, no deadline, completed late, completed on time",
        "| event on a share | told |",
        "**Collective directives in the worklists.**",
    ):
        assert needle in readme, needle

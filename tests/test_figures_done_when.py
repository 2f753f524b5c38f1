"""Issue 12's acceptance checks, on a fresh `bootstrap --demo`, through the real pages and PDFs.

The dashboard's figures are read from its HTML, the briefing's from the text
of the PDF its button produced (real WeasyPrint, read back with pdftotext),
the register's from the count it prints: three independent paths, so a second
definition of a figure anywhere shows up as a mismatch.
"""

import datetime
import html
import re
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dxtasks.accounts.models import User
from dxtasks.directives import services
from dxtasks.directives.models import Directive, Share

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 0
    call_command("bootstrap", "--demo", stdout=StringIO())
    client = Client()
    client.force_login(User.objects.get(username="secretariat"))
    return client


def pdftotext(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"[ \t]+", " ", done.stdout.decode())


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def dashboard_figures(page: str) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r'data-figure="(\w+)">(\d+)<', page)}


def briefing_figures(text: str) -> dict[str, int]:
    flat = re.sub(r"\s+", " ", text)
    completed, counted = re.search(r"Tỉ lệ hoàn thành \((\d+)/(\d+)\)", flat).groups()
    overdue, already_due = re.search(r"đến hạn \((\d+)/(\d+)\)", flat).groups()
    return {
        "counted": int(counted),
        "completed": int(completed),
        "overdue": int(overdue),
        "already_due": int(already_due),
    }


def briefing_button(page: str) -> str:
    return html.unescape(re.search(r'href="(/briefings/\?kind=overall[^"]*)"', page).group(1))


def register_count(client: Client, url: str) -> int:
    page = client.get(url).content.decode()
    return int(re.search(r'<p role="status"><strong>(\d+)</strong>', page).group(1))


@pytest.mark.parametrize(
    "params",
    [
        {},  # the default scope: every directive followed, as of today
        {"as_of": "30/06/2025"},
        {"from": "01/01/2025", "to": "30/06/2025"},
        {"from": "01/01/2024", "as_of": "31/12/2024"},
    ],
)
def test_dashboard_figures_equal_the_briefing_its_button_makes(demo_site, params):
    page = demo_site.get("/", params).content.decode()
    shown = dashboard_figures(page)
    assert set(shown) == {"counted", "completed", "overdue", "already_due"}
    response = demo_site.get(briefing_button(page))
    assert response["Content-Type"] == "application/pdf"
    assert briefing_figures(pdftotext(_body(response))) == shown


def test_the_default_count_is_every_directive_assigned_by_today_not_cancelled(demo_site):
    today = timezone.localdate()
    expected = (
        Directive.objects.filter(assigned_on__lte=today)
        .exclude(cancelled_on__isnull=False, cancelled_on__lte=today)
        .count()
    )
    page = demo_site.get("/").content.decode()
    assert dashboard_figures(page)["counted"] == expected
    assert f"Tất cả nhiệm vụ đang theo dõi, số liệu đến {today:%d/%m/%Y}" in page


def test_every_count_on_the_dashboard_opens_a_register_filter_of_that_count(demo_site):
    # An agency whose share of a collective overdue directive is done: the roll-up is still overdue,
    # the agency's line is not (and its register filter must not list it either).
    ubqg10 = Directive.objects.get(reference="UBQG-10/01")
    mps_share = Share.objects.get(directive=ubqg10, agency__code="MPS")
    services.complete_directive(
        directive=ubqg10,
        share=mps_share,
        by=User.objects.get(username="secretariat"),
        completed_on=timezone.localdate(),
        outcome="Kế hoạch đã ban hành.",
    )
    for params in ({}, {"as_of": "30/06/2025"}):
        page = demo_site.get("/", params).content.decode()
        links = re.findall(r'<a class="figure [a-z_]+" href="([^"]+)"><span class="n">(\d+)</span>', page)
        links += re.findall(r'<a href="(/directives/\?[^"]*status=overdue[^"]*)"><strong>(\d+)</strong></a>', page)
        assert len(links) > 10
        assert any("agency=MPS" in url for url, _n in links) or params
        for url, count in links:
            assert register_count(demo_site, html.unescape(url)) == int(count), url


def test_the_agency_pages_counts_open_filters_of_the_same_count(demo_site):
    for code in ("MPS", "SBV", "MOST"):
        page = demo_site.get(f"/agencies/{code}/").content.decode()
        links = re.findall(r'<a class="figure [a-z_]+" href="([^"]+)"><span class="n">(\d+)</span>', page)
        links += re.findall(r'<a href="([^"]+)" data-count="(\d+)">', page)
        for url, count in links:
            assert register_count(demo_site, html.unescape(url)) == int(count), (code, url)


def test_a_briefing_as_of_yesterday_prints_the_deadline_in_force_yesterday(demo_site):
    directive = Directive.objects.get(reference="DEMO-05")  # led by MPS, due in 30 days
    old_text, old_due = directive.deadline_text, directive.due_date
    services.change_deadline(
        directive=directive,
        approved_by=User.objects.get(username="secretariat"),
        reason="Bộ Công an đề nghị gia hạn",
        new_deadline_text="trước ngày 31/03/2027",
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    then = pdftotext(
        _body(demo_site.get("/briefings/", {"kind": "agency", "agency": "MPS", "as_of": f"{yesterday:%d/%m/%Y}"}))
    )
    row = re.search(r"DEMO-05.*?(?=DEMO-0[678]|UBQG|\Z)", then, re.S).group(0)
    assert old_text in row or f"{old_due:%d/%m/%Y}" in row
    assert "31/03/2027" not in then
    now = pdftotext(_body(demo_site.get("/briefings/", {"kind": "agency", "agency": "MPS"})))
    assert "31/03/2027" in now

"""Issue 12, the rest: an agency's briefing follows its share, the options form's agency role, merged agencies
marked wherever agencies are listed, one date style per printed edition.

Through the real stack on a fresh `bootstrap --demo`: pages over the test client, PDFs made by WeasyPrint and
read back with pdftotext. The expected values come from the demo data and the fixtures (which agencies merged,
into which, on which day), not from the code under test.
"""

import re
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dxtasks.accounts.models import Role, User
from dxtasks.directives import services
from dxtasks.directives.models import Agency, Directive, Share

pytestmark = pytest.mark.django_db

# The fixtures' mergers of 01/03/2025 (fixtures/agencies.json), as the reader must see them.
MIC_VI = "BTTTT (đã hợp nhất vào BKHCN 01/03/2025)"
MIC_EN = "MIC (merged into MOST 01/03/2025)"
VSS_VI = "BHXH VN (đã hợp nhất vào BTC 01/03/2025)"


@pytest.fixture
def demo_site(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 0
    call_command("bootstrap", "--demo", stdout=StringIO())
    client = Client()
    client.force_login(User.objects.get(username="secretariat"))
    return client


def pdftotext(data: bytes, *pages: int) -> str:
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    done = subprocess.run(["pdftotext", *first_last, "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode())


def _pdf(response) -> bytes:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


def register_count(client: Client, params: dict) -> int:
    page = client.get("/directives/", params).content.decode()
    return int(re.search(r'<p role="status"><strong>(\d+)</strong>', page).group(1))


def briefing_counted(text: str) -> int:
    return int(re.search(r"Tỉ lệ hoàn thành \((\d+)/(\d+)\)", text).group(2))


def _row(text: str, reference: str) -> str:
    """The text of one directive's row in the register section (up to the next reference)."""
    register = text[text.index("7. Danh mục nhiệm vụ") :]
    return re.search(re.escape(reference) + r" .*?(?= UBQG-\d+/\d+ | DEMO-\d+ |\Z)", register).group(0)


# --- An agency's briefing follows its share -------------------------------------------------------


def test_an_agencys_briefing_prints_its_share_not_the_whole_collective_directive(demo_site):
    secretariat = User.objects.get(username="secretariat")
    directive = Directive.objects.get(reference="UBQG-10/01")  # addressed to every agency, overdue as a whole
    mps = Share.objects.get(directive=directive, agency__code="MPS")
    services.record_progress(directive=directive, by=secretariat, percent=40, note="Ghi chú chung của cả nhiệm vụ")
    services.record_progress(
        directive=directive, share=mps, by=secretariat, percent=90, note="Bộ Công an đã trình dự thảo"
    )
    sbv = Share.objects.get(directive=directive, agency__code="SBV")
    services.complete_directive(
        directive=directive, share=sbv, by=secretariat, completed_on=timezone.localdate(), outcome="NHNN đã ban hành"
    )

    # MPS's share is overdue: its row in the overdue list carries the share's progress, not the directive's.
    mps_text = pdftotext(_pdf(demo_site.get("/briefings/agency/MPS/")))
    overdue = mps_text[mps_text.index("4. Nhiệm vụ quá hạn") : mps_text.index("5. Thời hạn")]
    row = re.search(r"UBQG-10/01 .*?(?= UBQG-\d+/\d+ |\Z)", overdue).group(0)
    assert "90% — Bộ Công an đã trình dự thảo" in row
    assert "Ghi chú chung" not in row
    assert "phần việc của BCA" in row
    assert not re.search(r"\d+/\d+ hoàn thành", row)  # no roll-up of every agency's shares
    assert "Chậm:" not in row  # nor the other agencies' lateness

    # SBV's share is done: its briefing lists it completed (with its outcome), while the directive stays overdue.
    sbv_text = pdftotext(_pdf(demo_site.get("/briefings/agency/SBV/")))
    sbv_row = _row(sbv_text, "UBQG-10/01")
    assert "Hoàn thành đúng hạn" in sbv_row or "Hoàn thành quá hạn" in sbv_row
    assert "Kết quả: NHNN đã ban hành" in sbv_text[sbv_text.index("7. Danh mục nhiệm vụ") :]  # the share's outcome
    assert f"{timezone.localdate():%d/%m/%Y}" in sbv_row
    assert "UBQG-10/01" not in sbv_text[sbv_text.index("4. Nhiệm vụ quá hạn") : sbv_text.index("5. Thời hạn")]

    # The overall briefing still counts the directive as a whole: overdue, with the roll-up and the late agencies.
    overall = pdftotext(_pdf(demo_site.get("/briefings/", {"kind": "overall"})))
    whole = re.search(r"UBQG-10/01 .*?(?= UBQG-\d+/\d+ |\Z)", overall[overall.index("4. Nhiệm vụ quá hạn") :]).group(0)
    shares = Share.objects.filter(directive=directive).exclude(state="cancelled")
    assert f"{shares.filter(state='completed').count()}/{shares.count()} hoàn thành" in whole
    assert "Chậm:" in whole


# --- The options form's agency role -----------------------------------------------------------------


@pytest.mark.parametrize("code", ["MPS", "MOST"])
def test_the_forms_involved_role_counts_what_the_registers_involved_filter_lists(demo_site, code):
    counts = {}
    for role in ("lead", "involved"):
        text = pdftotext(_pdf(demo_site.get("/briefings/", {"kind": "agency", "agency": code, "role": role})))
        counts[role] = briefing_counted(text)
        expected = register_count(demo_site, {"agency": code, "role": role, "status": ""})
        # The register counts cancelled directives too; the briefing's "counted" leaves them out.
        cancelled = register_count(demo_site, {"agency": code, "role": role, "status": "cancelled"})
        assert counts[role] == expected - cancelled, role
    # Co-ordinated directives make the difference (the demo data has some for both agencies).
    co = Directive.objects.filter(co_agencies__code=code).exclude(lead_agency__code=code)
    assert co.exists()
    assert counts["involved"] > counts["lead"]
    described = pdftotext(_pdf(demo_site.get("/briefings/", {"kind": "agency", "agency": code, "role": "involved"})), 1)
    assert "chủ trì, phối hợp hoặc có phần việc" in described


def test_the_form_offers_the_role_and_refuses_an_unknown_one_on_the_form(demo_site):
    form = demo_site.get("/briefings/").content.decode()
    assert 'name="role" value="lead"' in form and 'name="role" value="involved"' in form
    bad = demo_site.get("/briefings/", {"kind": "agency", "agency": "MPS", "role": "boss"})
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("text/html")
    assert "Vai trò “boss” không có; chọn lead hoặc involved." in bad.content.decode()
    demo_site.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = demo_site.get("/briefings/", {"kind": "agency", "agency": "MPS", "role": "boss"}).content.decode()
    assert "There is no role “boss”; choose lead or involved." in english


def test_the_agency_pages_involved_briefing_button_opens_the_involved_briefing(demo_site):
    page = demo_site.get("/agencies/MPS/").content.decode()
    url = re.search(r'href="([^"]+)" data-briefing-involved', page).group(1)
    text = pdftotext(_pdf(demo_site.get(url.replace("&amp;", "&"))))
    counted = re.search(r"(\d+) nhiệm vụ chủ trì, phối hợp hoặc có phần việc", page).group(1)
    cancelled = register_count(demo_site, {"agency": "MPS", "role": "involved", "status": "cancelled"})
    assert briefing_counted(text) == int(counted) - cancelled


def test_a_stored_involved_briefing_is_not_served_for_the_lead_one(demo_site, settings):
    settings.BRIEFINGS_SYNC_LIMIT = 10_000  # made in the request and stored (a canonical day: today)
    lead = pdftotext(_pdf(demo_site.get("/briefings/agency/MPS/")))
    involved = pdftotext(_pdf(demo_site.get("/briefings/agency/MPS/", {"role": "involved"})))
    again = pdftotext(_pdf(demo_site.get("/briefings/agency/MPS/")))
    assert briefing_counted(involved) > briefing_counted(lead) == briefing_counted(again)


# --- Merged agencies marked wherever agencies are listed ----------------------------------------------


def test_a_merged_co_ordinating_agency_is_marked_on_the_directive_page_and_in_the_register(demo_site):
    directive = Directive.objects.get(reference="UBQG-7/06")  # MIC co-ordinates
    assert directive.co_agencies.filter(code="MIC").exists()
    page = demo_site.get(directive.get_absolute_url()).content.decode()
    assert MIC_VI in page
    register = demo_site.get("/directives/", {"q": "UBQG-7/06"}).content.decode()
    assert MIC_VI in register
    demo_site.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert MIC_EN in demo_site.get(directive.get_absolute_url()).content.decode()


def test_merged_agencies_are_marked_in_a_share_table(demo_site):
    directive = Directive.objects.get(reference="UBQG-1/02")  # VSS, MIC … still hold shares
    page = demo_site.get(directive.get_absolute_url()).content.decode()
    assert MIC_VI in page and VSS_VI in page


def test_the_inbox_marks_a_merged_agency(demo_site):
    page = demo_site.get("/inbox/", {"list": "merged"}).content.decode()
    assert "(đã hợp nhất vào " in page


def test_the_calendar_page_labels_agencies_as_every_list_does(demo_site):
    mic = Agency.objects.get(code="MIC")
    focal = User.objects.create_user(username="mic.focal", password="x-Very-long-1", role=Role.FOCAL_POINT, agency=mic)
    client = Client()
    client.force_login(focal)
    page = client.get("/subscribe/").content.decode()
    select = re.search(r'<select name="agency" id="agency">(.*?)</select>', page, re.S).group(1)
    options = re.findall(r'<option value="([A-Z0-9-]+)"( selected)?>([^<]+)</option>', select)
    labels = {code: label for code, _selected, label in options}
    assert labels["MIC"] == f"{MIC_VI} — Bộ Thông tin và Truyền thông"  # the user's own, merged, marked
    assert ("MIC", " selected") == next((c, s) for c, s, _l in options if s)
    assert labels["MPS"] == "BCA — Bộ Công an"
    ministries = [code for code, _s, _l in options if Agency.objects.get(code=code).kind == "ministry"]
    provinces = [code for code, _s, _l in options if Agency.objects.get(code=code).kind == "province"]
    assert max(i for i, (c, _s, _l) in enumerate(options) if c in ministries) < min(
        i for i, (c, _s, _l) in enumerate(options) if c in provinces
    )


def test_the_briefings_chart_and_tables_mark_merged_agencies(demo_site):
    text = pdftotext(_pdf(demo_site.get("/briefings/", {"kind": "overall", "as_of": "01/07/2025"})))
    assert "Bộ Thông tin và Truyền thông (đã hợp nhất vào BKHCN 01/03/2025)" in text  # scorecards
    assert "BTTTT (hợp nhất vào BKHCN)" in text  # the chart's label (SVG text)
    english = pdftotext(_pdf(demo_site.get("/briefings/", {"kind": "overall", "as_of": "01/07/2025", "lang": "en"})))
    assert "MIC (merged into MOST)" in english


# --- One date style per printed edition ---------------------------------------------------------------


def test_the_english_cover_writes_every_date_one_way(demo_site):
    params = {"kind": "overall", "from": "01/01/2025", "to": "30/06/2025", "as_of": "01/07/2025", "lang": "en"}
    cover = pdftotext(_pdf(demo_site.get("/briefings/", params)), 1)
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", cover), cover
    assert "MIC (merged into MOST 1 Mar 2025)" in cover  # the narrative's agencies, their notes in the same style
    today = timezone.localdate()
    for expected in ("1 Jan 2025", "30 Jun 2025", "1 Jul 2025", f"Ha Noi, {today.day} {today:%b} {today.year}"):
        assert expected in cover, expected
    assert "As of 1 Jul 2025" in cover  # the narrative summary too
    vietnamese = pdftotext(_pdf(demo_site.get("/briefings/", {**params, "lang": "vi"})), 1)
    assert "01/01/2025" in vietnamese and "Jan" not in vietnamese

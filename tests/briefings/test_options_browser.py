"""The briefing options form in a real Chromium: an agency briefing chosen with its role, a wrong date shown on
the form in the reader's language, then the PDF (read back with pdftotext). Screenshots go to var/screenshots/."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from dxtasks.directives.demo import create_demo

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
FIXTURES = ["fixtures/agencies.json", "fixtures/provinces.json", "fixtures/meetings.json", "fixtures/directives.json"]


@pytest.fixture
def live_portal(transactional_db):
    from pytest_django.live_server_helper import LiveServer

    call_command("createcachetable", verbosity=0)
    call_command("loaddata", *FIXTURES, verbosity=0)
    create_demo()
    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_involved_agency_briefing_from_the_form(live_portal, browser, language):
    base = live_portal.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/")
    page.locator("#id_username").fill("secretariat")
    page.locator("#id_password").fill("demo-secretariat")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")
    if language == "en":
        with page.expect_navigation():
            page.locator("#language-switch").select_option("en")  # submits itself (data-autosubmit)
    english = language == "en"

    page.goto(f"{base}/briefings/")
    page.get_by_label("One agency" if english else "Một cơ quan").check()
    page.locator("#id_agency").select_option("MPS")
    page.get_by_label(
        "Leads, co-ordinates or has a share" if english else "Chủ trì, phối hợp hoặc có phần việc"
    ).check()
    page.locator("#id_to").fill("31/13/2025")  # not a date
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_load_state()
    message = "Enter a date as dd/mm/yyyy" if english else "Nhập ngày dạng dd/mm/yyyy"
    assert message in page.locator("main form.card").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"briefing-options-error-{language}.png"), full_page=True)
    # The form kept what was chosen.
    assert page.locator("#id_agency").input_value() == "MPS"
    assert page.locator("input[name=role][value=involved]").is_checked()

    page.locator("#id_to").fill("")
    with page.expect_response(lambda r: "/briefings/" in r.url and r.request.method == "GET") as answer:
        page.locator("main form.card button[type=submit]").click()
    response = answer.value
    assert response.headers["content-type"] == "application/pdf"
    assert "role=involved" in response.url
    # Chromium shows a PDF in its own viewer: the file itself is fetched again with the page's session.
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=page.request.get(response.url).body(), capture_output=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text.decode())
    expected = (
        "Directives Ministry of Public Security leads, co-ordinates or has a share of"
        if english
        else "Nhiệm vụ Bộ Công an chủ trì, phối hợp hoặc có phần việc"
    )
    assert expected in flat
    context.close()

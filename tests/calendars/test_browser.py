"""The subscribe page in a real Chromium, and the copied link fetched over real HTTP."""

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import icalendar
import pytest
import vobject

from dxtasks.accounts.models import Role

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


def test_copy_the_new_link_and_subscribe_over_http(
    live_server, transactional_db, page, user_factory, agency_factory, directive_factory
):
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    agency = agency_factory(code="MPS", short_name_vi="BCA")
    user_factory(username="quan", role=Role.FOCAL_POINT, agency=agency)
    directive_factory(lead=agency, title_vi="Kết nối dữ liệu, định danh; xác thực", deadline_text="30/06/2031")

    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.locator("#id_username").fill("quan")
    page.locator("#id_password").fill("correct horse battery")
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()
    from django.urls import reverse

    page.goto(f"{live_server.url}{reverse('calendars:subscribe')}")
    page.locator("form", has=page.locator("input[name=kind][value=mine]")).get_by_role("button").click()
    page.wait_for_load_state()
    shown = page.locator("#feed-url").input_value()
    page.locator(f'button[data-copy="{shown}"]').click()
    status = page.locator(".copy-status").first
    playwright_api.expect(status).to_have_text("Đã sao chép")
    assert page.evaluate("navigator.clipboard.readText()") == shown
    assert page.locator("#feed-webcal").input_value() == "webcal://" + shown.split("://", 1)[1]

    # SITE_URL is the tests' http://testserver: fetch the same path from the live server.
    with urllib.request.urlopen(live_server.url + urlsplit(shown).path) as response:
        body = response.read()
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert response.headers.get("Set-Cookie") is None
    summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]
    assert summaries == ["[BCA] Kết nối dữ liệu, định danh; xác thực"]
    assert vobject.readOne(body.decode()).vevent.summary.value == summaries[0]

    # Reloading the page no longer shows the link; revoking ends it.
    page.reload()
    assert page.locator("#feed-url").count() == 0
    page.get_by_role("button", name="Thu hồi").click()
    page.wait_for_load_state()
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(live_server.url + urlsplit(shown).path)
    assert gone.value.code == 404

"""The portal in a real Chromium (Playwright), on the real fixtures and demo data.

Flow of the issue: a focal point signs in → dashboard → filters the register
→ opens a directive → adds progress → requests an extension → the
secretariat signs in → approves → the new due date shows. Screenshots of the
dashboard, register and directive page (1366×768) go to var/screenshots/, or
to docs/screenshots/ with UPDATE_SCREENSHOTS=1 (tests never rewrite tracked
files unless asked).
"""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from dxtasks.directives.demo import create_demo
from dxtasks.directives.models import DeadlineChange, Directive, ExtensionRequest

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser]

SCREENSHOTS = (
    Path(settings.BASE_DIR) / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "var") / "screenshots"
)
FIXTURES = ["fixtures/agencies.json", "fixtures/provinces.json", "fixtures/meetings.json", "fixtures/directives.json"]


@pytest.fixture
def demo(transactional_db):
    call_command("createcachetable", verbosity=0)
    call_command("loaddata", *FIXTURES, verbosity=0)
    create_demo()


@pytest.fixture
def live_portal(demo):
    """A live server of this test's own, over the demo data."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    # An English-speaking browser: the portal must still open in Vietnamese until the switch is used.
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()


def sign_in(page, base, username, password):
    page.goto(f"{base}/")
    assert "/accounts/login/" in page.url
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()


def test_focal_point_reports_and_asks_for_time_then_secretariat_approves(live_portal, page):
    base = live_portal.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, base, "mps.focal", "demo-mps-focal")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("heading", name="Nhiệm vụ của tôi").wait_for()
    assert page.locator("#h-mine + p + .table-wrap").get_by_text("DEMO-01").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"))

    # The register, filtered by agency and searched without diacritics.
    page.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    page.get_by_label("Tìm kiếm").fill("ket noi co so du lieu")
    page.get_by_label("Cơ quan", exact=True).select_option("MPS")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url("**/directives/?*")
    assert "agency=MPS" in page.url and "q=ket+noi" in page.url
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    page.screenshot(path=str(SCREENSHOTS / "register.png"))

    # The directive: progress, then an extension request.
    page.get_by_role("link", name="DEMO-01").click()
    page.get_by_role("heading", name="Diễn biến").wait_for()
    page.get_by_label("Tiến độ (%)").fill("70")
    page.get_by_label("Nội dung báo cáo").fill("Đã kết nối thử nghiệm với 3 tỉnh")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Đã ghi báo cáo tiến độ.").wait_for()
    assert page.get_by_text("Tiến độ 70%: Đã kết nối thử nghiệm với 3 tỉnh").is_visible()

    proposed = timezone.localdate() + datetime.timedelta(days=45)
    page.get_by_text("Đề nghị gia hạn", exact=True).click()  # opens the panel
    page.get_by_label("Đề nghị gia hạn đến ngày").fill(f"{proposed:%d/%m/%Y}")
    page.get_by_label("Lý do").fill("Chờ Bộ Y tế hoàn thiện dữ liệu thẻ bảo hiểm")
    page.get_by_role("button", name="Gửi đề nghị gia hạn").click()
    page.get_by_text("Đã gửi đề nghị gia hạn.", exact=False).wait_for()
    assert page.get_by_role("heading", name="Đề nghị gia hạn chờ duyệt").is_visible()
    assert ExtensionRequest.objects.filter(decision="pending").count() == 1
    sign_out(page)

    # The secretariat approves; the new due date shows.
    sign_in(page, base, "secretariat", "demo-secretariat")
    directive = Directive.objects.get(reference="DEMO-01")
    version = directive.version
    page.goto(f"{base}{directive.get_absolute_url()}")
    page.get_by_role("button", name="Duyệt gia hạn").click()
    page.get_by_text("Đã duyệt gia hạn").wait_for()
    assert page.locator("#due-date").inner_text().startswith(f"{proposed:%d/%m/%Y}")
    directive.refresh_from_db()
    assert directive.due_date == proposed and directive.version == version + 1
    assert DeadlineChange.objects.filter(directive=directive).count() == 1
    page.screenshot(path=str(SCREENSHOTS / "directive.png"))
    page.screenshot(path=str(SCREENSHOTS / "directive-full.png"), full_page=True)  # with the timeline
    assert page.console_errors == []


def test_deadline_is_parsed_as_it_is_typed_and_the_language_switch_is_remembered(live_portal, page):
    base = live_portal.url
    sign_in(page, base, "secretariat", "demo-secretariat")
    page.goto(f"{base}/directives/new/")
    field = page.get_by_label("Thời hạn (ghi như trong văn bản)")
    field.press_sequentially("hoàn thành trong quý II/2024", delay=5)
    preview = page.locator("#id_deadline_text-preview")
    playwright_api.expect(preview).to_have_text("Hạn: 30/06/2024")
    field.fill("")
    field.press_sequentially("quý V/2024", delay=5)
    playwright_api.expect(preview).to_contain_text("Không có quý V")
    assert page.console_errors == []

    page.get_by_label("Ngôn ngữ").select_option("en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith("/directives/new/")
    page.goto(f"{base}/directives/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(SCREENSHOTS / "register-en.png"))


def test_phone_width_shows_the_register_without_sideways_scrolling(live_portal, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_portal.url, "viewer", "demo-viewer")
    page.goto(f"{live_portal.url}/directives/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    # The filters start folded on a phone so the list is in view; one tap opens them.
    assert page.locator("details.filter-panel").get_attribute("open") is None
    assert page.locator("table tbody tr").first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "register-phone.png"))
    context.close()

"""The conclusion-notice page in a real Chromium: paste → new meeting from the header → edit, drop → save.

The README's screenshot is written to docs/screenshots/ only with UPDATE_SCREENSHOTS=1 (tests leave
tracked files alone otherwise); else to var/screenshots/.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from dxtasks.directives.models import Directive, Meeting

from .test_browser import demo, live_portal, page, sign_in  # noqa: F401 (fixtures; `browser` is tests/conftest.py's)

pytestmark = [pytest.mark.browser]

NOTICE = (Path(__file__).parent.parent / "directives" / "notices" / "tb-412-2025-formal.txt").read_text(
    encoding="utf-8"
)
SHOTS = Path(settings.BASE_DIR) / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "var") / "screenshots"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_secretariat_drafts_edits_and_saves_a_notice(live_portal, page):  # noqa: F811
    base = live_portal.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, base, "secretariat", "demo-secretariat")
    page.goto(f"{base}/import/")
    page.get_by_role("link", name="Đọc thông báo kết luận").click()
    page.get_by_label("Dán nội dung thông báo").fill(NOTICE)
    page.get_by_role("button", name="Đọc thông báo").click()
    page.wait_for_url(f"{base}/import/notice/review/")
    assert page.get_by_text("Thông báo số 412/TB-VPCP").is_visible()
    rows = page.locator("tr.notice-row")
    assert rows.count() == 12
    assert rows.nth(6).locator("mark").inner_text() == "hoàn thành trước Tết Nguyên đán 2026"
    assert "Tên cơ quan không có trong danh mục: “Tập đoàn FPT”." in rows.nth(6).inner_text()

    # The meeting is not registered yet: the new-meeting form is open and prefilled from the header.
    assert page.get_by_text("Chưa có phiên họp này trong danh sách").is_visible()
    assert page.locator("#id_session_number").input_value() == "3"
    assert page.locator("#id_notice_ref").input_value() == "412/TB-VPCP"
    page.get_by_role("button", name="Tạo phiên họp rồi quay lại duyệt").click()
    page.wait_for_url(f"{base}/import/notice/review/?meeting=*")
    meeting = Meeting.objects.get(committee="steering", session_number=3)
    assert page.locator("#id_meeting").input_value() == str(meeting.pk)

    # Edit: type the deadline the reader could not find, correct a title, drop a row.
    last = rows.nth(11)
    assert "Không thấy thời hạn" in last.inner_text()
    last.locator('[name="form-11-deadline"]').fill("thường xuyên")
    rows.nth(6).locator('[name="form-6-title_vi"]').fill("Hoàn thiện nền tảng định danh điện tử cho tổ chức")
    rows.nth(5).locator('[name="form-5-keep"]').uncheck()
    rows.nth(5).scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -40)")
    page.screenshot(path=str(SHOTS / "notice-review.png"), full_page=False)

    page.locator("#save-notice").click()
    page.wait_for_url(f"{base}/meetings/{meeting.number}/")
    assert page.get_by_text("Đã lưu 11 nhiệm vụ từ thông báo.").is_visible()
    saved = Directive.objects.filter(meeting=meeting)
    assert saved.count() == 11
    assert saved.filter(
        title_vi="Hoàn thiện nền tảng định danh điện tử cho tổ chức",
        lead_agency__code="MPS",
        deadline_text="hoàn thành trước Tết Nguyên đán 2026",
    ).exists()
    assert saved.filter(lead_agency__code="GO", deadline_precision="ongoing").exists()
    assert not page.console_errors


def test_a_new_meeting_is_created_inline_on_the_notice_page_and_used_for_the_notice(live_portal, page):  # noqa: F811
    """The notice intake offers "new meeting" before reading, with the import page's own form and mechanism."""
    base = live_portal.url
    sign_in(page, base, "secretariat", "demo-secretariat")
    page.goto(f"{base}/import/notice/")
    page.get_by_text("Phiên họp chưa có trong danh sách? Thêm phiên họp mới").click()
    page.locator("#id_committee").select_option("steering")
    page.locator("#id_session_number").fill("3")
    page.locator("#id_date").fill("12/09/2025")
    page.locator("#id_chair").fill("Phạm Minh Chính")
    page.get_by_role("button", name="Tạo phiên họp rồi quay lại đọc thông báo").click()
    page.wait_for_url(f"{base}/import/notice/?meeting=*")
    meeting = Meeting.objects.get(committee="steering", session_number=3)
    assert meeting.changes.get().action == "created"
    assert page.get_by_text(f"Đã tạo {meeting.label}.").is_visible()
    # Back on the notice page, the new meeting is the one chosen; reading the notice keeps it.
    assert page.locator("#id_meeting").input_value() == str(meeting.pk)
    page.get_by_label("Dán nội dung thông báo").fill(NOTICE)
    page.get_by_role("button", name="Đọc thông báo").click()
    page.wait_for_url(f"{base}/import/notice/review/")
    assert page.locator("#id_meeting").input_value() == str(meeting.pk)
    assert not page.get_by_text("Chưa có phiên họp này trong danh sách").is_visible()
    assert Meeting.objects.filter(committee="steering", session_number=3).count() == 1
    assert not page.console_errors

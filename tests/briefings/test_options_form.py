"""The briefing options form: /briefings/ without parameters, dd/mm/yyyy, errors on the form in the user's language."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.briefings.models import StoredBriefing

pytestmark = pytest.mark.django_db


def test_without_parameters_the_form_is_shown(staff_client, seed_data):
    page = staff_client.get("/briefings/")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    for name in ("kind", "meeting", "agency", "from", "to", "as_of", "lang"):
        assert f'name="{name}"' in html
    assert 'placeholder="dd/mm/yyyy"' in html


def test_edit_shows_the_form_filled_in_with_the_scope(staff_client, seed_data):
    html = staff_client.get(
        "/briefings/", {"edit": 1, "kind": "meeting", "meeting": "7", "as_of": "01/07/2025"}
    ).content.decode()
    assert 'value="01/07/2025"' in html and '<option value="7" selected>' in html


def test_dd_mm_yyyy_dates_make_the_briefing(staff_client, seed_data):
    response = staff_client.get("/briefings/", {"kind": "meeting", "meeting": "7", "as_of": "01/07/2025"})
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"as_of": "31/02/2025"}, "as_of", "Nhập ngày dạng dd/mm/yyyy"),
        ({"to": "TOMORROW"}, "to", "ở tương lai"),
        ({"as_of": "01/01/2021"}, "as_of", "trước phiên họp đầu tiên"),
        ({"from": "01/06/2025", "to": "01/01/2025", "as_of": "01/07/2025"}, "from", "Đầu kỳ phải trước cuối kỳ"),
        ({"to": "30/06/2025", "as_of": "01/06/2025"}, "to", "sau ngày số liệu"),
        ({"kind": "meeting"}, "meeting", "Chọn phiên họp"),
        ({"kind": "agency", "agency": "NOPE"}, "agency", "NOPE"),
        ({"kind": "weekly"}, "kind", "weekly"),
    ],
)
def test_bad_options_come_back_as_the_form_with_the_message(staff_client, seed_data, params, field, message):
    if params.get("to") == "TOMORROW":
        params = {**params, "to": f"{timezone.localdate() + datetime.timedelta(days=1):%d/%m/%Y}"}
    response = staff_client.get("/briefings/", params)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert message in html
    assert f'name="{field}"' in html
    assert not StoredBriefing.objects.exists()


def test_the_message_is_in_the_users_language(staff_client, seed_data):
    staff_client.cookies["django_language"] = "en"
    html = staff_client.get("/briefings/", {"as_of": "01/01/2021"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "before the first meeting" in html and "trước phiên họp đầu tiên" not in html

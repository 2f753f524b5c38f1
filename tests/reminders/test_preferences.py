"""The signed preferences page: daily or weekly, mute a directive; not escalations."""

import pytest

from dxtasks.reminders.models import Frequency, RecipientPreference
from dxtasks.reminders.preferences import preferences_token

from .conftest import day

pytestmark = pytest.mark.django_db
QUAN = "quan@bca.example.gov.vn"


def url(email):
    return f"/reminders/preferences/{preferences_token(email)}/"


def test_the_page_lists_the_recipients_open_directives(directive_due, client):
    directive_due(day("2025-03-12"), reference="MINE-1")
    response = client.get(url(QUAN))
    assert response.status_code == 200
    content = response.content.decode()
    assert QUAN in content and "MINE-1" in content and "không thể tắt" in content


def test_the_page_is_never_cached(directive_due, client):
    # It is reached by a secret link and shows the address: no shared or browser cache keeps it.
    response = client.get(url(QUAN))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_choosing_weekly_and_muting_a_directive_is_saved(directive_due, client):
    muted = directive_due(day("2025-03-12"), reference="MINE-1")
    directive_due(day("2025-03-12"), reference="MINE-2")
    response = client.post(url(QUAN), {"frequency": "weekly", "muted": [muted.pk]})
    assert response.status_code == 302
    preference = RecipientPreference.objects.get(email=QUAN)
    assert preference.frequency == Frequency.WEEKLY
    assert list(preference.muted.values_list("reference", flat=True)) == ["MINE-1"]
    page = client.get(response.url).content.decode()
    assert "Đã lưu tùy chọn nhận email nhắc." in page


def test_a_directive_of_someone_else_cannot_be_muted(directive_due, directive_factory, agency_factory, client):
    directive_due(day("2025-03-12"))
    other = directive_factory(lead=agency_factory(code="OTHER"), deadline_text="12/03/2025")
    response = client.post(url(QUAN), {"frequency": "daily", "muted": [other.pk]})
    assert response.status_code == 200  # the form refuses an id that is not offered
    assert not RecipientPreference.objects.exists()


def test_a_tampered_link_is_refused(client):
    token = preferences_token(QUAN)
    response = client.get(f"/reminders/preferences/{token[:-3]}abc/")
    assert response.status_code == 404
    assert "Liên kết không hợp lệ" in response.content.decode()
    forged = client.post(f"/reminders/preferences/{token[:-3]}abc/", {"frequency": "weekly"})
    assert forged.status_code == 404 and not RecipientPreference.objects.exists()


def test_agency_contacts_reach_their_page_too(directive_factory, lead, client):
    directive_factory(lead=lead, deadline_text="12/03/2025", reference="NO-OWNER-1")
    content = client.get(url("dau-moi@bca.example.gov.vn")).content.decode()
    assert "NO-OWNER-1" in content

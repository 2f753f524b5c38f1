"""The record of what was sent: in the admin and on the directive's history."""

import pytest
from django.apps import apps

from .conftest import day

pytestmark = pytest.mark.django_db


def test_timeline_entries_show_each_reminder_and_its_outcome(directive_due, sweep, refusing_mail):
    directive = directive_due(day("2025-03-12"))
    refusing_mail.REFUSED.add("quan@bca.example.gov.vn")
    sweep(day("2025-03-12"))
    entries = apps.get_app_config("reminders").timeline_entries(directive)
    assert len(entries) == 1
    entry = entries[0]
    assert entry["kind"] == "reminder" and entry["at"] is not None
    assert "quan@bca.example.gov.vn" in str(entry["text"]) and "Đến hạn hôm nay" in str(entry["text"])
    assert "SMTPRecipientsRefused" in entry["outcome"]


def test_the_admin_lists_deliveries_including_no_recipient(
    directive_factory, agency_factory, directive_due, sweep, admin_client
):
    directive_due(day("2025-03-12"), reference="SENT-1")
    directive_factory(
        lead=agency_factory(code="NOBODY"),
        deadline_text="12/03/2025",
        assigned_on=day("2025-01-02"),
        reference="LONELY-1",
    )
    sweep(day("2025-03-12"))
    page = admin_client.get("/admin/reminders/delivery/").content.decode()
    assert "SENT-1" in page and "LONELY-1" in page and "(không có người nhận)" in page
    assert admin_client.get("/admin/reminders/delivery/?outcome=no_recipient").status_code == 200
    assert admin_client.get("/admin/reminders/workingdayoverride/add/").status_code == 200
    assert admin_client.get("/admin/reminders/recipientpreference/").status_code == 200

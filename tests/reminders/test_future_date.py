"""send_reminders --date after today is refused unless asked for; history says the day a reminder was for."""

import datetime
import io

import holidays
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from dxtasks.reminders.models import Delivery

pytestmark = pytest.mark.django_db


def a_working_day_ahead(days: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days)
    vietnam = holidays.country_holidays("VN", years=range(day.year, day.year + 2))
    while day.weekday() >= 5 or day in vietnam:
        day += datetime.timedelta(days=1)
    return day


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_day_after_today_is_refused_and_nothing_is_sent_or_recorded(directive_due, mailoutbox):
    later = a_working_day_ahead(40)
    directive_due(later - datetime.timedelta(days=20))  # overdue by then, within its deadline today
    with pytest.raises(CommandError, match=r"after today.*--dry-run.*--really-send"):
        run("--date", f"{later:%Y-%m-%d}")
    assert mailoutbox == [] and not Delivery.objects.exists()
    assert "nothing sent, nothing recorded" in run("--date", f"{later:%Y-%m-%d}", "--dry-run")
    assert mailoutbox == [] and not Delivery.objects.exists()


def test_really_send_sends_and_the_history_shows_the_day_it_was_for(directive_due, mailoutbox):
    later = a_working_day_ahead(40)
    directive = directive_due(later)
    assert "emails sent: 1" in run("--date", f"{later:%Y-%m-%d}", "--really-send")
    assert Delivery.objects.get().slot_date == later
    entries = apps.get_app_config("reminders").timeline_entries(directive)
    assert f"Nhắc hạn ngày {later:%d/%m/%Y}" in str(entries[0]["text"])
    with translation.override("en"):
        english = apps.get_app_config("reminders").timeline_entries(directive)
    assert f"Reminder for {later:%d/%m/%Y}" in str(english[0]["text"])


def test_no_recipient_reads_in_the_readers_language_without_the_english_log_text(directive_factory, agency_factory):
    from dxtasks.reminders.sweep import run_sweep

    directive = directive_factory(
        lead=agency_factory(contact_email=""), deadline_text="12/03/2025", assigned_on=datetime.date(2025, 1, 2)
    )
    run_sweep(datetime.date(2025, 3, 12))
    entry = apps.get_app_config("reminders").timeline_entries(directive)[0]
    assert entry["outcome"] == "Không có người nhận" and "no owner" not in entry["outcome"]

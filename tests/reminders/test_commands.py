"""send_reminders from the command line, the demo's "done when", and the schedule registration."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dxtasks.reminders.apps import SWEEP_SCHEDULE
from dxtasks.reminders.models import Delivery

from .conftest import day

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_summary_counts_recipients_emails_directives_and_skips(directive_due, mailoutbox):
    directive_due(day("2025-03-12"))
    directive_due(day("2025-03-13"))
    first = run("--date", "2025-03-12")
    second = run("--date", "2025-03-12")
    assert "recipients received a digest: 1" in first and "emails sent: 1" in first
    assert "directives covered: 2" in first and "skipped, already sent: 0" in first
    assert "emails sent: 0" in second and "skipped, already sent: 2" in second
    assert len(mailoutbox) == 1


def test_dry_run_prints_who_gets_what_and_records_nothing(directive_due, mailoutbox):
    directive_due(day("2025-03-12"), reference="DRY-1")
    output = run("--date", "2025-03-12", "--dry-run")
    assert "quan@bca.example.gov.vn [vi]: 1 directive(s)" in output
    assert "DRY-1 (due_today, hạn hôm nay)" in output
    assert "recipients would receive a digest: 1" in output
    assert mailoutbox == [] and not Delivery.objects.exists()


def test_a_non_working_day_says_so(directive_due, mailoutbox):
    directive_due(day("2025-03-12"))
    assert "not a working day" in run("--date", "2025-03-15")
    assert mailoutbox == []


def test_no_recipient_is_named_in_the_summary(directive_factory, agency_factory):
    directive_factory(
        lead=agency_factory(code="NOBODY"),
        deadline_text="12/03/2025",
        assigned_on=day("2025-01-02"),
        reference="LONELY-1",
    )
    assert "no recipient (no owner email, no agency contact): 1: LONELY-1" in run("--date", "2025-03-12")


def test_a_bad_date_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="not a date in the form YYYY-MM-DD"):
        run("--date", "12/03/2025")


def test_bootstrap_registers_the_daily_sweep_once(settings):
    from django_q.models import Schedule

    from dxtasks.directives.management.commands.bootstrap import register_schedules

    register_schedules()
    register_schedules()
    schedule = Schedule.objects.get(name=SWEEP_SCHEDULE)
    assert schedule.func == "dxtasks.reminders.tasks.daily_sweep"
    assert schedule.schedule_type == Schedule.CRON and schedule.cron == "30 7 * * *"
    local = timezone.localtime(schedule.next_run)
    assert (local.hour, local.minute) == (7, 30) and local.tzinfo.key == "Asia/Ho_Chi_Minh"
    assert Schedule.objects.filter(name="dxtasks.reminders.retry_failed").count() == 1


def test_demo_focal_points_get_one_digest_each_naming_their_directives(seed_data, mailoutbox):
    from dxtasks.directives.demo import create_demo

    today = day("2025-03-12")  # a Wednesday
    create_demo(today=today)
    output = run("--date", today.isoformat())
    assert "emails sent:" in output
    focal = {m.to[0]: m for m in mailoutbox if m.to[0] in ("mps.focal@example.gov.vn", "sbv.focal@example.gov.vn")}
    assert len([m for m in mailoutbox if m.to[0] in focal]) == 2
    mps, sbv = focal["mps.focal@example.gov.vn"], focal["sbv.focal@example.gov.vn"]
    assert "DEMO-01" in mps.body and "DEMO-03" in mps.body  # overdue, due tomorrow
    assert "DEMO-02" in sbv.body and "DEMO-04" in sbv.body  # overdue, due in 7 days
    assert "DEMO-06" not in sbv.body  # completed
    assert "quá hạn" in mps.subject and "sắp đến hạn" in mps.subject
    before = len(mailoutbox)
    assert "emails sent: 0" in run("--date", today.isoformat())
    assert len(mailoutbox) == before


def test_the_daily_task_runs_the_sweep(directive_due, mailoutbox):
    from dxtasks.reminders.tasks import daily_sweep

    directive_due(day("2025-03-12"))
    assert daily_sweep("2025-03-12").startswith("reminders 2025-03-12: 1 sent")
    assert len(mailoutbox) == 1

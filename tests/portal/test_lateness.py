"""Days overdue, and the age of a directive without a deadline, wherever directives are listed (#12, item 2).

Expected numbers are counted from the dates the test gives, not by the template tag under test.
"""

import datetime
import re

from django.utils import timezone

from dxtasks.directives import events

from .conftest import client_for


def _row(html: str, reference: str) -> str:
    found = re.search(r"<tr>(?:(?!</tr>).)*?>" + re.escape(reference) + r"<.*?</tr>", html, re.S)
    assert found, f"{reference} is not listed"
    return found.group(0)


def test_overdue_days_and_the_age_of_an_open_ended_directive_in_the_register_agency_page_and_dashboard(
    world, directive_factory
):
    today = timezone.localdate()
    due = today - datetime.timedelta(days=12)
    given = today - datetime.timedelta(days=640)
    with events.muted():
        directive_factory(lead=world.lead, reference="LATE-1", deadline_text=f"{due:%d/%m/%Y}", assigned_on=given)
        directive_factory(lead=world.lead, reference="ONGOING-1", deadline_text="thường xuyên", assigned_on=given)
    client = client_for(world.users["secretariat"])
    register = client.get("/directives/?agency=LEAD").content.decode()
    assert "quá hạn 12 ngày" in _row(register, "LATE-1")
    assert "giao 640 ngày trước" in _row(register, "ONGOING-1")
    assert "quá hạn" not in _row(register, "UBQG-7/01")  # due in 2030: nothing to say
    agency_page = client.get("/agencies/LEAD/").content.decode()
    assert "quá hạn 12 ngày" in _row(agency_page, "LATE-1")
    dashboard = client.get("/").content.decode()
    assert "quá hạn 12 ngày" in dashboard

    english = client_for(world.users["secretariat"])
    english.cookies["django_language"] = "en"
    register_en = english.get("/directives/?agency=LEAD").content.decode()
    assert "12 days overdue" in _row(register_en, "LATE-1")
    assert "given 640 days ago" in _row(register_en, "ONGOING-1")


def test_one_day_is_singular_in_english(world, directive_factory):
    today = timezone.localdate()
    with events.muted():
        directive_factory(
            lead=world.lead,
            reference="LATE-2",
            deadline_text=f"{today - datetime.timedelta(days=1):%d/%m/%Y}",
            assigned_on=today - datetime.timedelta(days=30),
        )
        directive_factory(
            lead=world.lead,
            reference="ONGOING-2",
            deadline_text="thường xuyên",
            assigned_on=today - datetime.timedelta(days=1),
        )
    english = client_for(world.users["secretariat"])
    english.cookies["django_language"] = "en"
    register_en = english.get("/directives/?agency=LEAD").content.decode()
    assert "1 day overdue" in _row(register_en, "LATE-2")
    assert "given 1 day ago" in _row(register_en, "ONGOING-2")

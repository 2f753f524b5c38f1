"""The sweep reads only the directives that can be owed something today."""

import datetime

import pytest

from dxtasks.reminders.policy import MAX_SHIFT, DirectiveFacts, Policy, escalation_slot, owner_slot
from dxtasks.reminders.sweep import open_directive_rows
from dxtasks.reminders.workdays import WorkingCalendar

from .conftest import day

pytestmark = pytest.mark.django_db


def test_a_directive_beyond_the_horizon_is_owed_nothing_on_any_day():
    """What makes skipping those rows safe: the policy itself gives them no slot."""
    policy, calendar = Policy.from_settings(), WorkingCalendar()
    horizon = max(policy.days_before) + MAX_SHIFT
    today = day("2025-01-01")
    while today < day("2026-01-01"):  # every day of a year, holidays and Tết included
        for extra in (1, 2, 7, 40):
            facts = DirectiveFacts(
                assigned_on=today - datetime.timedelta(days=400),
                due_date=today + datetime.timedelta(days=horizon + extra),
                precision="day",
                has_progress=False,
            )
            assert owner_slot(facts, today, calendar, policy) is None
            assert escalation_slot(facts, today, calendar, policy) is None
        today += datetime.timedelta(days=1)


def test_rows_far_ahead_are_not_read(directive_factory, lead, owner):
    policy = Policy.from_settings()
    today = day("2025-03-12")
    horizon = today + datetime.timedelta(days=max(policy.days_before) + MAX_SHIFT)
    assigned = today - datetime.timedelta(days=30)
    near = directive_factory(lead=lead, owner=owner, deadline_text=f"{horizon:%d/%m/%Y}", assigned_on=assigned)
    far = directive_factory(
        lead=lead, owner=owner, deadline_text=f"{horizon + datetime.timedelta(days=1):%d/%m/%Y}", assigned_on=assigned
    )
    ongoing = directive_factory(lead=lead, owner=owner, deadline_text="thường xuyên", assigned_on=assigned)
    overdue = directive_factory(lead=lead, owner=owner, deadline_text="01/01/2025", assigned_on=day("2024-06-01"))
    read = {row["id"] for row in open_directive_rows(today, policy)}
    assert read == {near.pk, ongoing.pk, overdue.pk} and far.pk not in read

"""The sweep's remembered slots answer what the policy's functions answer, row by row.

`SlotsOfTheDay` works a slot out once per deadline and applies only the
assignment test per row; over random rows and days (holidays, swapped days,
Tết) it must give exactly `owner_slot` and `escalation_slot`.
"""

import datetime
import random

from dxtasks.reminders.policy import DirectiveFacts, Policy, SlotsOfTheDay, escalation_slot, owner_slot
from dxtasks.reminders.workdays import WorkingCalendar

PRECISIONS = ["day", "month", "quarter", "year", "ongoing", "asap"]
RECURRENCES = [None, "monthly", "quarterly", "half-yearly", "yearly"]


def random_facts(rng: random.Random, today: datetime.date) -> DirectiveFacts:
    precision = rng.choice(PRECISIONS)
    assigned = today - datetime.timedelta(days=rng.randint(-5, 400))
    due = None if precision in ("ongoing", "asap") else today + datetime.timedelta(days=rng.randint(-120, 60))
    return DirectiveFacts(
        assigned_on=assigned,
        due_date=due,
        precision=precision,
        has_progress=rng.random() < 0.3,
        recurrence=rng.choice(RECURRENCES) if precision == "ongoing" else None,
    )


def test_remembered_slots_are_the_policys_slots(settings):
    rng = random.Random(16)
    policy = Policy.from_settings()
    calendar = WorkingCalendar(overrides={datetime.date(2025, 3, 14): False, datetime.date(2025, 3, 15): True})
    compared = 0
    for today in [datetime.date(2025, 1, 27), datetime.date(2025, 2, 3), datetime.date(2025, 3, 12)] + [
        datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 700)) for _ in range(12)
    ]:
        slots = SlotsOfTheDay(today, calendar, policy)
        # Few deadlines, many rows: most answers come from what was remembered.
        rows = [random_facts(rng, today) for _ in range(1500)]
        for facts in rows:
            assert slots.owner(facts) == owner_slot(facts, today, calendar, policy), (today, facts)
            assert slots.escalation(facts) == escalation_slot(facts, today, calendar, policy), (today, facts)
            compared += 1
        # The slots found are real ones, not all None: the comparison has something to compare.
        assert sum(owner_slot(f, today, calendar, policy) is not None for f in rows) > 100
    assert compared == 15 * 1500

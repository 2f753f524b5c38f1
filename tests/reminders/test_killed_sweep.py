"""A real qcluster killed (SIGKILL, whole process group) mid-sweep; the next retry run completes the day.

SQLite runs it on the ORM broker; PostgreSQL on the Redis broker (REDIS_TEST_URL,
default redis://127.0.0.1:6379/0), skipped when no Redis answers.
"""

import os

import pytest
from django.db import connection

from dxtasks.accounts.models import Role, User
from dxtasks.directives.models import Event
from dxtasks.reminders.crashdrill import run_drill
from dxtasks.reminders.models import SweepRun

from .conftest import day

RECIPIENTS = 40
KILL_AFTER = 12


def redis_for_this_database() -> str | None:
    if connection.vendor != "postgresql":
        return None  # SQLite: the ORM broker
    import redis

    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {url}")
    return url


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_sweep_killed_mid_way_is_completed_by_the_next_retry_run_exactly_once(directive_factory, lead):
    from django.core.management import call_command

    redis_url = redis_for_this_database()
    call_command("createcachetable", verbosity=0)
    User.objects.bulk_create(
        [
            User(username=f"fp{n}", email=f"fp{n}@example.gov.vn", role=Role.FOCAL_POINT, agency=lead)
            for n in range(RECIPIENTS)
        ]
    )
    for user in User.objects.filter(username__startswith="fp"):
        directive_factory(lead=lead, owner=user, deadline_text="12/03/2025", assigned_on=day("2025-01-02"))
    # The drill counts what the SMTP server accepts: the owners' "assigned" notifications (their own
    # exactly-once is tests/notifications') would be counted as second digests.
    Event.objects.all().delete()

    result = run_drill(day("2025-03-12"), recipients=RECIPIENTS, kill_after=KILL_AFTER, redis_url=redis_url)

    expected = {f"fp{n}@example.gov.vn" for n in range(RECIPIENTS)}
    # Killed between two digests, mid-sweep (parallel senders on PostgreSQL may finish one or two more).
    assert KILL_AFTER <= result.accepted_before_kill < RECIPIENTS - 10
    assert set(result.accepted) == expected and result.missing(expected) == 0
    assert result.duplicates == 0, [a for a, n in result.accepted.items() if n > 1]
    assert result.rows_not_sent == 0
    run = SweepRun.objects.get(day=day("2025-03-12"))
    assert run.finished_at and run.runs == 2 and run.trigger == SweepRun.Trigger.RETRY
    assert run.emails_sent == run.recipients == RECIPIENTS  # the day's figures, the killed run's sends included

"""The sweep's query counts (README, "Speed"): a fixed number of reads whatever the data, one write per digest.

Query counts do not drift with the machine's load, so they are asserted here; times are for
benchmark_reminders.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.reminders.sweep import CLAIM_BATCH, run_sweep

from .conftest import day

pytestmark = pytest.mark.django_db

# The dry run's reads: working-day overrides, open directives, open shares, "asap" progress,
# recent deliveries (the unfinished ones' state, the done ones' keys), then the audience (users,
# secretariat, weekly preferences, muted directives).
READS = 10


@pytest.fixture
def register(directive_due, user_factory, agency_factory, lead, secretariat):
    """Adds `n` owners, each with a directive due and one overdue, and a collective directive with `n` shares."""
    agency_factory(code="EACH", kind="other")  # the group a collective directive is led by
    made = {"owners": 0}

    def grow(n: int) -> None:
        agencies = []
        for _ in range(n):
            i = made["owners"] = made["owners"] + 1
            owner = user_factory(
                role=Role.FOCAL_POINT, agency=lead, username=f"fp{i}", email=f"fp{i}@bca.example.gov.vn"
            )
            directive_due(day("2025-03-12"), owner=owner, reference=f"DUE-{i}")
            directive_due(day("2025-02-20"), owner=owner, reference=f"LATE-{i}")
            agencies.append(agency_factory(code=f"A{i}", contact_email=f"contact{i}@example.gov.vn"))
        services.create_directive(
            by=secretariat,
            reference=f"COL-{made['owners']}",
            title_vi="Mỗi cơ quan",
            share_agencies=agencies,
            deadline_text="12/03/2025",
            assigned_on=day("2025-01-02"),
        )

    return grow


def queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        run_sweep(day("2025-03-12"), **kwargs)
    return len(captured)


def test_the_sweep_reads_a_fixed_number_of_queries_whatever_the_directives_and_shares(register):
    register(3)
    small = queries(dry_run=True)
    register(12)  # five times the directives, owners and shares
    assert queries(dry_run=True) == small == READS


def test_the_first_sweep_writes_one_query_per_digest_and_the_second_none(register, mailoutbox):
    register(4)
    first = queries()
    digests = len(mailoutbox)
    # Each owner (2 directives), each share's agency contact, and the escalation's two: the lead's
    # leadership and the secretariat.
    assert digests == 4 + 4 + 2
    again = queries()  # the same day again: everything is delivered, nothing is claimed or sent
    assert len(mailoutbox) == digests
    # Per digest one UPDATE (marked sent); the claims of up to CLAIM_BATCH recipients are one INSERT and
    # one SELECT. The rest is the fixed reads and the day's run record.
    assert digests < CLAIM_BATCH
    claim = first - again - digests
    assert 2 <= claim <= 3, (first, again, digests)  # INSERT (in a savepoint on SQLite), SELECT

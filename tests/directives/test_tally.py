"""The database keeps models.Tally equal to a recount of the directives and shares, however rows are written.

The counts are moved by triggers (migration 0014): through the services,
the ORM's bulk paths, a queryset's update() and delete(), and raw SQL, every
step below is checked against `tallies.recounted()`. The migration's first
counts, a flush that empties the table first, and writers in parallel threads
are checked the same way.
"""

import datetime
import importlib
import io
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.directives import groups, services, tallies
from dxtasks.directives.models import Agency, Directive, Share, State, Tally

D = datetime.date


def kept() -> Counter:
    return Counter(
        {
            (kind, key, state, late): n
            for kind, key, state, late, n in Tally.objects.exclude(n=0).values_list("kind", "key", "state", "late", "n")
        }
    )


def assert_kept():
    assert kept() == tallies.recounted()
    assert not Tally.objects.filter(n__lt=0).exists()


@pytest.mark.django_db
def test_every_way_of_writing_moves_the_counts(seed_data, user_factory, directive_factory):
    by = user_factory(Role.SECRETARIAT, username="sec")
    leads = list(Agency.objects.filter(kind="ministry", active=True).order_by("code")[:3])
    today = timezone.localdate()
    assert_kept()  # the fixtures' own directives

    # The services: created, submitted, completed on time and late, cancelled.
    deadlines = [today + datetime.timedelta(days=5 if n % 2 else -5) for n in range(6)]  # ahead, behind, ...
    made = [
        directive_factory(lead=leads[n % 3], deadline_text=f"{due:%d/%m/%Y}", by=by) for n, due in enumerate(deadlines)
    ]
    assert_kept()
    services.submit_for_review(directive=made[0], by=by, note="Đã xong")
    services.complete_directive(directive=made[1], by=by, completed_on=today)
    services.complete_directive(directive=made[2], by=by, completed_on=today)  # late
    services.cancel_directive(directive=made[3], by=by, reason="Không còn phù hợp")
    assert_kept()

    # A collective directive: its shares are counted by agency and by directive, not the directive itself.
    collective = services.create_directive(
        by=by,
        reference="COL-1",
        title_vi="Mỗi cơ quan ban hành kế hoạch",
        addressees=groups.EACH,
        share_agencies=leads,
        deadline_text="trong năm 2030",
        assigned_on=D(2025, 1, 2),
    )
    share = collective.shares.order_by("agency__code").first()
    services.complete_directive(directive=collective, share=share, by=by, completed_on=today)
    assert_kept()

    # The ORM's other paths: an update() that moves state, lead and lateness; a due date that makes a
    # completed directive late; a single-lead directive made collective and back; bulk_create.
    Directive.objects.filter(pk=made[4].pk).update(state=State.COMPLETED, completed_on=today, lead_agency=leads[2])
    Directive.objects.filter(pk=made[1].pk).update(due_date=today - datetime.timedelta(days=1))
    Directive.objects.filter(pk=made[5].pk).update(addressees=groups.ALL)
    assert_kept()
    Directive.objects.filter(pk=made[5].pk).update(addressees="")
    Share.objects.filter(pk=share.pk).update(agency=leads[0], state=State.OPEN, completed_on=None)
    Directive.objects.bulk_create(
        [
            Directive(
                reference=f"BULK-{n}",
                title_vi="Nhiệm vụ",
                lead_agency=leads[n % 2],
                assigned_on=today,
                deadline_text="thường xuyên",
                deadline_precision="ongoing",
            )
            for n in range(5)
        ]
    )
    assert_kept()

    # Deletions: one by one (the ORM's cascade deletes the shares), in bulk, and in raw SQL.
    collective.delete()
    Directive.objects.filter(reference__startswith="BULK-").exclude(reference="BULK-0").delete()
    assert_kept()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM directives_directive WHERE reference = %s", ["BULK-0"])
    assert_kept()


@pytest.mark.django_db
def test_the_migration_counts_what_is_there(seed_data, directive_factory):
    migration = importlib.import_module("dxtasks.directives.migrations.0014_tally")
    directive_factory(deadline_text="trong năm 2030")
    before = kept()
    Tally.objects.all().delete()
    with connection.cursor() as cursor:
        for statement in migration._first_counts():
            cursor.execute(statement)
    assert kept() == before == tallies.recounted()


@pytest.mark.django_db
def test_a_table_emptied_first_is_not_driven_below_zero(seed_data, directive_factory):
    """SQLite's flush deletes table by table in any order: counts taken back from an empty table stay absent."""
    directive_factory(deadline_text="trong năm 2030")
    Tally.objects.all().delete()
    Share.objects.all().delete()
    Directive.objects.all().delete()
    assert not Tally.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_writers_in_parallel_lose_no_count(seed_data):
    """Eight threads, each its own connection and transactions, complete and reopen directives of one agency."""
    lead = Agency.objects.filter(kind="ministry", active=True).order_by("code").first()
    today = timezone.localdate()
    rows = Directive.objects.bulk_create(
        [
            Directive(
                reference=f"PAR-{n}",
                title_vi="Nhiệm vụ",
                lead_agency=lead,
                assigned_on=today,
                deadline_text="thường xuyên",
                deadline_precision="ongoing",
            )
            for n in range(40)
        ]
    )
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            barrier.wait()
            for round_ in range(10):
                for row in rows[worker::8]:
                    closed = (round_ + worker) % 2 == 0
                    Directive.objects.filter(pk=row.pk).update(
                        state=State.COMPLETED if closed else State.OPEN, completed_on=today if closed else None
                    )
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert_kept()


@pytest.mark.django_db
def test_recount_tallies_finds_and_repairs_a_bypassed_count(seed_data, directive_factory):
    directive_factory(deadline_text="trong năm 2030")
    call_command("recount_tallies", stdout=io.StringIO())  # agrees: no error
    row = Tally.objects.filter(kind="lead", n__gt=0).first()
    Tally.objects.filter(pk=row.pk).update(n=row.n + 5)  # as a load with the triggers off would leave it
    with pytest.raises(CommandError, match="1 counts differ"):
        call_command("recount_tallies", stdout=io.StringIO())
    out = io.StringIO()
    call_command("recount_tallies", "--repair", stdout=out)
    assert f"kept {row.n + 5}, counted {row.n}" in out.getvalue()
    assert_kept()

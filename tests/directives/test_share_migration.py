"""The data migration turns directives led by ALL into collective directives, losing nothing."""

import datetime

import pytest

from tests.migrating import latest, migrate

D = datetime.date
BEFORE = [("directives", "0006_shares"), ("accounts", "0002_initial")]
AFTER = [("directives", "0007_group_led_to_shares"), ("accounts", "0002_initial")]


@pytest.mark.django_db(transaction=True)
def test_group_led_directives_become_collective_with_their_history():
    apps = migrate(BEFORE)
    Agency = apps.get_model("directives", "Agency")
    Directive = apps.get_model("directives", "Directive")
    DeadlineChange = apps.get_model("directives", "DeadlineChange")
    ProgressUpdate = apps.get_model("directives", "ProgressUpdate")
    User = apps.get_model("accounts", "User")
    try:
        make = lambda code, kind, **kw: Agency.objects.create(  # noqa: E731
            code=code, name_vi=code, name_en=code, short_name_vi=code, kind=kind, **kw
        )
        group = make("ALL", "other")
        mps = make("MPS", "ministry")
        old_province = make("OLD-P", "province", active=False, succeeded_on=D(2025, 7, 1))
        make("NEW-P", "province", established_on=D(2025, 7, 1))
        make("SINGLE", "ministry")
        focal = User.objects.create(username="f", role="focal_point", agency=mps)
        directive = Directive.objects.create(
            reference="UBQG-T/01",
            title_vi="Kế hoạch",
            lead_agency=group,
            assigned_on=D(2025, 2, 6),
            deadline_text="28/02/2025",
            due_date=D(2025, 3, 31),
            deadline_precision="day",
            state="completed",
            completed_on=D(2025, 3, 20),
            outcome="Đã ban hành",
            version=3,
        )
        DeadlineChange.objects.create(
            directive=directive,
            old_due=D(2025, 2, 28),
            new_due=D(2025, 3, 31),
            old_deadline_text="28/02/2025",
            new_deadline_text="31/03/2025",
            reason="lùi",
            approved_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
        )
        ProgressUpdate.objects.create(
            directive=directive,
            percent=60,
            note="đang làm",
            reported_at=datetime.datetime(2025, 3, 5, tzinfo=datetime.UTC),
        )

        apps = migrate(AFTER)
        Directive = apps.get_model("directives", "Directive")
        Share = apps.get_model("directives", "Share")
        migrated = Directive.objects.get(reference="UBQG-T/01")
        assert migrated.addressees == "ALL" and migrated.lead_agency.code == "ALL"
        assert (migrated.state, migrated.completed_on, migrated.outcome) == ("completed", D(2025, 3, 20), "Đã ban hành")
        shares = Share.objects.filter(directive=migrated)
        assert set(shares.values_list("agency__code", flat=True)) == {"MPS", "OLD-P", "SINGLE"}
        share = shares.get(agency_id=mps.pk)
        assert (share.state, share.completed_on, share.due_date, share.owner_id) == (
            "completed",
            D(2025, 3, 20),
            D(2025, 3, 31),
            focal.pk,
        )
        assert shares.get(agency_id=old_province.pk).owner_id is None
        # The directive keeps its history; each share carries the deadline change, for as-of status.
        DeadlineChange = apps.get_model("directives", "DeadlineChange")
        assert DeadlineChange.objects.filter(directive=migrated, share__isnull=True).count() == 1
        assert DeadlineChange.objects.filter(share__directive=migrated).count() == 3
        assert apps.get_model("directives", "ProgressUpdate").objects.filter(directive=migrated).count() == 1

        apps = migrate(BEFORE)  # reversible
        assert apps.get_model("directives", "Directive").objects.get(reference="UBQG-T/01").addressees == ""
    finally:
        migrate(latest())

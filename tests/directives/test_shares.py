"""Collective directives: groups resolved on the assigned day, one share per agency, status rolled up."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.directives import groups, selectors, services
from dxtasks.directives.models import (
    Agency,
    DeadlineChange,
    Directive,
    ExtensionRequest,
    ProgressUpdate,
    Share,
    State,
    StateChange,
)
from dxtasks.directives.status import Status, annotate_status
from tests.conftest import merge

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(user_factory):
    return user_factory(role="secretariat")


def status_of(directive, as_of=None):
    return annotate_status(Directive.objects.filter(pk=directive.pk), as_of).get().status


def share_status(share, as_of=None):
    return selectors.shares_as_of(as_of, queryset=Share.objects.filter(pk=share.pk)).get().status


@pytest.fixture
def collective(seed_data, secretariat):
    """A directive to every ministry and province, assigned before the 2025 mergers, due 31/12/2025."""
    return services.create_directive(
        by=secretariat,
        reference="COL-1",
        title_vi="Mỗi bộ, tỉnh ban hành kế hoạch",
        addressees=groups.ALL,
        deadline_text="trong năm 2025",
        assigned_on=D(2024, 3, 1),
    )


def test_provinces_are_63_before_the_july_2025_merger_and_34_after(seed_data):
    assert groups.members(groups.ALL_PROVINCES, D(2025, 6, 30)).count() == 63
    assert groups.members(groups.ALL_PROVINCES, D(2025, 7, 1)).count() == 34
    before = set(groups.members(groups.ALL_MINISTRIES, D(2025, 2, 28)).values_list("code", flat=True))
    after = set(groups.members(groups.ALL_MINISTRIES, D(2025, 3, 1)).values_list("code", flat=True))
    assert {"MIC", "MPI", "MPS", "SBV"} <= before and not {"MAE", "MEMR"} & before
    assert {"MAE", "MEMR", "MPS", "SBV"} <= after and not {"MIC", "MPI"} & after
    both = groups.members(groups.ALL, D(2025, 7, 1))
    assert both.count() == len(after) + 34
    assert not both.filter(code__in=list(groups.GROUPS)).exists()


def test_a_group_directive_gets_one_share_per_member_of_its_day(collective):
    assert collective.addressees == "ALL" and collective.lead_agency.code == "ALL"
    codes = set(collective.shares.values_list("agency__code", flat=True))
    assert len(codes) == 63 + groups.members(groups.ALL_MINISTRIES, D(2024, 3, 1)).count()
    assert {"MPS", "SBV", "YEN-BAI"} <= codes and "LAO-CAI-2025" not in codes
    share = collective.shares.get(agency__code="MPS")
    assert (share.due_date, share.deadline_text, share.state) == (D(2025, 12, 31), "trong năm 2025", State.OPEN)


def test_an_each_list_gets_a_share_per_listed_agency_and_owner_defaults_to_the_focal_point(
    seed_data, secretariat, user_factory
):
    mps, moj, moh = (Agency.objects.get(code=c) for c in ("MPS", "MOJ", "MOH"))
    focal = user_factory(role="focal_point", agency=mps)
    directive = services.create_directive(
        by=secretariat,
        reference="EACH-1",
        title_vi="Mỗi bộ rà soát",
        share_agencies=[mps, moj, moh, mps],
        deadline_text="trong năm 2030",
        assigned_on=D(2024, 3, 1),
    )
    assert directive.addressees == groups.EACH and directive.lead_agency.code == "EACH"
    assert sorted(directive.shares.values_list("agency__code", flat=True)) == ["MOH", "MOJ", "MPS"]
    assert directive.shares.get(agency=mps).owner == focal
    assert directive.shares.get(agency=moj).owner is None


def test_an_unknown_group_code_saves_nothing(seed_data, secretariat):
    with pytest.raises(services.DirectiveError) as err:
        services.create_directive(
            by=secretariat,
            reference="BAD-1",
            title_vi="x",
            addressees="ALL-NOPE",
            deadline_text="trong năm 2030",
            assigned_on=D(2024, 3, 1),
        )
    assert "lead_agency" in err.value.message_dict
    assert not Directive.objects.filter(reference="BAD-1").exists()
    assert not Share.objects.filter(directive__reference="BAD-1").exists()


def test_progress_on_a_share_changes_that_share_only(collective, secretariat):
    mps = collective.shares.get(agency__code="MPS")
    sbv = collective.shares.get(agency__code="SBV")
    before = Share.objects.get(pk=sbv.pk)
    services.record_progress(directive=collective, share=mps, by=secretariat, percent=100, note="Đã ban hành")
    rows = selectors.shares_of(collective)
    assert {s.agency.code: s.latest_percent for s in rows}["MPS"] == 100
    assert {s.agency.code: s.latest_percent for s in rows}["SBV"] is None
    assert Share.objects.get(pk=sbv.pk).updated_at == before.updated_at
    # The directive's own latest progress is the whole directive's, not one agency's.
    assert selectors.with_latest_progress(Directive.objects.filter(pk=collective.pk)).get().latest_percent is None
    assert ProgressUpdate.objects.get(directive=collective).share == mps


def test_an_approved_extension_moves_that_share_only(collective, secretariat, user_factory):
    mps_share = collective.shares.get(agency__code="MPS")
    focal = user_factory(role="focal_point", agency=mps_share.agency)
    request = services.request_extension(
        directive=collective,
        share=mps_share,
        by=focal,
        proposed_due=timezone.localdate() + datetime.timedelta(days=90),
        reason="Chờ ý kiến thẩm định",
    )
    # One pending request per share; another agency may still ask.
    with pytest.raises(services.DirectiveError):
        services.request_extension(
            directive=collective,
            share=mps_share,
            by=focal,
            proposed_due=timezone.localdate() + datetime.timedelta(days=99),
            reason="x",
        )
    sbv_share = collective.shares.get(agency__code="SBV")
    services.request_extension(
        directive=collective,
        share=sbv_share,
        by=secretariat,
        proposed_due=timezone.localdate() + datetime.timedelta(days=30),
        reason="y",
    )
    services.decide_extension(request=request, by=secretariat, approve=True)
    mps_share.refresh_from_db()
    assert mps_share.due_date == request.proposed_due and mps_share.version == 2
    assert (
        collective.shares.exclude(pk=mps_share.pk).filter(due_date=D(2025, 12, 31)).count()
        == collective.shares.count() - 1
    )
    collective.refresh_from_db()
    assert collective.due_date == D(2025, 12, 31)
    change = DeadlineChange.objects.get(directive=collective)
    assert (change.share, change.old_due, change.new_due) == (mps_share, D(2025, 12, 31), request.proposed_due)
    assert ExtensionRequest.objects.filter(share=sbv_share, decision="pending").exists()


def test_moving_the_directives_deadline_moves_the_shares_still_on_it(collective, secretariat):
    mps = collective.shares.get(agency__code="MPS")
    services.change_deadline(
        directive=collective, share=mps, approved_by=secretariat, new_due=D(2031, 1, 1), reason="riêng BCA"
    )
    services.change_deadline(
        directive=collective, approved_by=secretariat, new_deadline_text="trong năm 2030", reason="lùi hạn chung"
    )
    assert set(collective.shares.exclude(pk=mps.pk).values_list("due_date", flat=True)) == {D(2030, 12, 31)}
    mps.refresh_from_db()
    assert mps.due_date == D(2031, 1, 1)
    assert DeadlineChange.objects.filter(directive=collective, share__isnull=False).count() == collective.shares.count()


def test_status_as_of_a_day_follows_each_shares_history(collective, secretariat):
    """Before its due date every share is within; after it the roll-up is overdue while any share is open."""
    shares = list(collective.shares.order_by("pk"))
    assert status_of(collective, D(2025, 6, 1)) == Status.WITHIN_DEADLINE
    assert status_of(collective) == Status.OVERDUE
    for share in shares[:-1]:
        services.complete_directive(directive=collective, share=share, by=secretariat, completed_on=D(2025, 11, 1))
    assert status_of(collective) == Status.OVERDUE  # one share still open past its deadline
    collective.refresh_from_db()
    assert collective.state == State.OPEN
    summary = selectors.share_summary(collective)
    assert (summary["completed"], summary["counted"], summary[Status.OVERDUE]) == (len(shares) - 1, len(shares), 1)
    last = shares[-1]
    services.complete_directive(directive=collective, share=last, by=secretariat, completed_on=D(2026, 1, 15))
    collective.refresh_from_db()
    assert (collective.state, collective.completed_on) == (State.COMPLETED, D(2026, 1, 15))
    assert status_of(collective) == Status.COMPLETED_LATE
    assert share_status(shares[0]) == Status.COMPLETED_ON_TIME
    # As of a day before the last completion, that share was overdue and so was the directive.
    assert status_of(collective, D(2026, 1, 10)) == Status.OVERDUE
    assert status_of(collective, D(2025, 11, 2)) == Status.WITHIN_DEADLINE
    assert StateChange.objects.filter(share__isnull=True, directive=collective, new_state="completed").count() == 1


def test_an_extended_share_is_within_its_own_deadline_as_of_a_past_day(collective, secretariat):
    mps = collective.shares.get(agency__code="MPS")
    services.change_deadline(
        directive=collective, share=mps, approved_by=secretariat, new_due=D(2031, 1, 1), reason="gia hạn"
    )
    assert share_status(mps) == Status.WITHIN_DEADLINE
    # One share within its deadline does not hide the others': the directive is overdue while one is.
    assert status_of(collective) == Status.OVERDUE
    for share in collective.shares.exclude(pk=mps.pk):
        services.complete_directive(directive=collective, share=share, by=secretariat, completed_on=D(2025, 11, 1))
    assert status_of(collective) == Status.WITHIN_DEADLINE  # the others done on time, MPS still in its own
    # On 2026-01-05 the extension had not been approved yet (it was approved today): MPS was overdue then.
    assert share_status(mps, D(2026, 1, 5)) == Status.OVERDUE


def test_a_cancelled_share_leaves_the_roll_up_and_a_cancelled_directive_is_cancelled(collective, secretariat):
    shares = list(collective.shares.order_by("pk"))
    for share in shares[1:]:
        services.cancel_directive(directive=collective, share=share, by=secretariat, reason="không liên quan")
    services.complete_directive(directive=collective, share=shares[0], by=secretariat, completed_on=D(2025, 5, 1))
    assert status_of(collective) == Status.COMPLETED_ON_TIME
    other = services.create_directive(
        by=secretariat,
        reference="COL-2",
        title_vi="y",
        addressees=groups.ALL_PROVINCES,
        deadline_text="trong năm 2030",
        assigned_on=D(2025, 8, 1),
    )
    assert other.shares.count() == 34
    services.cancel_directive(directive=other, by=secretariat, reason="bãi bỏ")
    assert status_of(other) == Status.CANCELLED


def test_whole_directive_actions_on_a_collective_directive_need_a_share(collective, secretariat):
    with pytest.raises(services.DirectiveError):
        services.complete_directive(directive=collective, by=secretariat, completed_on=D(2025, 5, 1))
    with pytest.raises(services.DirectiveError):
        services.submit_for_review(directive=collective, by=secretariat)
    assert not StateChange.objects.filter(directive=collective).exists()


def test_a_share_of_another_directive_is_refused(collective, secretariat):
    other = services.create_directive(
        by=secretariat,
        reference="COL-3",
        title_vi="z",
        addressees=groups.ALL,
        deadline_text="trong năm 2030",
        assigned_on=D(2025, 8, 1),
    )
    with pytest.raises(services.DirectiveError):
        services.record_progress(directive=collective, share=other.shares.first(), by=secretariat, percent=5, note="x")
    assert not ProgressUpdate.objects.filter(directive=collective).exists()


def test_scorecards_count_shares_for_their_agencies(collective, secretariat, directive_factory):
    mps = Agency.objects.get(code="MPS")
    single = directive_factory(lead=mps, deadline_text="trong năm 2024", assigned_on=D(2024, 1, 1))
    services.complete_directive(
        directive=collective,
        share=collective.shares.get(agency__code="SBV"),
        by=secretariat,
        completed_on=D(2025, 5, 1),
    )
    scope = selectors.directives_as_of().filter(pk__in=[single.pk, collective.pk])
    cards = {c["lead_agency__code"]: c for c in selectors.agency_scorecards(scope, timezone.localdate())}
    assert "ALL" not in cards
    assert (cards["MPS"]["assigned"], cards["MPS"]["overdue"]) == (2, 2)
    assert (cards["SBV"]["assigned"], cards["SBV"]["on_time"], cards["SBV"]["overdue"]) == (1, 1, 0)
    late = selectors.late_agencies(Directive.objects.filter(pk=collective.pk))
    assert mps in late[collective.pk] and Agency.objects.get(code="SBV") not in late[collective.pk]


def test_the_agency_register_and_my_directives_include_shares(collective, user_factory):
    mps = Agency.objects.get(code="MPS")
    focal = user_factory(role="focal_point", agency=mps)
    assert selectors.involving_agency(mps).filter(pk=collective.pk).exists()
    assert selectors.for_user(focal).filter(pk=collective.pk).exists()
    outsider = user_factory(role="viewer")
    assert not selectors.for_user(outsider).filter(pk=collective.pk).exists()
    share = collective.shares.get(agency=mps)
    Share.objects.filter(pk=share.pk).update(owner=outsider)
    assert selectors.for_user(outsider).filter(pk=collective.pk).exists()


def test_a_merged_agencys_share_follows_the_chosen_transfer(seed_data, secretariat):
    mic, moj = Agency.objects.get(code="MIC"), Agency.objects.get(code="MOJ")
    # A ministry listed while it was active, merged afterwards (a merged agency takes no new directive).
    old = Agency.objects.create(code="OLD-M", name_vi="Bộ Cũ", name_en="Old", short_name_vi="BC", kind="ministry")
    directive = services.create_directive(
        by=secretariat,
        reference="EACH-2",
        title_vi="w",
        share_agencies=[old, moj],
        deadline_text="trong năm 2030",
        assigned_on=D(2024, 8, 1),
    )
    merge(old, mic.successor)
    share = directive.shares.get(agency=old)
    services.record_progress(directive=directive, share=share, by=secretariat, percent=30, note="x")
    services.transfer_to_successor(agency=old, directives=[directive], by=secretariat)
    share.refresh_from_db()
    assert share.agency.code == "MOST" and share.progress_updates.count() == 1
    # Where the successor already has its own share, the transfer is refused whole.
    everyone = services.create_directive(
        by=secretariat,
        reference="COL-4",
        title_vi="v",
        addressees=groups.ALL,
        deadline_text="trong năm 2030",
        assigned_on=D(2024, 8, 1),
    )
    with pytest.raises(services.DirectiveError):
        services.transfer_to_successor(agency=mic, directives=[everyone], by=secretariat)
    assert everyone.shares.filter(agency=mic).exists()


def test_the_seed_collective_directives_have_shares_of_their_day(seed_data):
    collective = Directive.objects.exclude(addressees="")
    assert collective.count() == 11
    assert not Directive.objects.filter(lead_agency__code="ALL", addressees="").exists()
    ubqg10 = Directive.objects.get(reference="UBQG-10/01")
    assert ubqg10.shares.filter(agency__code__in=["MPS", "SBV", "MIC"]).count() == 3
    assert ubqg10.shares.filter(agency__kind="province").count() == 63

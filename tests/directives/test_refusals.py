"""Every refusal is a DirectiveError carrying the code of the rule that refused; nothing is written then."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.directives.models import Directive, DirectiveChange, Meeting
from dxtasks.directives.refusals import Refusal
from tests.conftest import merge

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def sec(user_factory):
    return user_factory(role=Role.SECRETARIAT)


@pytest.fixture
def merged(agency_factory):
    successor = agency_factory("MOSTR", short_name_vi="BKHCNR")
    return agency_factory("MICR", short_name_vi="BTTTTR", active=False, successor=successor, succeeded_on=D(2025, 3, 1))


def _refusal(call) -> Refusal:
    with pytest.raises(services.DirectiveError) as refused:
        call()
    return refused.value.refusal


def _new(lead, **fields):
    values = {"by": None, "reference": "R-1", "title_vi": "x", "lead_agency": lead, "deadline_text": "năm 2030"}
    values["assigned_on"] = D(2025, 6, 1)
    return lambda: services.create_directive(**{**values, **fields})


def test_a_merged_agency_takes_no_new_directive(merged, directive_factory, agency_factory, sec):
    assert _refusal(_new(merged)) == Refusal.MERGED_LEAD
    assert _refusal(_new(merged, assigned_on=D(2024, 5, 1))) == Refusal.MERGED_LEAD  # whatever the day
    assert not Directive.objects.exists()
    # What it already leads stays its own, and is edited as before, until transferred.
    mine = directive_factory(lead=agency_factory("MICS"))
    type(merged).objects.filter(pk=mine.lead_agency_id).update(active=False)
    assert services.update_directive(directive=mine, by=sec, title_vi="Vẫn sửa được").title_vi == "Vẫn sửa được"


def _args(lead):
    return {"by": None, "reference": "R-2", "title_vi": "x", "lead_agency": lead, "deadline_text": "năm 2030"}


def test_nor_be_listed_for_a_share_nor_be_made_lead_by_an_edit(merged, agency_factory, directive_factory, sec):
    agency_factory("EACH", kind="other")
    assert _refusal(_new(None, share_agencies=[agency_factory("A1"), merged])) == Refusal.MERGED_LEAD
    directive = directive_factory(assigned_on=D(2025, 6, 1))
    before = Directive.objects.values("lead_agency", "updated_at").get(pk=directive.pk)
    assert _refusal(lambda: services.update_directive(directive=directive, by=sec, lead_agency=merged)) == (
        Refusal.MERGED_LEAD
    )
    assert Directive.objects.values("lead_agency", "updated_at").get(pk=directive.pk) == before
    assert not DirectiveChange.objects.filter(action="edited").exists()


def test_the_models_own_rules_come_out_as_invalid_with_the_field_errors_kept(agency_factory, directive_factory, sec):
    lead = agency_factory()
    with pytest.raises(services.DirectiveError) as refused:
        _new(lead, source_url="không phải địa chỉ", title_vi="x" * 301)()
    assert refused.value.refusal == Refusal.INVALID
    assert set(refused.value.message_dict) == {"source_url", "title_vi"}
    directive = directive_factory(lead=lead)
    other = directive_factory(lead=lead)
    assert _refusal(lambda: services.update_directive(directive=other, by=sec, reference=directive.reference)) == (
        Refusal.INVALID
    )
    assert (
        _refusal(lambda: services.record_progress(directive=directive, by=sec, percent=101, note="x"))
        == Refusal.INVALID
    )


def test_each_workflow_refusal_has_its_code(directive_factory, sec):
    directive = directive_factory(deadline_text="30/06/2030")
    today = timezone.localdate()
    cases = [
        (
            lambda: services.create_directive(
                **{**_args(directive.lead_agency), "deadline_text": "quý V/2030"}, assigned_on=today
            ),
            Refusal.DEADLINE_UNREADABLE,
        ),
        (
            lambda: services.update_directive(
                directive=directive,
                by=sec,
                expected_updated_at=directive.updated_at - datetime.timedelta(seconds=1),
                title_vi="y",
            ),
            Refusal.STALE_EDIT,
        ),
        (lambda: services.return_for_rework(directive=directive, by=sec, note="x"), Refusal.TRANSITION),
        (lambda: services.cancel_directive(directive=directive, by=sec, reason=" "), Refusal.REASON_REQUIRED),
        (
            lambda: services.change_deadline(
                directive=directive, approved_by=sec, reason="x", new_deadline_text="30/06/2030"
            ),
            Refusal.DEADLINE_UNCHANGED,
        ),
        (
            lambda: services.request_extension(directive=directive, by=sec, proposed_due=today, reason="x"),
            Refusal.EXTENSION_DATE,
        ),
        (
            lambda: services.complete_directive(
                directive=directive, by=sec, completed_on=today + datetime.timedelta(days=1)
            ),
            Refusal.COMPLETION_DATE,
        ),
        (
            lambda: services.transfer_to_successor(agency=directive.lead_agency, directives=[directive], by=sec),
            Refusal.NO_SUCCESSOR,
        ),
    ]
    for call, code in cases:
        assert _refusal(call) == code, code
    services.request_extension(directive=directive, by=sec, proposed_due=D(2031, 1, 1), reason="x")
    assert (
        _refusal(
            lambda: services.request_extension(directive=directive, by=sec, proposed_due=D(2031, 2, 1), reason="x")
        )
        == Refusal.EXTENSION_PENDING
    )
    request = directive.extension_requests.get()
    services.decide_extension(request=request, by=sec, approve=False)
    assert _refusal(lambda: services.decide_extension(request=request, by=sec, approve=True)) == Refusal.ALREADY_DECIDED
    assert _refusal(lambda: services.withdraw_extension(request=request, by=sec)) == Refusal.ALREADY_DECIDED
    services.cancel_directive(directive=directive, by=sec, reason="Không còn cần")
    assert (
        _refusal(lambda: services.record_progress(directive=directive, by=sec, percent=1, note="x")) == Refusal.CLOSED
    )
    assert _refusal(lambda: services.submit_for_review(directive=directive, by=sec)) == Refusal.CLOSED


def test_a_stale_edit_is_still_its_own_class(directive_factory, sec):
    directive = directive_factory()
    stale = directive.updated_at - datetime.timedelta(seconds=1)
    with pytest.raises(services.StaleEdit) as refused:
        services.update_directive(directive=directive, by=sec, expected_updated_at=stale, title_vi="y")
    assert refused.value.refusal == Refusal.STALE_EDIT


def test_meeting_refusals_have_codes(directive_factory, sec):
    far = timezone.localdate() + datetime.timedelta(days=400)
    assert _refusal(lambda: services.create_meeting(by=sec, committee="ncdt", date=far, title_vi="x")) == (
        Refusal.MEETING_INVALID
    )
    meeting = services.create_meeting(by=sec, committee="ncdt", date=D(2024, 1, 5), title_vi="x")
    directive_factory(meeting=meeting)
    assert _refusal(lambda: services.delete_meeting(meeting=meeting, by=sec)) == Refusal.MEETING_HAS_DIRECTIVES
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_field_refusal_carries_the_code_on_its_field_too(agency_factory):
    with pytest.raises(services.DirectiveError) as refused:
        _new(agency_factory(), deadline_text="quý V/2030")()
    assert [e.code for e in refused.value.error_dict["deadline_text"]] == [Refusal.DEADLINE_UNREADABLE]


def test_the_readme_lists_every_refusal_code():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [code for code in Refusal.values if f"| `{code}` |" not in readme]
    assert not missing


def test_the_check_of_a_new_directive_says_every_rule_that_refuses_at_once(merged):
    fields = {"reference": "R" * 40, "title_vi": "", "lead_agency": merged, "deadline_text": "quý V/2025"}
    fields |= {"assigned_on": D(2025, 6, 1), "source_url": "javascript:alert(1)", "pillar": "space"}
    with pytest.raises(services.DirectiveError) as refused:
        services.check_new_directive(**fields)
    assert refused.value.refusal == Refusal.INVALID  # several rules: the code says only that
    assert set(refused.value.message_dict) == {
        "reference",
        "title_vi",
        "lead_agency",
        "deadline_text",
        "source_url",
        "pillar",
    }
    # One rule alone keeps its own code; a field the caller refused already is left out.
    assert _refusal(
        lambda: services.check_new_directive(
            **{
                **fields,
                "lead_agency": merged,
                "reference": "R-3",
                "title_vi": "x",
                "source_url": "",
                "pillar": "economy",
            },
            exclude={"deadline_text"},
        )
    ) == (Refusal.MERGED_LEAD)
    assert not Directive.objects.exists()


def test_nor_be_made_a_co_ordinator_while_the_co_ordinations_it_has_stay(
    merged, agency_factory, directive_factory, sec
):
    lead = agency_factory("LEADC")
    assert _refusal(_new(lead, co_agencies=[agency_factory("A2"), merged])) == Refusal.MERGED_CO_AGENCY
    with pytest.raises(services.DirectiveError) as early:
        fields = {key: value for key, value in _args(lead).items() if key != "by"}
        services.check_new_directive(**fields, assigned_on=D(2025, 6, 1), co_agencies=[merged])
    assert early.value.refusal == Refusal.MERGED_CO_AGENCY and "co_agencies" in early.value.message_dict
    assert not Directive.objects.exists()

    directive = directive_factory(lead=lead, assigned_on=D(2025, 6, 1))
    before = Directive.objects.values("updated_at", "version").get(pk=directive.pk)
    assert _refusal(lambda: services.update_directive(directive=directive, by=sec, co_agencies=[merged])) == (
        Refusal.MERGED_CO_AGENCY
    )
    assert not directive.co_agencies.exists()
    assert Directive.objects.values("updated_at", "version").get(pk=directive.pk) == before

    # An agency merged after it was made co-ordinator stays one, through edits of other co-ordinators too.
    later = agency_factory("LATERM")
    services.update_directive(directive=directive, by=sec, co_agencies=[later])
    merge(later, merged.successor)
    other = agency_factory("A3")
    services.update_directive(directive=directive, by=sec, co_agencies=[later, other])
    assert set(directive.co_agencies.values_list("code", flat=True)) == {"LATERM", "A3"}

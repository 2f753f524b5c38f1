"""`actions.available_actions`: the roles and the transition table together, as the page and the API offer them.

The expectations are written out per role and state (not derived from the
table), so a slip in either the roles or the table shows here.
"""

import datetime

import pytest
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.directives.actions import available_actions
from dxtasks.directives.models import State

pytestmark = pytest.mark.django_db

REPORT = {"progress", "extension", "submit"}
OPEN_MANAGE = {"deadline", "complete", "cancel"}
# What each role may do on a single-lead directive in each state (no request pending).
EXPECTED = {
    State.OPEN: {
        "secretariat": REPORT | OPEN_MANAGE,
        "lead_focal": REPORT,
        "co_focal": REPORT,
        "other_focal": set(),
        "viewer": set(),
    },
    State.SUBMITTED: {
        "secretariat": {"progress", "extension", "deadline", "return", "complete", "cancel"},
        "lead_focal": {"progress", "extension"},
        "co_focal": {"progress", "extension"},
        "other_focal": set(),
        "viewer": set(),
    },
    State.COMPLETED: dict.fromkeys(["secretariat", "lead_focal", "co_focal", "other_focal", "viewer"], set()),
    State.CANCELLED: dict.fromkeys(["secretariat", "lead_focal", "co_focal", "other_focal", "viewer"], set()),
}


@pytest.fixture
def world(agency_factory, user_factory, directive_factory):
    lead, co, other = agency_factory("LEAD"), agency_factory("COAG"), agency_factory("OTHER")
    users = {
        "secretariat": user_factory(Role.SECRETARIAT),
        "lead_focal": user_factory(Role.FOCAL_POINT, agency=lead),
        "co_focal": user_factory(Role.FOCAL_POINT, agency=co),
        "other_focal": user_factory(Role.FOCAL_POINT, agency=other),
        "viewer": user_factory(Role.VIEWER, agency=lead),
    }
    directive = directive_factory(lead=lead, co_agencies=[co], deadline_text="trong năm 2030")
    return directive, users


def _bring(directive, state, sec):
    if state == State.SUBMITTED:
        services.submit_for_review(directive=directive, by=sec)
    elif state == State.COMPLETED:
        services.complete_directive(directive=directive, by=sec, completed_on=timezone.localdate())
    elif state == State.CANCELLED:
        services.cancel_directive(directive=directive, by=sec, reason="Thôi")
    directive.refresh_from_db()


@pytest.mark.parametrize("state", list(State))
def test_each_role_in_each_state(world, state):
    directive, users = world
    _bring(directive, state, users["secretariat"])
    found = {position: set(available_actions(user, directive)) for position, user in users.items()}
    assert found == EXPECTED[state]


def test_a_pending_request_is_decided_by_the_secretariat_and_withdrawn_by_its_requester(world):
    directive, users = world
    services.request_extension(
        directive=directive, by=users["lead_focal"], proposed_due=datetime.date(2031, 6, 1), reason="Cần thêm"
    )
    assert available_actions(users["lead_focal"], directive) == REPORT - {"extension"} | {"withdraw"}
    assert available_actions(users["co_focal"], directive) == REPORT - {"extension"}  # no second request
    assert available_actions(users["secretariat"], directive) == (REPORT | OPEN_MANAGE) - {"extension"} | {
        "decide",
        "withdraw",
    }
    assert available_actions(users["viewer"], directive) == set()


def test_a_collective_directive_is_acted_on_share_by_share(agency_factory, user_factory, directive_factory):
    agency_factory("EACH", kind="other")
    mine, theirs = agency_factory("MINE"), agency_factory("THEIRS")
    sec, focal = user_factory(Role.SECRETARIAT), user_factory(Role.FOCAL_POINT, agency=mine)
    directive = directive_factory(lead=None, share_agencies=[mine, theirs])
    own, other = directive.shares.get(agency=mine), directive.shares.get(agency=theirs)
    # The whole directive: the secretariat's note, a deadline for every share, a cancellation; no completion.
    assert available_actions(sec, directive) == {"progress", "deadline", "cancel"}
    assert available_actions(focal, directive) == set()
    assert available_actions(focal, directive, own) == REPORT
    assert available_actions(focal, directive, other) == set()
    assert available_actions(sec, directive, own) == REPORT | OPEN_MANAGE
    services.submit_for_review(directive=directive, by=focal, share=own)
    own.refresh_from_db()
    assert available_actions(focal, directive, own) == {"progress", "extension"}
    # Nothing is offered on a share of a cancelled directive, whatever the share's own state.
    services.cancel_directive(directive=directive, by=sec, reason="Thôi")
    directive.refresh_from_db()
    assert available_actions(sec, directive, own) == set()

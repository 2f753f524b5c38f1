"""One transition table (directives/transitions.py): the services, the directive page and the feeds agree with it.

Driven from the table itself: for every state and every action, the service
does what the table allows (to the state it names) and refuses the rest with
the right code, writing nothing; the page offers exactly the allowed actions;
the feeds agree too (tests/calendars/test_feed_states.py).
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.calendars.feeds import TODO_STATUS
from dxtasks.directives import services, transitions
from dxtasks.directives.models import Directive, Share, State
from dxtasks.directives.refusals import Refusal
from dxtasks.directives.transitions import CLOSED_STATES, OPEN_STATES, TRANSITIONS, Action

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _dmy(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def _bring(directive: Directive, state: State, by, share: Share | None = None) -> None:
    """Put the directive (or the share) in `state` through the services."""
    if state == State.SUBMITTED:
        services.submit_for_review(directive=directive, by=by, share=share)
    elif state == State.COMPLETED:
        services.complete_directive(directive=directive, by=by, completed_on=timezone.localdate(), share=share)
    elif state == State.CANCELLED:
        services.cancel_directive(directive=directive, by=by, reason="Không còn phù hợp", share=share)


def _perform(action: Action, directive: Directive, by, share: Share | None = None) -> None:
    target = share or directive
    later = (target.due_date or timezone.localdate()) + 40 * DAY
    if action == Action.PROGRESS:
        services.record_progress(directive=directive, by=by, percent=10, note="Đang làm", share=share)
    elif action == Action.EXTENSION:
        services.request_extension(directive=directive, by=by, proposed_due=later, reason="Cần thêm", share=share)
    elif action == Action.DEADLINE:
        services.change_deadline(directive=directive, approved_by=by, new_due=later, reason="Điều chỉnh", share=share)
    elif action == Action.SUBMIT:
        services.submit_for_review(directive=directive, by=by, share=share)
    elif action == Action.RETURN:
        services.return_for_rework(directive=directive, by=by, note="Bổ sung", share=share)
    elif action == Action.COMPLETE:
        services.complete_directive(directive=directive, by=by, completed_on=timezone.localdate(), share=share)
    elif action == Action.CANCEL:
        services.cancel_directive(directive=directive, by=by, reason="Không còn phù hợp", share=share)
    else:  # pragma: no cover - a new action needs its line here
        raise AssertionError(f"no way to perform {action}")


# The page's form for each action (a deadline is moved through the edit form, not an action panel).
PAGE_FORMS = {
    Action.PROGRESS: "portal:progress",
    Action.EXTENSION: "portal:extension",
    Action.SUBMIT: "portal:submit",
    Action.RETURN: "portal:return",
    Action.COMPLETE: "portal:complete",
    Action.CANCEL: "portal:cancel",
}


@pytest.fixture
def sec(user_factory):
    return user_factory(role=Role.SECRETARIAT)


@pytest.fixture
def collective(agency_factory, directive_factory):
    """A directive for two agencies "each": (directive, the first agency's share)."""
    agency_factory("EACH", kind="other")
    first, second = agency_factory("AGA"), agency_factory("AGB")
    directive = directive_factory(
        lead=None, share_agencies=[first, second], deadline_text=_dmy(timezone.localdate() + 60 * DAY)
    )
    return directive, directive.shares.get(agency=first)


def test_the_table_is_the_documented_workflow():
    """The README's workflow, written out here independently of the table."""
    followed = {State.OPEN, State.SUBMITTED}
    expected = {
        Action.PROGRESS: (followed, None),
        Action.EXTENSION: (followed, None),
        Action.DEADLINE: (followed, None),
        Action.SUBMIT: ({State.OPEN}, State.SUBMITTED),
        Action.RETURN: ({State.SUBMITTED}, State.OPEN),
        Action.COMPLETE: (followed, State.COMPLETED),
        Action.CANCEL: (followed, State.CANCELLED),
    }
    assert {action: (set(t.sources), t.target) for action, t in TRANSITIONS.items()} == expected
    assert set(OPEN_STATES) == followed


def test_the_table_names_every_state_and_action():
    assert set(TRANSITIONS) == set(Action)
    assert set(OPEN_STATES) | set(CLOSED_STATES) == set(State) and not set(OPEN_STATES) & set(CLOSED_STATES)
    for transition in TRANSITIONS.values():
        assert set(transition.sources) <= set(OPEN_STATES)  # nothing is done to a closed directive
    assert set(TODO_STATUS) == set(State)


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(Action))
def test_the_service_does_what_the_table_allows_and_refuses_the_rest(action, state, sec, directive_factory):
    directive = directive_factory(deadline_text=_dmy(timezone.localdate() + 60 * DAY))
    _bring(directive, state, sec)
    before = Directive.objects.values("state", "updated_at", "version").get(pk=directive.pk)
    directive.refresh_from_db()
    if transitions.allows(action, state):
        _perform(action, directive, sec)
        directive.refresh_from_db()
        assert directive.state == (TRANSITIONS[action].target or state)
    else:
        with pytest.raises(services.DirectiveError) as refused:
            _perform(action, directive, sec)
        assert refused.value.refusal == (Refusal.CLOSED if state in CLOSED_STATES else Refusal.TRANSITION)
        assert Directive.objects.values("state", "updated_at", "version").get(pk=directive.pk) == before


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(Action))
def test_a_share_follows_the_same_table(action, state, sec, collective):
    directive, share = collective
    _bring(directive, state, sec, share)
    share.refresh_from_db()
    before = Share.objects.values("state", "updated_at", "version").get(pk=share.pk)
    if transitions.allows(action, state):
        _perform(action, directive, sec, share)
        share.refresh_from_db()
        assert share.state == (TRANSITIONS[action].target or state)
    else:
        with pytest.raises(services.DirectiveError) as refused:
            _perform(action, directive, sec, share)
        assert refused.value.refusal == (Refusal.CLOSED if state in CLOSED_STATES else Refusal.TRANSITION)
        assert Share.objects.values("state", "updated_at", "version").get(pk=share.pk) == before


def _offered(client: Client, directive: Directive, query: str = "") -> set[Action]:
    html = client.get(directive.get_absolute_url() + query).content.decode()
    return {action for action, name in PAGE_FORMS.items() if reverse(name, args=[directive.public_id]) in html}


@pytest.mark.parametrize("state", list(State))
def test_the_page_offers_exactly_what_the_table_allows(state, client, sec, user_factory, directive_factory):
    directive = directive_factory(deadline_text=_dmy(timezone.localdate() + 60 * DAY))
    lead_focal = user_factory(role=Role.FOCAL_POINT, agency=directive.lead_agency)
    _bring(directive, state, sec)
    allowed = {action for action in PAGE_FORMS if transitions.allows(action, state)}
    client.force_login(sec)
    assert _offered(client, directive) == allowed
    # A focal point of the lead agency is offered the reporting part of the same set.
    client.force_login(lead_focal)
    assert _offered(client, directive) == allowed & {Action.PROGRESS, Action.EXTENSION, Action.SUBMIT}


@pytest.mark.parametrize("state", list(State))
def test_the_share_page_offers_exactly_what_the_table_allows(state, client, sec, collective):
    directive, share = collective
    _bring(directive, state, sec, share)
    client.force_login(sec)
    allowed = {action for action in PAGE_FORMS if transitions.allows(action, state)}
    assert _offered(client, directive, f"?share={share.agency.code}") == allowed

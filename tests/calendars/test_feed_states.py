"""The feeds follow the transition table: alarms only in the states still followed, a task status for each state."""

import datetime

import pytest
from django.utils import timezone

from dxtasks.accounts.models import Role
from dxtasks.calendars.feeds import TODO_STATUS
from dxtasks.directives import services
from dxtasks.directives.models import State
from dxtasks.directives.transitions import OPEN_STATES

from .conftest import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(user_factory):
    return user_factory(role=Role.SECRETARIAT)


# How a directive gets to each state, through the services.
REACH = {
    State.OPEN: lambda directive, by: None,
    State.SUBMITTED: lambda directive, by: services.submit_for_review(directive=directive, by=by),
    State.COMPLETED: lambda directive, by: services.complete_directive(
        directive=directive, by=by, completed_on=timezone.localdate()
    ),
    State.CANCELLED: lambda directive, by: services.cancel_directive(directive=directive, by=by, reason="Thôi"),
}


def test_every_state_has_a_task_status():
    assert set(TODO_STATUS) == set(State) == set(REACH)


@pytest.mark.parametrize("state", list(State))
def test_the_feed_reminds_only_while_followed_and_names_the_task_status(
    state, secretariat, directive_factory, issue, fetch
):
    due = timezone.localdate() + datetime.timedelta(days=60)
    directive = directive_factory(deadline_text=f"{due:%d/%m/%Y}")
    REACH[state](directive, secretariat)
    secret = issue(secretariat, "all").secret
    uid = f"{directive.public_id}@testserver"
    event = events(fetch(secret))[uid]
    assert bool(event.walk("VALARM")) == (state in OPEN_STATES)
    todo = events(fetch(secret, fmt="todo"), "VTODO")[uid]
    assert str(todo["STATUS"]) == TODO_STATUS[state]
    assert bool(todo.walk("VALARM")) == (state in OPEN_STATES)

"""The workflow of a directive (or of one agency's share of it), written once.

Four states; each action says from which states it may be taken and to which
state it moves (None: the state stays). The services refuse what the table
refuses (`Refusal.CLOSED` from a closed state, `Refusal.TRANSITION` otherwise),
the directive page and the API offer what it allows (`actions.available_actions`),
the feeds give alarms only while a directive is followed, and every list,
count and worklist that means "still followed" reads `OPEN_STATES` (or
`Directive.objects.open()`). `Directive` and `Share` expose the table as
`TRANSITIONS` and `allows(action)`.

    action      from                   to
    progress    open, submitted        (stays)
    extension   open, submitted        (stays)
    deadline    open, submitted        (stays)
    submit      open                   submitted
    return      submitted              open
    complete    open, submitted        completed
    cancel      open, submitted        cancelled
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    OPEN = "open", _("Đang thực hiện")
    SUBMITTED = "submitted", _("Chờ xác nhận hoàn thành")
    COMPLETED = "completed", _("Đã hoàn thành")
    CANCELLED = "cancelled", _("Đã hủy")


# Still followed: counted as open, listed, reminded of on calendars. Tuples, so that a query's
# parameters come in the same order in every process.
OPEN_STATES: tuple[State, ...] = (State.OPEN, State.SUBMITTED)
CLOSED_STATES: tuple[State, ...] = (State.COMPLETED, State.CANCELLED)


class Action(models.TextChoices):
    """What can be done to a directive or a share; the labels are for programs (tests, the README)."""

    PROGRESS = "progress", "report progress"
    EXTENSION = "extension", "ask for more time"
    DEADLINE = "deadline", "move the deadline"
    SUBMIT = "submit", "submit for review"
    RETURN = "return", "return for more work"
    COMPLETE = "complete", "confirm completion"
    CANCEL = "cancel", "cancel"


@dataclass(frozen=True)
class Transition:
    sources: tuple[State, ...]  # the states the action may be taken from
    target: State | None  # the state it moves to; None: the state stays


TRANSITIONS: dict[Action, Transition] = {
    Action.PROGRESS: Transition(OPEN_STATES, None),
    Action.EXTENSION: Transition(OPEN_STATES, None),
    Action.DEADLINE: Transition(OPEN_STATES, None),
    Action.SUBMIT: Transition((State.OPEN,), State.SUBMITTED),
    Action.RETURN: Transition((State.SUBMITTED,), State.OPEN),
    Action.COMPLETE: Transition(OPEN_STATES, State.COMPLETED),
    Action.CANCEL: Transition(OPEN_STATES, State.CANCELLED),
}


def allows(action: Action | str, state: str) -> bool:
    """Whether `action` may be taken on a directive (or share) in `state`."""
    return state in TRANSITIONS[Action(action)].sources


def is_closed(state: str) -> bool:
    return state in CLOSED_STATES


class Workflow:
    """The table on a model with a `state` field (Directive, Share)."""

    TRANSITIONS = TRANSITIONS
    OPEN_STATES = OPEN_STATES
    CLOSED_STATES = CLOSED_STATES

    @property
    def is_closed(self) -> bool:
        return is_closed(self.state)  # type: ignore[attr-defined]

    def allows(self, action: Action | str) -> bool:
        return allows(action, self.state)  # type: ignore[attr-defined]

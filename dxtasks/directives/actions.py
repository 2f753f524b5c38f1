"""What a user may do to a directive, or to one agency's share of it, now: the roles and the transition table together.

`available_actions(user, directive, share=None)` is the set the directive
page offers (its template asks `"submit" in actions`) and the API lists
(`permissions.actions`). Who may take each action is `accounts/roles.py`
(the reporters of a directive or share, the secretariat); whether its state
allows it is `transitions.TRANSITIONS`; nothing is done to a closed
directive. A pending extension request adds its own two: the secretariat
decides it, its requester (or the secretariat) withdraws it, and no second
request is offered meanwhile. The services refuse on their own as before; an
action offered here can still be refused by a rule of its data (a date, a
reason), never by the role or the state.
"""

from django.db.models import TextChoices

from dxtasks.accounts import roles

from .models import Directive, ExtensionRequest, Share
from .transitions import TRANSITIONS, Action


class RequestAction(TextChoices):
    """Actions on a pending extension request rather than on the state (a late decision may still reject)."""

    DECIDE = "decide", "decide the pending extension request"
    WITHDRAW = "withdraw", "withdraw the pending extension request"


# Who takes each action of the table: "report" — the focal points of the agencies concerned (and the
# secretariat); "manage" — the secretariat.
TAKEN_BY = {
    Action.PROGRESS: "report",
    Action.EXTENSION: "report",
    Action.SUBMIT: "report",
    Action.DEADLINE: "manage",
    Action.RETURN: "manage",
    Action.COMPLETE: "manage",
    Action.CANCEL: "manage",
}

_UNKNOWN = object()


def pending_request(directive: Directive, share: Share | None = None) -> ExtensionRequest | None:
    """The extension request waiting for a decision, on the directive or (collective) on the share."""
    return (
        ExtensionRequest.objects.filter(directive=directive, share=share, decision=ExtensionRequest.Decision.PENDING)
        .select_related("requested_by")
        .first()
    )


def may_report(user, directive: Directive, share: Share | None = None) -> bool:
    """Report on the directive, or on `share`; a collective directive as a whole takes no report."""
    if share is not None:
        return roles.can_report_on_share(user, share)
    return roles.can_report_on(user, directive) and not directive.is_collective


def available_actions(
    user, directive: Directive, share: Share | None = None, *, pending=_UNKNOWN
) -> frozenset[Action | RequestAction]:
    """The actions `user` may take now on `directive` (with `share`: on that share of a collective directive).

    `pending` is the pending extension request when the caller already read it
    (None: there is none); otherwise it is read here (one query).
    """
    if pending is _UNKNOWN:
        pending = pending_request(directive, share)
    target = share if share is not None else directive
    whole = directive.is_collective and share is None
    allowed = {"report": may_report(user, directive, share), "manage": roles.can_manage(user)}
    found: set[Action | RequestAction] = set()
    if not directive.is_closed:
        found = {action for action in TRANSITIONS if allowed[TAKEN_BY[action]] and target.allows(action)}
        if whole:
            found.discard(Action.COMPLETE)  # a collective directive completes with its last share
            if allowed["manage"] and target.allows(Action.PROGRESS):
                found.add(Action.PROGRESS)  # the secretariat's note on the whole directive
    if pending is not None:
        found.discard(Action.EXTENSION)  # one request at a time
        if allowed["manage"]:
            found.add(RequestAction.DECIDE)
        if roles.can_withdraw_request(user, pending):
            found.add(RequestAction.WITHDRAW)
    return frozenset(found)

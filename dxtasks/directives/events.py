"""The outbox: a workflow change records who must be told, in its own transaction.

Each service that changes a directive's workflow calls `record(...)` inside
its transaction: one `Event` row and one `Notification` row per recipient
(unique per event and user, or event and address). Nothing is sent here.
When the transaction commits, `events_committed` is sent with the event's
id; the delivery app (reminders) listens and enqueues its task, which
delivers everything pending (so a transaction of many events, an import,
still gives each recipient one email). Should that enqueue never happen (a crash right after the
commit), the delivery schedule finds the rows anyway: the rows, not the
queue, are the truth.

Who is told (`recipients_for`):

- assigned → the new owner, and the focal points of the lead agency;
- extension requested, submitted for review → every active secretariat user;
- extension approved/rejected → the requester and the owner (and the agency
  contact on approval, since the deadline moved);
- completed, returned → the owner and whoever submitted it, else the lead
  agency's focal points;
- deadline changed → the owner and the lead agency's contact address.

The actor is never told of their own change.
"""
import contextlib
import contextvars

import django.dispatch
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dxtasks.accounts.models import Role

from .models import Directive, Event, EventKind, ExtensionRequest, Notification, State, StateChange

_muted = contextvars.ContextVar("dxtasks_events_muted", default=False)


@contextlib.contextmanager
def muted():
    """Seed data (the demo) is not workflow: nobody is told of it."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


# Sent after the commit of a transaction that recorded events: `event_ids` (list of int).
events_committed = django.dispatch.Signal()


def _secretariat():
    return list(get_user_model().objects.filter(role=Role.SECRETARIAT, is_active=True))


def _focal_points(agency_id):
    return list(get_user_model().objects.filter(role=Role.FOCAL_POINT, agency_id=agency_id, is_active=True))


def _submitter(directive: Directive):
    change = (StateChange.objects.filter(directive=directive, new_state=State.SUBMITTED)
              .select_related("changed_by").order_by("-changed_at", "-pk").first())
    return change.changed_by if change else None


def recipients_for(kind: str, directive: Directive, *, request: ExtensionRequest | None = None,
                   new_owner=None, new_lead_id=None) -> tuple[list, list[str]]:
    """(users, addresses) to tell of an event; see the module's docstring."""
    owner = directive.owner
    users, addresses = [], []
    if kind == EventKind.ASSIGNED:
        users = [*([new_owner] if new_owner else []), *_focal_points(new_lead_id or directive.lead_agency_id)]
    elif kind in (EventKind.EXTENSION_REQUESTED, EventKind.SUBMITTED):
        users = _secretariat()
    elif kind in (EventKind.EXTENSION_APPROVED, EventKind.EXTENSION_REJECTED):
        users = [request.requested_by, *([owner] if owner else [])]
        if kind == EventKind.EXTENSION_APPROVED and directive.lead_agency.contact_email:
            addresses = [directive.lead_agency.contact_email]
    elif kind in (EventKind.COMPLETED, EventKind.RETURNED):
        submitter = _submitter(directive)
        users = [u for u in (owner, submitter) if u] or _focal_points(directive.lead_agency_id)
    elif kind == EventKind.DEADLINE_CHANGED:
        users = [owner] if owner else []
        if directive.lead_agency.contact_email:
            addresses = [directive.lead_agency.contact_email]
    return users, addresses


def record(kind: str, *, directive: Directive, actor=None, note: str = "", data: dict | None = None,
           request: ExtensionRequest | None = None, users=None, addresses=None, **who) -> Event | None:
    """Write the event and its recipients now, inside the caller's transaction."""
    if _muted.get():
        return None
    if users is None and addresses is None:
        users, addresses = recipients_for(kind, directive, request=request, **who)
    seen, unique_users = set(), []
    for user in users or ():
        if user is not None and user.pk not in seen and (actor is None or user.pk != actor.pk):
            seen.add(user.pk)
            unique_users.append(user)
    user_addresses = {(u.email or "").strip().lower() for u in unique_users}
    unique_addresses = sorted({a.strip().lower() for a in addresses or () if a and a.strip()} - user_addresses
                              - {(getattr(actor, "email", "") or "").strip().lower()} - {""})
    if not unique_users and not unique_addresses:
        return None
    now = timezone.now()
    event = Event.objects.create(kind=kind, directive=directive, extension_request=request, actor=actor, note=note,
                                 data=data or {}, created_at=now)
    Notification.objects.bulk_create(
        [Notification(event=event, user=u, to_user=True, created_at=now) for u in unique_users]
        + [Notification(event=event, address=a, to_user=False, created_at=now) for a in unique_addresses]
    )
    _announce_on_commit(event.pk)
    return event


def _announce_on_commit(event_id: int) -> None:
    transaction.on_commit(lambda: events_committed.send(sender=Event, event_ids=[event_id]))


def mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications, or all of them, as read; returns how many changed."""
    mine = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        mine = mine.filter(pk=notification_id)
    return mine.update(read_at=timezone.now())

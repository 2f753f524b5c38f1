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

On a collective directive the event is about one agency's share (`share`),
and the share takes the directive's place: its owner, its agency's focal
points and contact, never the group's pseudo-agency or the directive's owner.

- share assigned (a new collective directive: one event per share; a new
  share owner; a share passed to a merged agency's successor) → the share's
  owner and its agency's focal points, else the agency's contact address;
- extension requested, submitted for review → every active secretariat user;
- extension approved/rejected → the requester and the share's owner (and its
  agency's contact on approval);
- completed, returned → the share's owner and whoever submitted that share,
  else its agency's focal points, else its contact;
- deadline changed on the share (or on the whole directive, one event per
  share that followed it) → the share's owner, else its agency's focal
  points, and the agency's contact address.

The actor is never told of their own change.
"""

import contextlib
import contextvars

import django.dispatch
from django.db import transaction
from django.utils import timezone

from dxtasks.accounts import roles

from .models import Directive, Event, EventKind, ExtensionRequest, Notification, Share, State, StateChange

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
    return list(roles.secretariat_members())


def _focal_points(agency_id):
    return list(roles.focal_points(agency_id))


def _submitter(directive: Directive, share: Share | None = None):
    change = (
        StateChange.objects.filter(directive=directive, share=share, new_state=State.SUBMITTED)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")
        .first()
    )
    return change.changed_by if change else None


def _contact(agency) -> list[str]:
    return [agency.contact_email] if agency.contact_email else []


def _share_people(share: Share, focal=None) -> list:
    """A share's owner when active, else its agency's active focal points (`focal`: preloaded ones)."""
    if share.owner is not None and share.owner.is_active:  # no query when there is no owner
        return [share.owner]
    return list(focal if focal is not None else _focal_points(share.agency_id))


def _share_recipients(kind: str, share: Share, *, request=None, new_owner=None, focal=None) -> tuple[list, list[str]]:
    """(users, addresses) for an event on one agency's share; see the module's docstring."""
    agency = share.agency
    if kind == EventKind.ASSIGNED:
        owner = new_owner or (share.owner if share.owner is not None and share.owner.is_active else None)
        everyone = focal if focal is not None else _focal_points(share.agency_id)
        users = [*([owner] if owner else []), *everyone]
        return users, ([] if users else _contact(agency))
    if kind in (EventKind.EXTENSION_REQUESTED, EventKind.SUBMITTED):
        return _secretariat(), []
    if kind in (EventKind.EXTENSION_APPROVED, EventKind.EXTENSION_REJECTED):
        owner = [share.owner] if share.owner_id else []
        return [request.requested_by, *owner], (_contact(agency) if kind == EventKind.EXTENSION_APPROVED else [])
    if kind in (EventKind.COMPLETED, EventKind.RETURNED):
        submitter = _submitter(share.directive, share)
        users = [u for u in ([share.owner] if share.owner_id else []) + [submitter] if u]
        users = users or _share_people(share, focal)
        return users, ([] if users else _contact(agency))
    if kind == EventKind.DEADLINE_CHANGED:
        return _share_people(share, focal), _contact(agency)
    return [], []


def recipients_for(
    kind: str,
    directive: Directive,
    *,
    request: ExtensionRequest | None = None,
    new_owner=None,
    new_lead_id=None,
    share: Share | None = None,
) -> tuple[list, list[str]]:
    """(users, addresses) to tell of an event; see the module's docstring."""
    if share is not None:
        return _share_recipients(kind, share, request=request, new_owner=new_owner)
    owner = directive.owner
    users, addresses = [], []
    if kind == EventKind.ASSIGNED:
        users = [*([new_owner] if new_owner else []), *_focal_points(new_lead_id or directive.lead_agency_id)]
    elif kind in (EventKind.EXTENSION_REQUESTED, EventKind.SUBMITTED):
        users = _secretariat()
    elif kind in (EventKind.EXTENSION_APPROVED, EventKind.EXTENSION_REJECTED):
        assert request is not None  # a decision is on a request
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


def _distinct(users, addresses, actor) -> tuple[list, list[str]]:
    """Each user once, each address once and not a user's own; never the actor."""
    seen, unique_users = set(), []
    for user in users or ():
        if user is not None and user.pk not in seen and (actor is None or user.pk != actor.pk):
            seen.add(user.pk)
            unique_users.append(user)
    user_addresses = {(u.email or "").strip().lower() for u in unique_users}
    unique_addresses = sorted(
        {a.strip().lower() for a in addresses or () if a and a.strip()}
        - user_addresses
        - {(getattr(actor, "email", "") or "").strip().lower()}
        - {""}
    )
    return unique_users, unique_addresses


def _notifications(event: Event, users, addresses, now) -> list[Notification]:
    return [Notification(event=event, user=u, to_user=True, created_at=now) for u in users] + [
        Notification(event=event, address=a, to_user=False, created_at=now) for a in addresses
    ]


def record(
    kind: str,
    *,
    directive: Directive,
    actor=None,
    note: str = "",
    data: dict | None = None,
    request: ExtensionRequest | None = None,
    users=None,
    addresses=None,
    share: Share | None = None,
    **who,
) -> Event | None:
    """Write the event and its recipients now, inside the caller's transaction.

    With `share`, the event is about that agency's share and its recipients are the share's.
    """
    if _muted.get():
        return None
    if users is None and addresses is None:
        users, addresses = recipients_for(kind, directive, request=request, share=share, **who)
    unique_users, unique_addresses = _distinct(users, addresses, actor)
    if not unique_users and not unique_addresses:
        return None
    now = timezone.now()
    event = Event.objects.create(
        kind=kind,
        directive=directive,
        share=share,
        extension_request=request,
        actor=actor,
        note=note,
        data=data or {},
        created_at=now,
    )
    Notification.objects.bulk_create(_notifications(event, unique_users, unique_addresses, now))
    _announce_on_commit(event.pk)
    return event


def record_for_shares(
    kind: str, *, directive: Directive, shares, actor=None, note: str = "", data: dict | None = None
) -> list[Event]:
    """One event per share (a collective directive assigned, its deadline moved), in a few queries.

    Each share's recipients are its own (`_share_recipients`); the agencies' focal
    points are read once for all the shares, and events and notifications are
    inserted in bulk: 97 shares cost the same handful of queries as one.
    """
    shares = list(shares)
    if _muted.get() or not shares:
        return []

    share_ids = [s.pk for s in shares]
    shares = list(Share.objects.filter(pk__in=share_ids).select_related("agency", "owner", "directive").order_by("pk"))
    focal: dict[int | None, list] = {}
    for user in roles.focal_points({s.agency_id for s in shares}):
        focal.setdefault(user.agency_id, []).append(user)
    now = timezone.now()
    planned = []
    for share in shares:
        users, addresses = _share_recipients(kind, share, focal=focal.get(share.agency_id, []))
        users, addresses = _distinct(users, addresses, actor)
        if users or addresses:
            event = Event(
                kind=kind, directive=directive, share=share, actor=actor, note=note, data=data or {}, created_at=now
            )
            planned.append((event, users, addresses))
    if not planned:
        return []
    created = Event.objects.bulk_create([event for event, _u, _a in planned])
    Notification.objects.bulk_create(
        [n for event, users, addresses in planned for n in _notifications(event, users, addresses, now)]
    )
    _announce_on_commit(*[event.pk for event in created])
    return created


def _announce_on_commit(*event_ids: int) -> None:
    ids = list(event_ids)
    transaction.on_commit(lambda: events_committed.send(sender=Event, event_ids=ids))


def mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications, or all of them, as read; returns how many changed."""
    mine = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        mine = mine.filter(pk=notification_id)
    return mine.update(read_at=timezone.now())

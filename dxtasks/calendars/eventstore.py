"""Serialised events persisted in the database, so a new process doesn't rebuild them.

The per-process memo in `feeds` is lost on every restart and differs per
web process and host; the shared body cache only helps while a whole feed is
unchanged and can be flushed. This store keeps each event's bytes under a
digest of what they depend on: a fresh process answering an unchanged
5,000-event feed reads them (one query) instead of
serialising 5,000 events, and a build writes only the events it had to
serialise. A stale row is never served: its digest no longer matches.
"""

import logging

from django.db import DatabaseError, transaction
from django.db.models import QuerySet, Subquery

from .models import StoredEvent

logger = logging.getLogger(__name__)

CHUNK = 2000  # more events than this to build: read the feed's rows rather than list their ids


FEW = 200  # up to this many ids are listed in the query; more are selected by the feed's own query


def load(variant: str, directive_ids: list[int], queryset: QuerySet) -> dict[int, tuple[str, bytes]]:
    """(digest, body) of the stored events of these directives (all of `queryset`'s or a few of them)."""
    if len(directive_ids) > FEW:
        # One query joined on the feed's directives, rather than thousands of parameters to prepare.
        batches = [Subquery(queryset.order_by().values("pk"))]
    else:
        batches = [directive_ids]
    wanted = set(directive_ids)
    found: dict[int, tuple[str, bytes]] = {}
    for ids in batches:
        rows = StoredEvent.objects.filter(variant=variant, directive_id__in=ids)
        # Not `.iterator()`: on PostgreSQL outside a transaction that is a WITH HOLD cursor, which
        # copies all the bodies on the server before the first row comes back (46 ms of 220 for 5,000).
        for directive_id, digest, body in rows.values_list("directive_id", "digest", "body"):
            if directive_id in wanted:
                found[directive_id] = (digest, body.encode())
    return found


def save(variant: str, events: list[tuple[int, str, bytes]]) -> None:
    """Store (directive id, digest, body) rows, replacing the directive's previous row of this variant.

    Best effort: the feed is served whether or not this succeeds (e.g. a
    directive deleted meanwhile, or a read-only database).
    """
    if not events:
        return
    rows = [
        StoredEvent(directive_id=pk, variant=variant, digest=digest, body=body.decode()) for pk, digest, body in events
    ]
    try:
        with transaction.atomic():
            StoredEvent.objects.bulk_create(
                rows,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["directive", "variant"],
                update_fields=["digest", "body"],
            )
    except DatabaseError:
        logger.warning("calendar events not stored (%d); they will be serialised again", len(rows), exc_info=True)

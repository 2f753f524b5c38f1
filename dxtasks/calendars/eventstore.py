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

from django.db import DatabaseError, connection, transaction
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
    rows = [(pk, variant, digest, body.decode()) for pk, digest, body in events]
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _copy_and_upsert(rows)
            else:
                with connection.cursor() as cursor:
                    cursor.executemany(_upsert("VALUES (%s, %s, %s, %s)"), rows)
    except DatabaseError:
        logger.warning("calendar events not stored (%d); they will be serialised again", len(rows), exc_info=True)


# Written as SQL rather than bulk_create, which compiled 5,000 bodies into twenty (SQLite) or ten
# (PostgreSQL) statements of literals for the database to parse: 200–275 ms of a 1.7 s cold build on
# SQLite, 470–550 ms of 2.4 s on PostgreSQL. SQLite runs one prepared statement per row instead
# (executemany: 30–90 ms); PostgreSQL takes the rows by COPY (130–220 ms, see `_copy_and_upsert`).
COLUMNS = ("directive", "variant", "digest", "body")


def _columns() -> list[str]:
    """The COLUMNS' quoted database names."""
    return [connection.ops.quote_name(StoredEvent._meta.get_field(name).column) for name in COLUMNS]


def _upsert(source: str) -> str:
    """INSERT the COLUMNS from `source` (VALUES … or SELECT …), replacing a (directive, variant)'s row."""
    quote = connection.ops.quote_name
    columns = _columns()
    return (
        f"INSERT INTO {quote(StoredEvent._meta.db_table)} ({', '.join(columns)}) {source} "
        f"ON CONFLICT ({columns[0]}, {columns[1]}) DO UPDATE SET "
        + ", ".join(f"{column} = excluded.{column}" for column in columns[2:])
    )


def _copy_and_upsert(rows: list[tuple[int, str, str, str]]) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then one upsert from it.

    The table is the transaction's own (dropped at its end, or rolled back with it), so concurrent
    builds don't meet.
    """
    quote = connection.ops.quote_name
    names = _columns()
    columns = ", ".join(names)
    staging = quote("stored_event_incoming")
    types = [StoredEvent._meta.get_field(name).db_type(connection) for name in COLUMNS]
    typed = ", ".join(f"{name} {db_type}" for name, db_type in zip(names, types, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} ({typed}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(_upsert(f"SELECT {columns} FROM {staging}"))
        cursor.execute(f"DROP TABLE {staging}")  # not left for the end of an outer transaction

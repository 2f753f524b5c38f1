"""Keyset pages of the register: "the 25 rows after this one", not "skip 10,000 rows, then 25".

With OFFSET the database builds and throws away every row before the page
(page 400 of an unfiltered register: 10,000 rows with their status, 184 ms
on PostgreSQL at 100,000 directives). The register's "next" and "previous"
links carry instead the sort key of the last (first) row shown — `after` /
`before` — and the page is the first 25 rows past it in the sort order:
as cheap on page 400 as on page 1, and a row added or removed meanwhile
neither repeats nor skips a row across the pages. `page` stays in the links
for the "Trang 3 / 40" line, and a bare `?page=N` (a typed or bookmarked
link) is still served by OFFSET.

Every sort whose key is unique ends in the reference (unique) or the id, so
ties in the due date are broken the same way the order breaks them. The
search's relevance order has no stored key: it pages by OFFSET (a search
narrows the register to a few pages anyway).
"""

import base64
import binascii
import dataclasses
import datetime
import json
from collections.abc import Sequence

from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet


@dataclasses.dataclass(frozen=True)
class Key:
    field: str
    descending: bool = False
    nullable: bool = False  # NULLs sort last in both directions (as forms.SORTS orders them)


# The same orders as forms.SORTS (a test checks page by page that both agree).
ORDERS: dict[str, tuple[Key, ...]] = {
    "due": (Key("due_date", nullable=True), Key("reference")),
    "-due": (Key("due_date", descending=True, nullable=True), Key("reference", descending=True)),
    "reference": (Key("reference"),),
    "-reference": (Key("reference", descending=True),),
    "assigned": (Key("assigned_on"), Key("reference")),
    "-assigned": (Key("assigned_on", descending=True), Key("reference", descending=True)),
    "updated": (Key("updated_at", descending=True), Key("pk", descending=True)),
}


def _encode_value(value):
    if isinstance(value, datetime.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value):
    if isinstance(value, dict):
        if "t" in value:
            return datetime.datetime.fromisoformat(value["t"])
        return datetime.date.fromisoformat(value["d"])
    return value


def cursor(row, keys: Sequence[Key]) -> str:
    """The sort key of `row` as a URL-safe token."""
    values = [_encode_value(getattr(row, key.field)) for key in keys]
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(token: str, keys: Sequence[Key]) -> list | None:
    """The values of a token, or None when it is not one of ours (then the link falls back to OFFSET)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = [_decode_value(v) for v in json.loads(raw)]
    except (ValueError, TypeError, KeyError, binascii.Error, json.JSONDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    for key, value in zip(keys, values, strict=True):
        if value is None and not key.nullable:
            return None
        if value is not None and not isinstance(value, (str, int, datetime.date)):
            return None
    return values


def _past(keys: Sequence[Key], values: Sequence, *, backwards: bool) -> Q:
    """Rows strictly after `values` in the order of `keys` (before them, `backwards`).

    Lexicographic: equal on the first i-1 keys and past on the i-th, for each
    i. NULLs (last in the order) are past every date going forwards, and
    never past going backwards; nothing but a NULL is past a NULL.
    """
    condition = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        descending = key.descending != backwards
        if value is None:
            past = Q(**{f"{key.field}__isnull": False}) if backwards else None
            equal_here = Q(**{f"{key.field}__isnull": True})
        else:
            past = Q(**{f"{key.field}__{'lt' if descending else 'gt'}": value})
            if key.nullable and not backwards:
                past |= Q(**{f"{key.field}__isnull": True})
            equal_here = Q(**{key.field: value})
        if past is not None:
            condition |= equal & past
        equal &= equal_here
    return condition


def _order(keys: Sequence[Key], *, backwards: bool) -> list:
    order = []
    for key in keys:
        descending = key.descending != backwards
        nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
        expression = F(key.field)
        order.append(
            (expression.desc(**nulls) if descending else expression.asc(**nulls))
            if key.nullable
            else (expression.desc() if descending else expression.asc())
        )
    return order


class KeysetPage:
    """What portal/_pagination.html reads, like a Django Page, plus the cursors of its links."""

    def __init__(self, rows: list, *, number: int, paginator: Paginator, has_previous: bool, has_next: bool, keys):
        self.object_list = rows
        self.paginator = paginator
        self._has_previous = has_previous and bool(rows)
        self._has_next = has_next and bool(rows)
        low = 2 if self._has_previous else 1
        high = max(low, paginator.num_pages - (1 if self._has_next else 0))
        self.number = min(max(number, low), high)
        self.previous_cursor = cursor(rows[0], keys) if self._has_previous else ""
        self.next_cursor = cursor(rows[-1], keys) if self._has_next else ""

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_previous(self) -> bool:
        return self._has_previous

    def has_next(self) -> bool:
        return self._has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def page(
    queryset: QuerySet,
    sort: str,
    *,
    per_page: int,
    number: str | None = None,
    after: str = "",
    before: str = "",
    rows=lambda queryset: queryset,
):
    """The page of a sorted `queryset` that the request names; `rows` adds what the page shows to its slice.

    With a valid `after`/`before` cursor and a sort of ORDERS: a keyset page;
    otherwise an ordinary `Paginator` page (OFFSET), whose links still carry
    the cursors of its first and last rows when the sort has keys.
    """
    keys = ORDERS.get(sort)
    paginator = Paginator(queryset, per_page)
    try:
        wanted = int(number or 1)
    except ValueError:
        wanted = 1
    values = decode(after or before, keys) if keys and (after or before) else None
    if values is None:
        result = paginator.get_page(number)
        result.object_list = list(rows(result.object_list))
        if keys:
            result.previous_cursor = cursor(result.object_list[0], keys) if result.has_previous() else ""
            result.next_cursor = cursor(result.object_list[-1], keys) if result.has_next() else ""
        return result
    backwards = not after
    found = list(
        rows(
            queryset.filter(_past(keys, values, backwards=backwards)).order_by(*_order(keys, backwards=backwards))[
                : per_page + 1
            ]
        )
    )
    if not found:  # nothing past the cursor any more (rows removed since): the numbered page instead
        return page(queryset, sort, per_page=per_page, number=number, rows=rows)
    more = len(found) > per_page
    found = found[:per_page]
    if backwards:
        found.reverse()
        return KeysetPage(found, number=wanted, paginator=paginator, has_previous=more, has_next=True, keys=keys)
    return KeysetPage(found, number=wanted, paginator=paginator, has_previous=True, has_next=more, keys=keys)

"""Cursor (keyset) pagination: each page continues after the last row of the previous one.

A cursor is the sort key of the last row, opaque to clients (URL-safe
base64 of JSON). Unlike page numbers it neither skips nor repeats rows when
directives are added meanwhile, and it costs the same on page 1 and page
4,000 (an index range, no OFFSET).
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .problems import ApiProblem


@dataclass(frozen=True)
class Ordering:
    """A total order on a queryset and the keyset condition that continues it.

    `fields` are (name, descending, nullable); the last one must be unique.
    Nullable fields sort their nulls last, as the register does.
    """

    fields: tuple[tuple[str, bool, bool], ...]

    def order_by(self) -> list:
        expressions = []
        for name, descending, nullable in self.fields:
            expression = F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
            expressions.append(expression if nullable else (f"-{name}" if descending else name))
        return expressions

    def after(self, values: list) -> Q:
        """Rows strictly after the row whose sort key is `values`."""
        condition = Q(pk__in=[])
        equal = Q()
        for (name, descending, nullable), value in zip(self.fields, values, strict=True):
            if value is None:
                # Nulls come last: after a null, only later nulls (decided by the next fields).
                equal &= Q(**{f"{name}__isnull": True})
                continue
            beyond = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            if nullable:
                beyond |= Q(**{f"{name}__isnull": True})
            condition |= equal & beyond
            equal &= Q(**{name: value})
        return condition

    def key(self, row) -> list:
        return [_jsonable(_value(row, name)) for name, _d, _n in self.fields]

    @classmethod
    def of(cls, queryset: QuerySet) -> "Ordering":
        """The order a selector already gave its queryset (names, `-` for descending; the last one unique).

        Every field but the primary key is taken as nullable (nulls last), which
        is also right for fields that are never null.
        """
        names = list(queryset.query.order_by)
        if not all(isinstance(name, str) for name in names):
            raise TypeError("Ordering.of reads field names, not expressions")
        return cls(
            tuple((name.lstrip("-"), name.startswith("-"), name.lstrip("-") not in ("pk", "id")) for name in names)
        )


def _value(row, name: str):
    """`row.name`, following relations written Django's way (`agency__kind`)."""
    for part in name.split("__"):
        row = getattr(row, part) if row is not None else None
    return row


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str, ordering: Ordering) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeEncodeError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != len(ordering.fields)
        or not all(
            v is None
            or (isinstance(v, str) and len(v) <= 200)
            or (isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**63)
            for v in values
        )
    ):
        raise _bad_cursor()
    return values


def _bad_cursor() -> ApiProblem:
    return ApiProblem(
        422,
        _("Con trỏ trang không hợp lệ; hãy dùng next_cursor của trang trước."),
        kind="validation",
        errors=[("cursor", _("Con trỏ trang không hợp lệ."))],
    )


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    ordering: Ordering,
    *,
    cursor: str | None,
    limit: int,
    params: dict | None = None,
):
    """(rows of this page, next cursor or None, next URL or None).

    The next URL is this request's with the new cursor (and `params` set, when given).
    """
    queryset = queryset.order_by(*ordering.order_by())
    try:
        if cursor:
            queryset = queryset.filter(ordering.after(decode(cursor, ordering)))
        rows = list(queryset[: limit + 1])
    except (ValidationError, ValueError, TypeError, OverflowError) as exc:  # a forged cursor's values
        raise _bad_cursor() from exc
    if len(rows) <= limit:
        return rows, None, None
    rows = rows[:limit]
    next_cursor = encode(ordering.key(rows[-1]))
    query = request.GET.copy()
    for name, value in (params or {}).items():
        query[name] = value
    query["cursor"] = next_cursor
    return rows, next_cursor, f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}"

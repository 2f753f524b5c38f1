"""Whose reminders go where: the one rule the sweep and the preferences page both read.

A reminder is owed by a *row*: an open single-lead directive, or an open
share of an open collective directive (the collective directive itself is
reminded only through its shares), assigned by the day. Its owner's
reminders (before the deadline, due, overdue, progress requests) go to the
owner when the owner is an active user with an address, else to the lead
agency's contact (a share's: its agency's contact) — `owner_address`.
Escalations go to the agency's leadership and the secretariat instead, and
cannot be muted, so the preferences page does not list them.

The sweep reads every row once (`reminder_rows` of `remindable`) and applies
`owner_address` in memory; the preferences page asks for one address
(`rows_for_address`): the database narrows the rows to those naming the
address as owner or contact, and the same `owner_address` decides.
"""

import datetime

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from dxtasks.directives.models import Directive, Share, State

# The columns of a reminder row (the digest's line and the address): a directive's.
DIRECTIVE_FIELDS = (
    "id",
    "public_id",
    "reference",
    "title_vi",
    "title_en",
    "due_date",
    "deadline_precision",
    "deadline_text",
    "assigned_on",
    "owner_id",
    "owner__email",
    "owner__is_active",
    "owner__language",
    "lead_agency__name_vi",
    "lead_agency__name_en",
    "lead_agency__short_name_vi",
    "lead_agency__contact_email",
    "lead_agency__leadership_email",
)
# A share of a collective directive is reminded like a directive of its own: the same row shape,
# with the share's deadline, owner and agency in place of the directive's.
SHARE_ROW = {
    "id": "directive_id",
    "share_id": "id",
    "public_id": "directive__public_id",
    "reference": "directive__reference",
    "title_vi": "directive__title_vi",
    "title_en": "directive__title_en",
    "due_date": "due_date",
    "deadline_precision": "deadline_precision",
    "deadline_text": "deadline_text",
    "assigned_on": "directive__assigned_on",
    "owner_id": "owner_id",
    "owner__email": "owner__email",
    "owner__is_active": "owner__is_active",
    "owner__language": "owner__language",
    "lead_agency__name_vi": "agency__name_vi",
    "lead_agency__name_en": "agency__name_en",
    "lead_agency__short_name_vi": "agency__short_name_vi",
    "lead_agency__contact_email": "agency__contact_email",
    "lead_agency__leadership_email": "agency__leadership_email",
}


def normalise(email: str | None) -> str:
    """A recipient is an address, compared in lower case without surrounding spaces."""
    return (email or "").strip().lower()


def remindable(today: datetime.date) -> tuple[QuerySet, QuerySet]:
    """The directives and the shares owed reminders on `today` while they stay open (whatever their deadline).

    Submitted ones wait for the secretariat's confirmation, so their owners are not chased;
    completed and cancelled ones get nothing; a directive assigned after `today` not yet.
    """
    directives = Directive.objects.filter(state=State.OPEN, assigned_on__lte=today, addressees="")
    shares = Share.objects.filter(state=State.OPEN, directive__state=State.OPEN, directive__assigned_on__lte=today)
    return directives, shares


def _lookup(name: str):
    """`public_id` is read as text: the UUID converter was a third of a second sweep's reading, and only
    the rows owed a line need it (`digest.directive_url` formats it)."""
    return Cast(name, output_field=CharField()) if name.endswith("public_id") else name


def reminder_rows(directives: QuerySet, shares: QuerySet) -> list[dict]:
    """The directives, then the shares, as reminder rows (`DIRECTIVE_FIELDS`, plus `share_id`): two queries."""
    lookups = [_lookup(name) for name in DIRECTIVE_FIELDS]
    rows = [
        dict(zip(DIRECTIVE_FIELDS, values, strict=True), share_id=None)
        for values in directives.order_by().values_list(*lookups)
    ]
    return rows + share_rows(shares)


def share_rows(queryset: QuerySet, *extra: str) -> list[dict]:
    """Shares as reminder rows (see SHARE_ROW), in one query; `extra` share lookups added under their own name."""
    lookups = [*(_lookup(name) for name in SHARE_ROW.values()), *extra]
    keys = [*SHARE_ROW, *extra]
    return [dict(zip(keys, values, strict=True)) for values in queryset.order_by().values_list(*lookups)]


def owner_address(row: dict) -> tuple[str, str | None]:
    """Where a row's owner reminders go, and the owner's language: the owner if they can receive
    mail, else the (lead or share) agency's contact, with no language of its own ("" when neither)."""
    owner = normalise(row["owner__email"])
    if row["owner_id"] and owner and row["owner__is_active"]:
        return owner, row["owner__language"]
    return normalise(row["lead_agency__contact_email"]), None


def rows_for_address(email: str, today: datetime.date) -> list[dict]:
    """The rows owed reminders on `today` whose owner reminders go to `email` (two queries)."""
    email = normalise(email)
    if not email:
        return []
    directives, shares = remindable(today)
    # A superset in the database (either address may name it), then the rule itself.
    directives = directives.filter(Q(owner__email__iexact=email) | Q(lead_agency__contact_email__iexact=email))
    shares = shares.filter(Q(owner__email__iexact=email) | Q(agency__contact_email__iexact=email))
    return [row for row in reminder_rows(directives, shares) if owner_address(row)[0] == email]


def directives_for_address(email: str, today: datetime.date) -> list[dict]:
    """Each directive reminded to `email` once (a collective one by its earliest share due there),
    by due date (open-ended last), then reference: what the preferences page offers to mute."""
    first: dict[int, dict] = {}
    for row in rows_for_address(email, today):
        known = first.get(row["id"])
        if known is None or _due_order(row) < _due_order(known):
            first[row["id"]] = row
    return sorted(first.values(), key=lambda row: (*_due_order(row), row["reference"]))


def _due_order(row: dict) -> tuple[bool, datetime.date]:
    due = row["due_date"]
    return (due is None, due or datetime.date.min)

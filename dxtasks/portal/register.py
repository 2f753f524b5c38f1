"""The register's query: filters from the GET parameters, applied in the database.

Shared by the register page and its CSV/XLSX export, so an export holds
exactly what the page showed (all pages of it), and by the JSON API.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from dxtasks.accounts import roles
from dxtasks.directives import scopes, selectors
from dxtasks.directives.models import Agency, Meeting
from dxtasks.directives.search import search_directives

from .forms import SORTS, RegisterFilterForm


def filter_form(params, user) -> RegisterFilterForm:
    """The filter form bound to the request's GET parameters, with its choices loaded."""
    return RegisterFilterForm(
        params or None,
        user=user,
        agencies=Agency.objects.select_related("successor").only(
            "code",
            "short_name_vi",
            "short_name_en",
            "name_vi",
            "name_en",
            "kind",
            "established_on",
            "succeeded_on",
            "successor__short_name_vi",
            "successor__short_name_en",
            "successor__code",
        ),
        meetings=Meeting.objects.only("number", "date", "committee", "session_number"),
    )


def _people(text: str) -> QuerySet:
    """Users whose username is `text`, or whose username or name contains it (case-insensitively)."""
    users = get_user_model().objects.all()
    exact = users.filter(username=text)
    if exact.exists():
        return exact
    query = Q(username__icontains=text)
    for word in text.split():
        query |= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return users.filter(query)


def owner_suggestions(text: str, limit: int = 10) -> list[dict]:
    """People who can own directives, matching what was typed, for the owner field's suggestions."""
    text = text.strip()[:150]
    if len(text) < 2:
        return []
    people = _people(text) & roles.possible_owners()
    return [
        {"username": u.username, "name": u.get_full_name() or u.username}
        for u in people.order_by("username").only("username", "first_name", "last_name")[:limit]
    ]


def filtered_directives(form: RegisterFilterForm, user) -> QuerySet:
    """Directives matching the valid filters, status-annotated and sorted.

    An invalid form (e.g. a mistyped date) filters by its valid fields only;
    the page shows the errors beside the fields.
    """
    data = form.cleaned_data if form.is_bound else {}
    return register_directives(data, user).order_by(*SORTS[register_sort(form)])


def register_sort(form: RegisterFilterForm) -> str:
    """The sort in force: the one chosen, else relevance when searching, else the due date."""
    data = form.cleaned_data if form.is_bound else {}
    sort = data.get("sort") or ("relevance" if data.get("q") else "due")
    if sort == "relevance" and not data.get("q"):
        sort = "due"  # nothing to be relevant to
    return sort if sort in SORTS else "due"


def register_directives(data: dict, user, as_of: datetime.date | None = None) -> QuerySet:
    """The register's filters on already-validated values, status-annotated, unsorted.

    Shared by the register page, its exports and the JSON API. The base is a
    scope (`scopes.directives`: the same population and status rule as every
    figure that links here): `as_of`, `from`, `to`, `meeting`, and `agency`
    (a code) with `role` — `lead` (it leads, or has a share), `share` (its
    shares only), anything else `involved` (leads, co-ordinates or has a
    share); `agency_role` is the API's name for `role`. With an agency, a
    collective directive's status is that agency's share's. `status`,
    `due_from` and `due_to` then filter on the status and due date in force
    on the as-of day.
    """
    as_of = as_of or data.get("as_of") or timezone.localdate()
    if data.get("agency") and not Agency.objects.filter(code=data["agency"]).exists():
        return selectors.directives_as_of(as_of).none()
    role = data.get("role") or data.get("agency_role") or scopes.INVOLVED
    scope = scopes.Scope(
        as_of=as_of,
        period_start=data.get("from"),
        period_end=data.get("to"),
        meeting=int(data["meeting"]) if data.get("meeting") else None,
        agency=data.get("agency") or "",
        role=role if role in scopes.ROLES else scopes.INVOLVED,
    )
    queryset = scopes.directives(scope)
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("pillar"):
        queryset = queryset.filter(pillar=data["pillar"])
    owner = (data.get("owner") or "").strip()
    if owner == "me":
        queryset = queryset.filter(owner=user)
    elif owner:
        queryset = queryset.filter(owner__in=_people(owner).values("pk"))
    if data.get("due_from"):
        queryset = queryset.filter(due_as_of__gte=data["due_from"])
    if data.get("due_to"):
        queryset = queryset.filter(due_as_of__lte=data["due_to"])
    if data.get("q"):
        queryset = search_directives(queryset, data["q"])  # annotates search_rank, the relevance
    return queryset

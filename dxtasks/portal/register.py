"""The register's query: filters from the GET parameters, applied in the database.

Shared by the register page and its CSV/XLSX export, so an export holds
exactly what the page showed (all pages of it), and by the JSON API.
"""
import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from dxtasks.accounts.models import Role
from dxtasks.directives import selectors
from dxtasks.directives.models import Agency, Directive, Meeting
from dxtasks.directives.search import search_directives
from dxtasks.directives.status import annotate_status

from .forms import SORTS, RegisterFilterForm


def filter_form(params, user) -> RegisterFilterForm:
    """The filter form bound to the request's GET parameters, with its choices loaded."""
    return RegisterFilterForm(
        params or None,
        user=user,
        agencies=Agency.objects.order_by("kind", "short_name_vi").only("code", "short_name_vi", "short_name_en", "name_vi", "name_en", "kind"),
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
    people = _people(text).filter(is_active=True, role__in=[Role.SECRETARIAT, Role.FOCAL_POINT])
    return [{"username": u.username, "name": u.get_full_name() or u.username}
            for u in people.order_by("username").only("username", "first_name", "last_name")[:limit]]


def filtered_directives(form: RegisterFilterForm, user) -> QuerySet:
    """Directives matching the valid filters, status-annotated and sorted.

    An invalid form (e.g. a mistyped date) filters by its valid fields only;
    the page shows the errors beside the fields.
    """
    data = form.cleaned_data if form.is_bound else {}
    sort = data.get("sort") or ("relevance" if data.get("q") else "due")
    if sort == "relevance" and not data.get("q"):
        sort = "due"  # nothing to be relevant to
    return register_directives(data, user).order_by(*SORTS.get(sort, SORTS["due"]))


def register_directives(data: dict, user, as_of: datetime.date | None = None) -> QuerySet:
    """The register's filters on already-validated values, status-annotated, unsorted.

    Shared by the register page, its exports and the JSON API. `agency` is a
    code; `agency_role` "lead" keeps the directives it leads or has a share of,
    anything else also those it co-ordinates. With `as_of` the status is the one of that
    day and only directives already assigned then are included.
    """
    if as_of is None:
        queryset = annotate_status(Directive.objects.all())
    else:
        queryset = selectors.directives_as_of(as_of)
    if data.get("agency"):
        agency = Agency.objects.filter(code=data["agency"]).first()
        if agency is None:
            queryset = queryset.none()
        elif data.get("agency_role") == "lead":
            queryset = selectors.led_by_agency(agency, queryset)
        else:
            queryset = selectors.involving_agency(agency, queryset)
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("meeting"):
        queryset = queryset.filter(meeting__number=data["meeting"])
    if data.get("pillar"):
        queryset = queryset.filter(pillar=data["pillar"])
    owner = (data.get("owner") or "").strip()
    if owner == "me":
        queryset = queryset.filter(owner=user)
    elif owner:
        queryset = queryset.filter(owner__in=_people(owner).values("pk"))
    if data.get("due_from"):
        queryset = queryset.filter(due_date__gte=data["due_from"])
    if data.get("due_to"):
        queryset = queryset.filter(due_date__lte=data["due_to"])
    if data.get("q"):
        queryset = search_directives(queryset, data["q"])  # annotates search_rank, the relevance
    return queryset

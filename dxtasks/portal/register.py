"""The register's query: filters from the GET parameters, applied in the database.

Shared by the register page and its CSV/XLSX export, so an export holds
exactly what the page showed (all pages of it).
"""
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
        agencies=Agency.objects.order_by("kind", "short_name_vi").only("code", "short_name_vi", "name_vi", "kind"),
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
    queryset = annotate_status(Directive.objects.all())
    if data.get("agency"):
        agency = Agency.objects.filter(code=data["agency"]).first()
        queryset = selectors.involving_agency(agency, queryset) if agency else queryset.none()
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
    sort = data.get("sort") or ("relevance" if data.get("q") else "due")
    if data.get("q"):
        queryset = search_directives(queryset, data["q"])  # annotates search_rank, the relevance
    elif sort == "relevance":
        sort = "due"  # nothing to be relevant to
    return queryset.order_by(*SORTS.get(sort, SORTS["due"]))

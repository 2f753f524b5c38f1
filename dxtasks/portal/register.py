"""The register's query: filters from the GET parameters, applied in the database.

Shared by the register page and its CSV/XLSX export, so an export holds
exactly what the page showed (all pages of it).
"""
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from dxtasks.accounts.models import Role
from dxtasks.directives import selectors
from dxtasks.directives.models import Agency, Directive, Meeting
from dxtasks.directives.search import search_directives
from dxtasks.directives.status import annotate_status

from .forms import SORTS, RegisterFilterForm


def filter_form(params, user) -> RegisterFilterForm:
    """The filter form bound to the request's GET parameters, with its choices loaded."""
    # People who can own directives; not "users who own one", which would join the whole register.
    owners = get_user_model().objects.filter(is_active=True, role__in=[Role.SECRETARIAT, Role.FOCAL_POINT])
    return RegisterFilterForm(
        params or None,
        user=user,
        agencies=Agency.objects.order_by("kind", "short_name_vi").only("code", "short_name_vi", "name_vi", "kind"),
        meetings=Meeting.objects.only("number", "date", "committee", "session_number"),
        owners=owners.order_by("username"),
    )


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
    if data.get("owner"):
        queryset = queryset.filter(owner=user) if data["owner"] == "me" else queryset.filter(
            owner__username=data["owner"])
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

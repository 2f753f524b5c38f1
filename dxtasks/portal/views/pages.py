"""Reading pages: dashboard, register (and its export), meetings."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import get_language

from dxtasks.directives import labels, scopes, selectors
from dxtasks.directives.models import Meeting

from .. import exporting, keyset, worklist
from ..dashboard import ListedRows, dashboard_figures, data_version, figures_key, mine_key, my_open_ids
from ..forms import SORT_LABELS, ScopeForm
from ..lists import PAGE_SIZE, list_rows, register_rows, status_rows
from ..register import filter_form, filtered_directives, owner_suggestions, register_sort


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The figures over one scope (every directive followed, as of today, unless the controls say otherwise)."""
    today = timezone.localdate()
    version = data_version()
    worklist_counts, worklist_top = worklist.dashboard_lists(request.user, today, version)
    request.worklist_counts = worklist_counts  # the navigation's, cached
    form = ScopeForm(request.GET or None)
    scope = form.scope()
    figures = dashboard_figures(scope, version)
    language = (get_language() or "vi")[:2]
    # The lists are read only when their rendered table is not in the cache already (the template's {% cache %}
    # blocks, keyed like the figures): building those annotated querysets was most of a cached dashboard's time.
    lists = ListedRows(scope, figures, lambda: my_open_ids(request.user))
    params = scope.params()
    return render(
        request,
        "portal/dashboard.html",
        {
            "today": today,
            "as_of": scope.as_of,
            "scope_form": form,
            "scope_line": scopes.describe(scope),
            "scope_params": params,
            "briefing_query": urlencode({"kind": "overall", **scope.params()}),
            "headline": figures["headline"],
            "already_due": figures["headline"]["completed"] + figures["headline"]["overdue"],
            "status_rows": status_rows(figures["headline"]),
            "due_soon": figures["due_soon"],
            "in_7": scope.as_of + datetime.timedelta(days=7),
            "in_30": scope.as_of + datetime.timedelta(days=30),
            "overdue": SimpleLazyObject(lambda: lists["overdue"]),
            "soon": SimpleLazyObject(lambda: lists["soon"]),
            "mine": SimpleLazyObject(lambda: lists["mine"]),
            "scorecards": SimpleLazyObject(
                lambda: labels.label_scorecards([dict(card) for card in figures["scorecards"][:15]], language)
            ),
            "fragments_ttl": settings.PORTAL_DASHBOARD_CACHE_SECONDS,
            "fragments_key": f"{figures_key(scope, version)}:{language}",
            "mine_key": f"{mine_key(request.user, today, version)}:{language}",
            "worklist_top": worklist.top_rows(worklist_top, today),
        },
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    form = filter_form(request.GET, request.user)
    form.is_valid()  # errors are shown beside the fields; the valid filters still apply
    queryset = filtered_directives(form, request.user)
    as_of = (form.cleaned_data.get("as_of") if form.is_bound else None) or timezone.localdate()
    # Next/previous links carry the sort key of the last/first row shown (keyset.py): deep pages cost page 1's.
    page = keyset.page(
        queryset,
        register_sort(form),
        per_page=PAGE_SIZE,
        number=request.GET.get("page"),
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        rows=lambda rows: register_rows(rows, as_of),
    )
    return render(
        request,
        "portal/register.html",
        {
            "form": form,
            "page": page,
            "sort_labels": SORT_LABELS,
            "as_of": as_of,
            "current_sort": request.GET.get("sort") or ("relevance" if request.GET.get("q") else "due"),
        },
    )


@login_required
def owners(request: HttpRequest) -> JsonResponse:
    """Up to ten people matching what was typed in the register's owner field (its suggestions)."""
    return JsonResponse({"owners": owner_suggestions(request.GET.get("q", ""))})


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = filter_form(request.GET, request.user)
    form.is_valid()
    queryset = filtered_directives(form, request.user)
    per_share = request.GET.get("per") == "share"  # one row per share of a collective directive
    as_of = form.cleaned_data.get("as_of") if form.is_bound else None
    if fmt == "xlsx":
        return exporting.xlsx_response(queryset, settings.SITE_URL, per_share=per_share, as_of=as_of)
    return exporting.csv_response(queryset, settings.SITE_URL, per_share=per_share, as_of=as_of)


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    rows = Meeting.objects.annotate(directive_count=Count("directives")).order_by("-date")
    return render(request, "portal/meetings.html", {"meetings": rows})


@login_required
def meeting_detail(request: HttpRequest, number: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, number=number)
    scope = scopes.Scope(as_of=timezone.localdate(), meeting=meeting.number)
    current = scopes.directives(scope)
    counts = selectors.status_counts(current)
    return render(
        request,
        "portal/meeting_detail.html",
        {
            "meeting": meeting,
            "counts": counts,
            "scope_line": scopes.describe(scope, subject=meeting.label),
            "register_url": f"{reverse('portal:register')}?{urlencode(scope.params())}",
            "briefing_query": urlencode({"kind": "meeting", **scope.params()}),
            "status_rows": status_rows(counts),
            "directives": list_rows(current).order_by("reference"),
            "changes": meeting.changes.select_related("changed_by")[:50],
        },
    )

"""Reading pages: dashboard, register (and its export), meetings."""
import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from dxtasks.directives import selectors
from dxtasks.directives.models import Meeting

from .. import exporting, worklist
from ..dashboard import OPEN_STATES, dashboard_figures, data_version, my_open_ids
from ..forms import SORT_LABELS
from ..lists import PAGE_SIZE, annotated, list_rows, status_rows
from ..register import filter_form, filtered_directives, owner_suggestions


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    version = data_version()
    request.worklist_counts = worklist.counts(request.user, today, version)  # the navigation's, cached
    figures = dashboard_figures(today, version)
    current = annotated()
    in_7, in_30 = today + datetime.timedelta(days=7), today + datetime.timedelta(days=30)
    # The lists use the (state, due_date) index; only their ten rows get a status.
    overdue = list_rows(current.filter(state__in=OPEN_STATES, due_date__lt=today)).order_by("due_date", "pk")
    soon = list_rows(current.filter(state__in=OPEN_STATES, due_date__gte=today, due_date__lte=in_30))
    mine = list_rows(current.filter(pk__in=my_open_ids(request.user, today, version)))
    return render(request, "portal/dashboard.html", {
        "today": today,
        "headline": figures["headline"],
        "status_rows": status_rows(figures["headline"]),
        "due_soon": figures["due_soon"],
        "in_7": in_7,
        "in_30": in_30,
        "overdue": overdue[:10],
        "soon": soon.order_by("due_date", "pk")[:10],
        "mine": mine.order_by(F("due_date").asc(nulls_last=True), "pk")[:10],
        "scorecards": figures["scorecards"][:15],
        "worklist_top": worklist.top_rows(request.user, today, version),
    })


@login_required
def register(request: HttpRequest) -> HttpResponse:
    form = filter_form(request.GET, request.user)
    form.is_valid()  # errors are shown beside the fields; the valid filters still apply
    queryset = filtered_directives(form, request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list_rows(page.object_list)
    return render(request, "portal/register.html", {
        "form": form, "page": page, "sort_labels": SORT_LABELS,
        "current_sort": request.GET.get("sort") or ("relevance" if request.GET.get("q") else "due"),
    })


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
    if fmt == "xlsx":
        return exporting.xlsx_response(queryset, settings.SITE_URL, per_share=per_share)
    return exporting.csv_response(queryset, settings.SITE_URL, per_share=per_share)


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    rows = Meeting.objects.annotate(directive_count=Count("directives")).order_by("-date")
    return render(request, "portal/meetings.html", {"meetings": rows})


@login_required
def meeting_detail(request: HttpRequest, number: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, number=number)
    current = annotated().filter(meeting=meeting)
    counts = selectors.status_counts(current)
    return render(request, "portal/meeting_detail.html", {
        "meeting": meeting,
        "counts": counts,
        "register_url": f"{reverse('portal:register')}?{urlencode({'meeting': meeting.number})}",
        "status_rows": status_rows(counts),
        "directives": list_rows(current).order_by("reference"),
        "changes": meeting.changes.select_related("changed_by")[:50],
    })

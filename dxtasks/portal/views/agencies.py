"""Agencies: the list, an agency's page, and moving a merged agency's directives to its successor."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dxtasks.accounts import roles
from dxtasks.directives import labels, scopes, selectors, services
from dxtasks.directives.models import Agency, Directive

from .. import access
from ..forms import TransferForm
from ..lists import PAGE_SIZE, list_rows, status_rows


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    scope = scopes.today_scope()
    scorecards = {row["lead_agency__code"]: row for row in scopes.scorecards(scope)}
    language = (get_language() or "vi")[:2]
    agencies = labels.ordered(Agency.objects.select_related("successor"), language)
    rows = [(agency, scorecards.get(agency.code)) for agency in agencies]
    return render(request, "portal/agencies.html", {"rows": rows})


@login_required
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("successor"), code=code)
    today = timezone.localdate()
    language = (get_language() or "vi")[:2]
    # Two scopes of the one definition: what it answers for (leads, or its shares), and everything it is in.
    lead = scopes.Scope(as_of=today, agency=agency.code, role=scopes.LEAD)
    involved_scope = scopes.Scope(as_of=today, agency=agency.code, role=scopes.INVOLVED)
    involved = scopes.directives(involved_scope)
    led = scopes.directives(lead)
    counts = selectors.status_counts(involved)
    page = Paginator(involved.order_by(F("due_date").asc(nulls_last=True), "reference"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = list_rows(page.object_list)
    lead_scorecard = next((card for card in scopes.scorecards(lead, led) if card["lead_agency_id"] == agency.pk), None)
    return render(
        request,
        "portal/agency_detail.html",
        {
            "transfer_form": _transfer_form(request, agency),
            "agency": agency,
            "scope_line": scopes.describe(lead, subject=agency.short_name(language)),
            "register_url": f"{reverse('portal:register')}?{urlencode(involved_scope.params())}",
            "lead_register_url": f"{reverse('portal:register')}?{urlencode(lead.params())}",
            "briefing_query": urlencode({"kind": "agency", "agency": agency.code}),
            "predecessors": agency.predecessors.all(),
            "counts": counts,
            "status_rows": status_rows(counts),
            "lead_scorecard": lead_scorecard,
            "headline": selectors.headline_figures(led),
            "page": page,
            "members": agency.members.filter(is_active=True).order_by("username")
            if roles.is_secretariat(request.user)
            else None,
        },
    )


def _open_involving(agency: Agency) -> QuerySet:
    """Open directives the agency is in, less those where its share is already closed (nothing to hand over)."""
    closed_shares = agency.shares.closed().values("directive_id")
    return (
        selectors.involving_agency(agency, Directive.objects.open()).exclude(pk__in=closed_shares).order_by("reference")
    )


def _transfer_form(request: HttpRequest, agency: Agency) -> TransferForm | None:
    """The successor transfer, offered to the secretariat on a merged agency's page."""
    if agency.successor_id is None or not roles.can_manage(request.user):
        return None
    return TransferForm(open_directives=_open_involving(agency))


@login_required
@require_POST
def transfer(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("successor"), code=code)
    access.require_manage(request.user)
    form = TransferForm(request.POST, open_directives=_open_involving(agency))
    if form.is_valid():
        try:
            moved = services.transfer_to_successor(
                agency=agency,
                directives=form.cleaned_data["directives"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.DirectiveError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Đã chuyển %(count)s nhiệm vụ cho %(successor)s.")
                % {"count": len(moved), "successor": agency.successor.short_name((get_language() or "vi")[:2])},
            )
            return redirect("portal:agency", code=agency.code)
    messages.error(
        request, " ".join(form.non_field_errors()) or " ".join(e for errors in form.errors.values() for e in errors)
    )
    return redirect("portal:agency", code=agency.code)

"""“Việc cần xử lý”: the user's worklists (directives.worklists) and their notifications.

Filters are GET parameters (`list`, `agency`, `page`, `notifications=unread`),
so every view of the inbox is bookmarkable. The actions on its rows post to
the directive's own action URLs with `next` = this page.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from dxtasks.directives import events, worklists
from dxtasks.directives.models import Agency, Notification

from ..forms import ExtensionDecisionForm
from ..lists import PAGE_SIZE

OVERVIEW_ROWS = 10


def _rows(rows, today):
    """Each row with its age; a directive list's row (a directive, or one agency's share of a collective
    directive) also with what the table shows the same way for both: `item` (the directive), `followed_agency`,
    `share_code` ("" for a directive) and `link` (the directive page, on the share)."""
    for row in rows:
        row.age = worklists.age_days(row.age_from, today)
        kind = getattr(row, "worklist_model", "")
        if kind == "share":
            row.item, row.followed_agency, row.share_code = row.directive, row.agency, row.agency.code
            row.link = f"{row.directive.get_absolute_url()}?{urlencode({'share': row.agency.code})}"
        elif kind == "directive":
            row.item, row.followed_agency, row.share_code, row.link = row, row.lead_agency, "", row.get_absolute_url()
    return rows


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    errors = []
    agency = None
    code = request.GET.get("agency", "").strip()
    if code:
        agency = Agency.objects.filter(code=code.upper()).first()
        if agency is None:
            errors.append(code)
    names = worklists.lists_for(user)
    counts = worklists.counts(user, agency=agency, today=today)
    chosen = request.GET.get("list", "")
    if chosen and chosen not in names:
        chosen = ""
    sections = []
    page = None
    if chosen:
        page = Paginator(worklists.mixed_rows(user, chosen, agency=agency, today=today), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        page.object_list = _rows(list(page.object_list), today)
        sections.append({"spec": worklists.SPECS[chosen], "count": counts[chosen], "rows": page.object_list})
    else:
        for name in names:
            rows = (
                _rows(list(worklists.mixed_rows(user, name, agency=agency, today=today)[:OVERVIEW_ROWS]), today)
                if counts[name]
                else []
            )
            sections.append({"spec": worklists.SPECS[name], "count": counts[name], "rows": rows})
    unread_only = request.GET.get("notifications") == "unread"
    notifications = Notification.objects.filter(user=user).select_related(
        "event__directive", "event__actor", "event__extension_request", "event__share__agency__successor"
    )
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return render(
        request,
        "portal/inbox.html",
        {
            "tabs": [(name, worklists.SPECS[name].label, counts[name]) for name in names],
            "chosen": chosen,
            "sections": sections,
            "page": page,
            "agency": agency,
            "agency_code": code,
            "agency_error": errors,
            "today": today,
            "decision_form": ExtensionDecisionForm(),
            "notifications": notifications[:30],
            "unread_only": unread_only,
            "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
            "here": request.get_full_path(),
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`id`) or all of the user's as read; only ever the user's own."""
    ident = request.POST.get("id", "")
    if not ident or ident.isdigit():
        events.mark_read(user=request.user, notification_id=int(ident) if ident else None)
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/inbox/") and "//" not in target else "portal:inbox")

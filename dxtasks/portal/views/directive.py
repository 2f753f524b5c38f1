"""One directive: its page, its entry form, and the workflow actions on it.

Every action is a POST that checks the role first (403 with the reason,
nothing changed), then the form, then calls the one service that does the
write. A refused form re-renders the page with the errors and what was typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dxtasks.accounts import roles
from dxtasks.directives import actions, groups, selectors, services
from dxtasks.directives.actions import RequestAction
from dxtasks.directives.models import AgencyKind, Directive, ExtensionRequest, Share
from dxtasks.directives.status import Status, annotate_status
from dxtasks.directives.transitions import Action
from dxtasks.formats import short_date

from .. import access
from ..forms import (
    CancelForm,
    CompleteForm,
    DirectiveForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ProgressForm,
    ReturnForm,
    SubmitForm,
    read_deadline,
)
from ..timeline import timeline


def _directive(public_id) -> Directive:
    queryset = selectors.with_latest_progress(selectors.with_related(annotate_status(Directive.objects.all())))
    return get_object_or_404(queryset, public_id=public_id)


def _add_service_errors(form, error: ValidationError) -> None:
    """A service's refusal, beside the field it names or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _acting_share(request: HttpRequest, directive: Directive) -> Share | None:
    """The share a request acts on (`share=<agency code>` in the form or the address; see `access.acting_share`)."""
    return access.acting_share(request.user, directive, request.POST.get("share") or request.GET.get("share") or "")


def _latest_share_percent(share: Share) -> int | None:
    return share.progress_updates.order_by("-reported_at", "-pk").values_list("percent", flat=True).first()


def _share_table(request: HttpRequest, directive: Directive) -> dict:
    """The collective directive's roll-up line and its filtered, sorted share table."""
    if not directive.is_collective:
        return {}
    status = request.GET.get("share_status", "")
    kind = request.GET.get("share_kind", "")
    sort = request.GET.get("share_sort", "agency")
    search = request.GET.get("share_q", "").strip()[:100]
    rows = list(
        selectors.shares_of(
            directive,
            status=status if status in Status.values else "",
            agency_kind=kind if kind in AgencyKind.values else "",
            search=search,
            sort=sort if sort in selectors.SHARE_SORTS else "agency",
        )
    )
    today = timezone.localdate()
    for row in rows:
        row.days_overdue = selectors.days_overdue(row.due_as_of, today) if row.status == Status.OVERDUE else None
    summary = selectors.share_summary(directive)
    return {
        "shares": rows,
        "share_summary": summary,
        "group_label": groups.label(directive.addressees, summary["total"]),
        "share_filters": {"share_status": status, "share_kind": kind, "share_sort": sort, "share_q": search},
        "share_status_choices": Status.choices,
        "share_kind_choices": [(k, label) for k, label in AgencyKind.choices if k != AgencyKind.OTHER],
        "share_sorts": selectors.SHARE_SORTS,
    }


# The action panels of the page (the decision form sits with the pending request, above them).
PANELS = {
    Action.PROGRESS: "progress_form",
    Action.EXTENSION: "extension_form",
    Action.SUBMIT: "submit_form",
    Action.COMPLETE: "complete_form",
    Action.RETURN: "return_form",
    Action.CANCEL: "cancel_form",
}
FORM_ACTIONS = {form: action for action, form in PANELS.items()} | {"decision_form": RequestAction.DECIDE}


def _page(
    request: HttpRequest, directive: Directive, status: int = 200, share: Share | None = None, **bound
) -> HttpResponse:
    user = request.user
    if share is None:
        share = _acting_share(request, directive)
    target = share or directive
    closed = directive.is_closed or target.is_closed
    pending = actions.pending_request(directive, share)
    # What this user may do here now: the roles and the transition table (directives/actions.py).
    offered = actions.available_actions(user, directive, share, pending=pending)
    # The requester sees the answer to their latest request, with the secretariat's note.
    my_decision = (
        directive.extension_requests.filter(
            share=share,
            requested_by=user,
            decision__in=[ExtensionRequest.Decision.APPROVED, ExtensionRequest.Decision.REJECTED],
        )
        .select_related("decided_by")
        .order_by("-decided_at")
        .first()
    )
    context = {
        "directive": directive,
        "share": share,
        "timeline": timeline(directive, share),
        "pending_extension": pending,
        "my_decision": my_decision,
        "actions": offered,
        "panels_offered": bool(offered & PANELS.keys()),
        "can_manage": roles.can_manage(user),  # the edit link and the share table's links
        "days_overdue": selectors.days_overdue(target.due_date, timezone.localdate()) if not closed else None,
        "progress_form": bound.get("progress_form")
        or ProgressForm(
            initial={"percent": (_latest_share_percent(share) if share is not None else directive.latest_percent) or 0}
        ),
        "extension_form": bound.get("extension_form") or ExtensionRequestForm(),
        "decision_form": bound.get("decision_form") or ExtensionDecisionForm(),
        "submit_form": bound.get("submit_form") or SubmitForm(),
        "complete_form": bound.get("complete_form") or CompleteForm(initial={"completed_on": timezone.localdate()}),
        "return_form": bound.get("return_form") or ReturnForm(),
        "cancel_form": bound.get("cancel_form") or CancelForm(),
        "open_panel": bound.get("open_panel", ""),
        **_share_table(request, directive),
    }
    # A refusal for an action whose form is no longer offered (e.g. returning a directive that
    # was never submitted) is shown above the actions, so it is never lost.
    open_panel = context["open_panel"]
    if open_panel and FORM_ACTIONS[open_panel] not in offered:
        context["action_errors"] = context[open_panel].non_field_errors()
    return render(request, "portal/directive_detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, public_id) -> HttpResponse:
    return _page(request, _directive(public_id))


def _action(request, public_id, *, form_class, form_key, allowed, perform, success):
    """The shared shape of a workflow POST: role, share, form, service, message, redirect.

    On a collective directive the action is on the acting share (the user's
    agency's; the secretariat's chosen one), passed to the service as `share=`.
    """
    directive = _directive(public_id)
    share = _acting_share(request, directive)
    allowed(request.user, directive, share)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            perform(directive, form.cleaned_data, share)
        except services.DirectiveError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(_back(request, directive, share))
    return _page(request, directive, status=400, share=share, **{form_key: form, "open_panel": form_key})


def _report(user, directive, share=None):
    access.require_report_action(user, directive, share)


def _manage(user, directive, share=None):
    access.require_manage(user)


@login_required
@require_POST
def add_progress(request: HttpRequest, public_id) -> HttpResponse:
    return _action(
        request,
        public_id,
        form_class=ProgressForm,
        form_key="progress_form",
        allowed=_report,
        perform=lambda d, data, share: services.record_progress(directive=d, by=request.user, share=share, **data),
        success=_("Đã ghi báo cáo tiến độ."),
    )


@login_required
@require_POST
def request_extension(request: HttpRequest, public_id) -> HttpResponse:
    return _action(
        request,
        public_id,
        form_class=ExtensionRequestForm,
        form_key="extension_form",
        allowed=_report,
        perform=lambda d, data, share: services.request_extension(directive=d, by=request.user, share=share, **data),
        success=_("Đã gửi đề nghị gia hạn. Thư ký Ủy ban sẽ xem xét."),
    )


@login_required
@require_POST
def decide_extension(request: HttpRequest, public_id, request_id: int) -> HttpResponse:
    directive = _directive(public_id)
    access.require_manage(request.user)
    extension = get_object_or_404(ExtensionRequest, pk=request_id, directive=directive)
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.decide_extension(
                request=extension, by=request.user, approve=approve, note=form.cleaned_data["note"]
            )
        except services.DirectiveError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã duyệt gia hạn; thời hạn mới là %(date)s.") % {"date": short_date(extension.proposed_due)}
                if approve
                else _("Đã từ chối đề nghị gia hạn."),
            )
            return redirect(_back(request, directive, extension.share))
    if _from_inbox(request):
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_back(request, directive, extension.share))
    return _page(request, directive, status=400, share=extension.share, decision_form=form, open_panel="decision_form")


@login_required
@require_POST
def withdraw_extension(request: HttpRequest, public_id, request_id: int) -> HttpResponse:
    directive = _directive(public_id)
    extension = get_object_or_404(ExtensionRequest, pk=request_id, directive=directive)
    access.require_withdraw(request.user, extension)
    try:
        services.withdraw_extension(request=extension, by=request.user)
    except services.DirectiveError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã rút lại đề nghị gia hạn."))
    return redirect(_back(request, directive, extension.share))


def _from_inbox(request: HttpRequest) -> bool:
    """Actions taken from the worklist go back to it (its filters kept); only /inbox/ addresses."""
    target = request.POST.get("next", "")
    return target.startswith("/inbox/") and "//" not in target and "\\" not in target


def _back(request: HttpRequest, directive: Directive, share: Share | None = None) -> str:
    """Back to the inbox the action came from, else to the directive (on the share acted on)."""
    if _from_inbox(request):
        return request.POST["next"]
    url = directive.get_absolute_url()
    return f"{url}?share={share.agency.code}" if share is not None else url


@login_required
@require_POST
def submit(request: HttpRequest, public_id) -> HttpResponse:
    return _action(
        request,
        public_id,
        form_class=SubmitForm,
        form_key="submit_form",
        allowed=_report,
        perform=lambda d, data, share: services.submit_for_review(
            directive=d, by=request.user, note=data["note"], share=share
        ),
        success=_("Đã gửi đề nghị xác nhận hoàn thành."),
    )


@login_required
@require_POST
def complete(request: HttpRequest, public_id) -> HttpResponse:
    return _action(
        request,
        public_id,
        form_class=CompleteForm,
        form_key="complete_form",
        allowed=_manage,
        perform=lambda d, data, share: services.complete_directive(directive=d, by=request.user, share=share, **data),
        success=_("Đã xác nhận hoàn thành nhiệm vụ."),
    )


@login_required
@require_POST
def return_for_rework(request: HttpRequest, public_id) -> HttpResponse:
    return _action(
        request,
        public_id,
        form_class=ReturnForm,
        form_key="return_form",
        allowed=_manage,
        perform=lambda d, data, share: services.return_for_rework(
            directive=d, by=request.user, note=data["note"], share=share
        ),
        success=_("Đã trả lại nhiệm vụ để tiếp tục thực hiện."),
    )


@login_required
@require_POST
def cancel(request: HttpRequest, public_id) -> HttpResponse:
    return _action(
        request,
        public_id,
        form_class=CancelForm,
        form_key="cancel_form",
        allowed=_manage,
        perform=lambda d, data, share: services.cancel_directive(
            directive=d, by=request.user, reason=data["reason"], share=share
        ),
        success=_("Đã hủy nhiệm vụ."),
    )


# --- Entry -------------------------------------------------------------------------------


@login_required
def create(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    form = DirectiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            directive = form.save(by=request.user)
        except services.DirectiveError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Đã tạo nhiệm vụ %(ref)s.") % {"ref": directive.reference})
            return redirect(directive.get_absolute_url())
    return render(
        request, "portal/directive_form.html", {"form": form, "directive": None}, status=400 if form.is_bound else 200
    )


@login_required
def edit(request: HttpRequest, public_id) -> HttpResponse:
    directive = get_object_or_404(Directive.objects.prefetch_related("co_agencies"), public_id=public_id)
    access.require_manage(request.user)
    form = DirectiveForm(request.POST or None, directive=directive)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            form.save(by=request.user)  # the stale check first, then the deadline move
        except services.StaleEdit as error:
            form.add_error(None, error)
            form.stale = True
        except services.DirectiveError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu nhiệm vụ %(ref)s.") % {"ref": data["reference"]})
            return redirect(directive.get_absolute_url())
    return render(
        request,
        "portal/directive_form.html",
        {"form": form, "directive": directive},
        status=(409 if getattr(form, "stale", False) else 400) if form.is_bound else 200,
    )


@login_required
@require_GET
def deadline_preview(request: HttpRequest) -> JsonResponse:
    """What the deadline typed so far means, for the form's live preview."""
    text = request.GET.get("deadline_text", "")[:300]
    if not text.strip():
        return JsonResponse({"ok": False, "message": ""})
    try:
        deadline = read_deadline(text)
    except ValidationError as error:
        return JsonResponse({"ok": False, "message": " ".join(error.messages)})
    if deadline.due is None:
        label = (
            _("Thường xuyên (không có hạn)")
            if deadline.precision == "ongoing"
            else _("Làm sớm (không có ngày hạn cụ thể)")
        )
    else:
        label = _("Hạn: %(date)s") % {"date": short_date(deadline.due)}
    return JsonResponse(
        {
            "ok": True,
            "message": label,
            "due": deadline.due.isoformat() if deadline.due else None,
            "precision": deadline.precision,
        }
    )

"""Meeting entry for the secretariat: register, edit, delete (only without directives), the notice file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dxtasks.directives import services
from dxtasks.directives.models import Meeting

from .. import access
from ..forms import MeetingForm
from .directive import _add_service_errors

# Where "new meeting" may send the user back to (the import page offers it inline).
RETURN_TO = {
    "import": "portal:import",
    "import_notice": "portal:import_notice_review",
    "import_notice_read": "portal:import_notice",
}


def _initial(meeting: Meeting) -> dict:
    return {name: getattr(meeting, name) for name in MeetingForm.base_fields if name != "notice_file"}


def _back_to(request: HttpRequest, meeting: Meeting) -> str:
    target = RETURN_TO.get(request.POST.get("next") or request.GET.get("next") or "")
    if target:
        return f"{reverse(target)}?{urlencode({'meeting': meeting.pk})}"
    return reverse("portal:meeting", args=[meeting.number])


@login_required
def create(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    form = MeetingForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = services.create_meeting(by=request.user, **form.meeting_fields())
            except services.DirectiveError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Đã tạo %(meeting)s.") % {"meeting": meeting.label})
                return redirect(_back_to(request, meeting))
        return render(
            request,
            "portal/meeting_form.html",
            {"form": form, "meeting": None, "next": request.POST.get("next", "")},
            status=400,
        )
    return render(
        request, "portal/meeting_form.html", {"form": form, "meeting": None, "next": request.GET.get("next", "")}
    )


@login_required
def edit(request: HttpRequest, number: int) -> HttpResponse:
    access.require_manage(request.user)
    meeting = get_object_or_404(Meeting, number=number)
    form = MeetingForm(request.POST or None, request.FILES or None, initial=_initial(meeting))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                meeting = services.update_meeting(meeting=meeting, by=request.user, **form.meeting_fields())
            except services.DirectiveError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu %(meeting)s.") % {"meeting": meeting.label})
                return redirect("portal:meeting", number=meeting.number)
    return render(
        request,
        "portal/meeting_form.html",
        {"form": form, "meeting": meeting, "directive_count": meeting.directives.count()},
        status=status,
    )


@login_required
@require_POST
def delete(request: HttpRequest, number: int) -> HttpResponse:
    access.require_manage(request.user)
    meeting = get_object_or_404(Meeting, number=number)
    try:
        services.delete_meeting(meeting=meeting, by=request.user)
    except services.DirectiveError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:meeting_edit", number=meeting.number)
    messages.success(request, _("Đã xóa %(meeting)s.") % {"meeting": meeting.label})
    return redirect("portal:meetings")


@login_required
def notice_file(request: HttpRequest, number: int) -> FileResponse:
    """The uploaded conclusion notice, for any signed-in user (it is the meeting's public record)."""
    meeting = get_object_or_404(Meeting, number=number)
    if not meeting.notice_file:
        raise Http404
    try:
        handle = meeting.notice_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    name = meeting.notice_file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=not name.lower().endswith(".pdf"), filename=name)

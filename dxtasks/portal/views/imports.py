"""Bulk import: upload → preview of every row's problems → commit all or none.

The uploaded file is kept in the session between the preview and the
commit (at most 2 MB), and is read and checked again at commit time, since
the database may have changed in between.
"""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dxtasks.directives.models import Meeting

from .. import access, importing
from ..forms import ImportForm, MeetingForm

SESSION_KEY = "portal_import"


def _check(name: str, content: bytes, meeting_id: int | None) -> importing.ImportResult:
    meeting = Meeting.objects.filter(pk=meeting_id).first() if meeting_id else None
    return importing.check_rows(importing.read_table(name, content), default_meeting=meeting)


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"meeting": request.GET.get("meeting")})
    context = {"form": form, "columns": importing.COLUMNS, "result": None, "meeting_form": MeetingForm()}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            meeting = form.cleaned_data["meeting"]
            content = upload_file.read(importing.MAX_BYTES + 1)
            try:
                result = _check(upload_file.name, content, meeting.pk if meeting else None)
            except importing.ImportFileError as error:
                form.add_error("file", str(error))
            else:
                context["result"] = result
                if result.ok:
                    status = 200
                    request.session[SESSION_KEY] = {
                        "name": upload_file.name,
                        "content": base64.b64encode(content).decode(),
                        "meeting": meeting.pk if meeting else None,
                    }
                else:
                    request.session.pop(SESSION_KEY, None)
    return render(request, "portal/import.html", context, status=status)


@login_required
@require_POST
def commit(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    stored = request.session.get(SESSION_KEY)
    if not stored:
        messages.error(request, _("Không còn tệp chờ nhập. Hãy tải tệp lên lại."))
        return redirect("portal:import")
    try:
        result = _check(stored["name"], base64.b64decode(stored["content"]), stored["meeting"])
        created = importing.commit(result, by=request.user)
    except importing.ImportFileError as error:
        messages.error(request, str(error))
        return redirect("portal:import")
    except importing.ImportRefused as refused:
        context = {
            "form": ImportForm(),
            "columns": importing.COLUMNS,
            "result": refused.result,
            "meeting_form": MeetingForm(),
            "refused": True,
        }
        return render(request, "portal/import.html", context, status=400)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("Đã nhập %(count)s nhiệm vụ.") % {"count": len(created)})
    meeting_numbers = {d.meeting.number for d in created if d.meeting}
    if len(meeting_numbers) == 1:
        return redirect("portal:meeting", number=meeting_numbers.pop())
    return redirect("portal:register")


@login_required
def template_file(request: HttpRequest, fmt: str) -> HttpResponse:
    access.require_manage(request.user)
    if fmt == "xlsx":
        response = HttpResponse(
            importing.template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dxtasks-mau-nhap.{fmt}"'
    return response

"""Conclusion-notice intake: paste or upload → review the drafted directives → save them all or none.

The draft (header, proposals, the uploaded file) is kept in the session
between reading and saving; the save runs the CSV import's checks and
services in one transaction (`notice_import.save`).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dxtasks.directives.models import Committee, Meeting
from dxtasks.directives.notice_input import MAX_BYTES, text_from_file, text_from_paste
from dxtasks.directives.notices import MAX_CHARS, NoticeError

from .. import access, importing, notice_import
from ..forms import MeetingForm, NoticeMeetingForm, NoticeReadForm, NoticeRowFormSet
from ..notice_flags import explain_flag

SESSION_KEY = "portal_notice"


@login_required
def read(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    try:
        form = NoticeReadForm(
            request.POST or None, request.FILES or None, initial={"meeting": request.GET.get("meeting")}
        )
    except RequestDataTooBig:  # a paste of megabytes: Django refuses to parse it
        error = _("Văn bản dán vào quá dài (tối đa %(max)s ký tự). Hãy tải tệp lên thay vì dán.") % {
            "max": f"{MAX_CHARS:,}"
        }
        return render(
            request,
            "portal/import_notice.html",
            {"form": NoticeReadForm(), "error": error, "meeting_form": MeetingForm()},
            status=400,
        )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                if upload:
                    name, content = upload.name, upload.read(MAX_BYTES + 1)
                    text = text_from_file(name, content)
                else:
                    name, content = "", b""
                    text = text_from_paste(form.cleaned_data["text"])
                # A meeting chosen (or just created inline) wins over the one the header names.
                reading, meeting = notice_import.read(text, meeting=form.cleaned_data.get("meeting"))
            except NoticeError as error:
                form.add_error("file" if upload else "text", str(error))
            else:
                request.session[SESSION_KEY] = notice_import.draft(reading, meeting, file_name=name, content=content)
                return redirect("portal:import_notice_review")
    return render(
        request,
        "portal/import_notice.html",
        {"form": form, "has_draft": SESSION_KEY in request.session, "meeting_form": MeetingForm()},
        status=status,
    )


def _rows(stored: dict, formset) -> list[dict]:
    return [
        {"form": form, "draft": row, "flags": [explain_flag(f) for f in row["flags"]], "errors": []}
        for form, row in zip(formset.forms, stored["rows"], strict=False)
    ]


def _new_meeting_form(stored: dict) -> MeetingForm:
    header = stored["header"]
    committee = header["committee"] if header["committee"] in Committee.values else ""

    def day(value: str):
        return datetime.date.fromisoformat(value) if value else None

    return MeetingForm(
        initial={
            "committee": committee,
            "session_number": header["meeting_number"],
            "date": day(header["meeting_date"]),
            "notice_ref": header["number"],
            "notice_date": day(header["date"]),
        }
    )


@login_required
def review(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    stored = request.session.get(SESSION_KEY)
    if not stored:
        messages.error(request, _("Không còn thông báo chờ duyệt. Hãy dán hoặc tải thông báo lên lại."))
        return redirect("portal:import_notice")
    chosen = request.GET.get("meeting") or stored["meeting"]
    if request.method != "POST":
        meeting_form = NoticeMeetingForm(initial={"meeting": chosen})
        formset = NoticeRowFormSet(initial=[{**row, "keep": True} for row in stored["rows"]])
        context = {
            "meeting_form": meeting_form,
            "formset": formset,
            "rows": _rows(stored, formset),
            "stored": stored,
            "new_meeting_form": _new_meeting_form(stored),
        }
        return render(request, "portal/import_notice_review.html", context)
    meeting_form = NoticeMeetingForm(request.POST)
    formset = NoticeRowFormSet(request.POST, initial=stored["rows"])
    rows = _rows(stored, formset)
    context = {
        "meeting_form": meeting_form,
        "formset": formset,
        "rows": rows,
        "stored": stored,
        "new_meeting_form": _new_meeting_form(stored),
    }
    if not (meeting_form.is_valid() and formset.is_valid()) or formset.total_form_count() != len(stored["rows"]):
        return render(request, "portal/import_notice_review.html", context, status=400)
    meeting: Meeting = meeting_form.cleaned_data["meeting"]
    edited = [form.cleaned_data for form in formset.forms]
    reviewed = notice_import.reviewed_rows(stored, edited)
    if not reviewed:
        context["error"] = _("Chưa chọn nhiệm vụ nào để lưu.")
        return render(request, "portal/import_notice_review.html", context, status=400)
    try:
        created = notice_import.save(
            reviewed,
            meeting=meeting,
            by=request.user,
            notice_ref=stored["header"]["number"],
            notice_date=notice_import.stored_notice_date(stored),
            notice_file=notice_import.stored_file(stored),
        )
    except importing.ImportRefused as refused:
        # the import numbers the saved rows from 1; show each row's problems beside its draft row
        for row in refused.result.rows:
            if row.errors:
                rows[reviewed[row.line - 1].index]["errors"] = row.errors
        context["error"] = _("Chưa lưu nhiệm vụ nào: %(count)s dòng có lỗi, hãy sửa rồi lưu lại.") % {
            "count": len(refused.result.bad_rows)
        }
        return render(request, "portal/import_notice_review.html", context, status=400)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("Đã lưu %(count)s nhiệm vụ từ thông báo.") % {"count": len(created)})
    return redirect("portal:meeting", number=meeting.number)

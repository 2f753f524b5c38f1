"""Briefing URLs: each answers with the PDF, or with a page that waits for a queued one."""
import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import policy
from .content import BriefingError, Kind, make_spec
from .models import StoredBriefing
from .rendering import render as render_briefing
from .store import file_is_present, obtain

REFRESH_SECONDS = 3


def _date_param(request: HttpRequest, name: str) -> datetime.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BriefingError(_("“%(value)s” không phải ngày hợp lệ (YYYY-MM-DD) ở tham số %(name)s.")
                            % {"value": raw[:40], "name": name}) from None


def _briefing(request: HttpRequest, kind: str, scope: str = "") -> HttpResponse:
    try:
        spec = make_spec(
            kind=kind,
            scope=scope,
            as_of=_date_param(request, "as_of"),
            language=request.GET.get("lang") or request.LANGUAGE_CODE,
            period_start=_date_param(request, "from"),
            period_end=_date_param(request, "to"),
        )
    except BriefingError as error:
        if error.not_found:
            raise Http404(str(error)) from error
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    decision = policy.plan(spec, request.user)
    if decision == "render":  # a custom date or period, small: made now, not kept
        response = HttpResponse(render_briefing(spec).pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{_filename(spec)}"'
        response["Cache-Control"] = "private, no-cache"
        return response
    if decision == "refuse":
        response = HttpResponse(
            _("Hôm nay bạn đã lập %(count)s báo cáo lớn theo ngày hoặc kỳ tự chọn. Hãy dùng số liệu đến hôm nay "
              "hoặc đến đầu/cuối một tháng, hoặc thử lại vào ngày mai.") % {"count": policy.custom_per_day()},
            status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(policy.seconds_until_tomorrow())
        return response
    stored = obtain(spec, user=request.user)
    if stored.state == StoredBriefing.State.READY:
        return _pdf_response(stored)
    return redirect("briefings:stored", pk=stored.pk)


@require_GET
@login_required
def overall(request: HttpRequest) -> HttpResponse:
    return _briefing(request, Kind.OVERALL)


@require_GET
@login_required
def meeting(request: HttpRequest, number: int) -> HttpResponse:
    return _briefing(request, Kind.MEETING, str(number))


@require_GET
@login_required
def agency(request: HttpRequest, code: str) -> HttpResponse:
    return _briefing(request, Kind.AGENCY, code)


@require_GET
@login_required
def stored(request: HttpRequest, pk: int) -> HttpResponse:
    """The "being prepared" page: refreshes itself until the PDF is ready, then hands it over."""
    briefing = get_object_or_404(StoredBriefing, pk=pk)
    if briefing.state == StoredBriefing.State.READY and file_is_present(briefing):
        return redirect("briefings:download", pk=briefing.pk)
    failed = briefing.state == StoredBriefing.State.FAILED
    response = render(
        request,
        "briefings/preparing.html",
        {"briefing": briefing, "failed": failed, "refresh_seconds": REFRESH_SECONDS,
         "retry_url": _briefing_url(briefing)},
        status=500 if failed else 200,
    )
    if not failed:
        response["Refresh"] = str(REFRESH_SECONDS)
        response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = get_object_or_404(StoredBriefing, pk=pk, state=StoredBriefing.State.READY)
    if not file_is_present(briefing):
        raise Http404(_("Tệp báo cáo không còn; hãy lập lại."))
    return _pdf_response(briefing)


def _briefing_url(briefing: StoredBriefing) -> str:
    """The URL that asks for this briefing again (a retry after a failure)."""
    if briefing.kind == Kind.MEETING:
        url = reverse("briefings:meeting", args=[int(briefing.scope)])
    elif briefing.kind == Kind.AGENCY:
        url = reverse("briefings:agency", args=[briefing.scope])
    else:
        url = reverse("briefings:overall")
    params = {"as_of": briefing.as_of.isoformat(), "lang": briefing.language}
    if briefing.period_start:
        params["from"] = briefing.period_start.isoformat()
    if briefing.period_end:
        params["to"] = briefing.period_end.isoformat()
    return f"{url}?{urlencode(params)}"


def _filename(briefing) -> str:
    """briefing-<kind>[-<scope>]-<as of>-<language>.pdf, for a stored briefing or a spec."""
    scope = "-" + briefing.scope.lower() if briefing.scope else ""
    return f"briefing-{briefing.kind}{scope}-{briefing.as_of}-{briefing.language}.pdf"


def _pdf_response(briefing: StoredBriefing) -> FileResponse:
    name = _filename(briefing)
    response = FileResponse(
        briefing.file.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=name,
    )
    response["Cache-Control"] = "private, no-cache"
    return response

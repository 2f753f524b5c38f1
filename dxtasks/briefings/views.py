"""Briefing URLs: each answers with the PDF, or with a page that waits for a queued one."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import policy
from .content import BriefingError, Kind, make_spec
from .forms import BriefingForm
from .models import StoredBriefing
from .rendering import render as render_briefing
from .store import file_is_present, obtain

REFRESH_SECONDS = 3


OPTION_PARAMS = ("kind", "meeting", "agency", "role", "from", "to", "as_of", "lang")


def _options_page(request: HttpRequest, form: BriefingForm, status: int = 200) -> HttpResponse:
    return render(request, "briefings/options.html", {"form": form}, status=status)


def _briefing(request: HttpRequest, kind: str = "", scope: str = "") -> HttpResponse:
    """The PDF for the request's options, or the options form (with the errors, in the user's language)."""
    params = {name: request.GET[name] for name in OPTION_PARAMS if request.GET.get(name, "").strip()}
    if kind:  # /briefings/meeting/7/, /briefings/agency/MPS/: the path names the subject
        params["kind"] = kind
        params[kind] = scope.upper() if kind == Kind.AGENCY else scope
        try:
            make_spec(kind=kind, scope=scope)
        except BriefingError as error:
            if error.not_found:
                raise Http404(str(error)) from error
    if request.GET.get("edit") or not params:
        return _options_page(request, BriefingForm(initial=params or None))
    params.setdefault("kind", Kind.OVERALL)
    params.setdefault("lang", request.LANGUAGE_CODE)
    form = BriefingForm(params)
    if not form.is_valid():
        return _options_page(request, form, status=400)
    spec = form.spec
    decision = policy.plan(spec, request.user)
    if decision == "render":  # a custom date or period, small: made now, not kept
        response = HttpResponse(render_briefing(spec).pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{_filename(spec)}"'
        response["Cache-Control"] = "private, no-cache"
        return response
    if decision == "refuse":
        response = HttpResponse(
            _(
                "Hôm nay bạn đã lập %(count)s báo cáo lớn theo ngày hoặc kỳ tự chọn. Hãy dùng số liệu đến hôm nay "
                "hoặc đến đầu/cuối một tháng, hoặc thử lại vào ngày mai."
            )
            % {"count": settings.BRIEFINGS_CUSTOM_PER_DAY},
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(policy.seconds_until_tomorrow())
        return response
    stored = obtain(spec, user=request.user)
    if stored.state == StoredBriefing.State.READY:
        return _pdf_response(stored)
    return redirect("briefings:stored", pk=stored.pk)


@require_GET
@login_required
def overall(request: HttpRequest) -> HttpResponse:
    """`/briefings/`: without parameters (or with `edit=1`) the options form; with them, the briefing."""
    return _briefing(request)


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
        {
            "briefing": briefing,
            "failed": failed,
            "refresh_seconds": REFRESH_SECONDS,
            "retry_url": _briefing_url(briefing),
        },
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
    params = {"as_of": f"{briefing.as_of:%d/%m/%Y}", "lang": briefing.language}
    if briefing.role:
        params["role"] = briefing.role
    if briefing.period_start:
        params["from"] = f"{briefing.period_start:%d/%m/%Y}"
    if briefing.period_end:
        params["to"] = f"{briefing.period_end:%d/%m/%Y}"
    return f"{url}?{urlencode(params)}"


def _filename(briefing) -> str:
    """briefing-<kind>[-<scope>[-involved]]-<as of>-<language>.pdf, for a stored briefing or a spec."""
    scope = "-" + briefing.scope.lower() if briefing.scope else ""
    if briefing.role and briefing.role != "lead":
        scope += "-" + briefing.role
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

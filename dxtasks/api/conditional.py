"""ETag / If-None-Match on reads, If-Match on writes."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _

from dxtasks.directives.models import Directive
from dxtasks.directives.refusals import Refusal

from .problems import ApiProblem
from .representations import micros, updated_at_of


def not_modified_or_tag(request: HttpRequest, response: HttpResponse, etag: str) -> HttpResponse | None:
    """Tag the response; a 304 when the client already holds this representation."""
    response["ETag"] = etag
    if request.method in ("GET", "HEAD") and request.headers.get("If-None-Match"):
        conditional = get_conditional_response(request, etag=etag)
        if conditional is not None and conditional.status_code == 304:
            for header in ("ETag", "Cache-Control", "Vary"):
                conditional[header] = response[header]
            return conditional
    return None


def expected_updated_at(request: HttpRequest) -> datetime.datetime | None:
    """The `updated_at` an If-Match header says the client saw; None without If-Match (or `*`)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    value = updated_at_of(header)
    if value is None:
        raise stale(_("If-Match phải là ETag của nhiệm vụ (trong dấu ngoặc kép)."))
    try:
        return datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(microseconds=value)
    except OverflowError:
        raise stale(_("If-Match phải là ETag của nhiệm vụ (trong dấu ngoặc kép).")) from None


def check_if_match(request: HttpRequest, locked: Directive) -> None:
    """Refuse with 412 when the (locked) directive changed since the client's ETag."""
    expected = expected_updated_at(request)
    if expected is not None and micros(expected) != micros(locked.updated_at):
        raise stale(_("Nhiệm vụ đã thay đổi từ khi bạn đọc; hãy GET lại để lấy ETag mới."))


def stale(message: str) -> ApiProblem:
    return ApiProblem(412, message, kind="stale", errors=[("If-Match", message)], refusal=Refusal.STALE_EDIT)

"""The JSON API at /api/v1/: one NinjaAPI, its error handling and its OpenAPI document.

Why django-ninja: the schemas that validate requests are the OpenAPI
document (pydantic), so the published schema can't drift from what the code
accepts, and schemathesis can check every operation against it. It ships
Swagger UI and Redoc as static files (no CDN), which our strict CSP needs.
"""

import datetime
import json

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from dxtasks.directives.refusals import Refusal
from dxtasks.directives.services import DirectiveError, StaleEdit

from . import directives, inbox, reference, shares
from .auth import BearerToken, PerCallerRate, Session
from .problems import MEDIA_TYPE, ApiProblem, django_errors, from_exception, problem, pydantic_errors

MAX_BODY_BYTES = 1024 * 1024


class BodyTooLarge(Exception):
    pass


class LimitedJsonParser(Parser):
    """JSON bodies up to 1 MB; a larger one is refused before it is parsed."""

    def parse_body(self, request: HttpRequest):
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        try:
            body = request.body
        except RequestDataTooBig as exc:
            raise BodyTooLarge() from exc
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        return json.loads(body)


class Encoder(NinjaJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()  # full precision (Django's encoder cuts to milliseconds)
        return super().default(o)


class Renderer(JSONRenderer):
    encoder_class = Encoder
    json_dumps_params = {"ensure_ascii": False}  # Vietnamese as UTF-8, not \u escapes


class DxtasksAPI(NinjaAPI):
    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        response = super().create_temporal_response(request)
        _cache_headers(request, response)
        return response

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                responses = operation.get("responses", {})
                for code, response in responses.items():
                    content = response.get("content", {})
                    if str(code) == "304":
                        response.pop("content", None)
                    elif int(code) >= 400 and "application/json" in content:
                        content[MEDIA_TYPE] = content.pop("application/json")
                    elif int(code) < 300 and method != "delete":
                        response.setdefault("headers", {})["ETag"] = {
                            "description": "The representation's entity tag.",
                            "schema": {"type": "string"},
                        }
                codes = {str(code) for code in responses}
                condition = "If-None-Match" if "304" in codes else "If-Match" if "412" in codes else None
                if condition:
                    operation.setdefault("parameters", []).append(
                        {
                            "name": condition,
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string"},
                            "description": CONDITION_HELP[condition],
                        }
                    )
        schema["info"]["description"] = API_DESCRIPTION
        return schema


def _cache_headers(request: HttpRequest, response: HttpResponse) -> None:
    # Private data: never in a shared cache. Token clients revalidate with ETags;
    # a browser session keeps the portal's no-store (no back-button after sign-out).
    token_request = "HTTP_AUTHORIZATION" in request.META
    response["Cache-Control"] = "private, no-cache" if token_request else "private, no-store"
    response["Vary"] = "Authorization, Cookie, Accept-Language"


CONDITION_HELP = {
    "If-None-Match": "An ETag you hold: 304 Not Modified when it is still current.",
    "If-Match": "The directive's ETag as you read it: 412 when the directive changed since (nothing is written).",
}

API_DESCRIPTION = """\
The directives of the National Committee on Digital Transformation, their follow-up and the reference data.

**Authentication**: a personal API token (`Authorization: Bearer dxt_…`), created on the portal's
*API tokens* page or with `manage.py api_token USERNAME [--read-only]`; or the portal's session cookie
with Django's CSRF token (`X-CSRFToken`) on writes. A token acts with its owner's role and agency
(secretariat, focal point, viewer), narrowed by its scope (read, or read and write).

**Errors** are RFC 9457 problem details (`application/problem+json`) whose `errors` name the field.

**Lists** use cursor pagination (`cursor`, `limit`; follow `next`). Lists and details carry an `ETag`:
send it back in `If-None-Match` for a `304`. Writes accept `If-Match` with a directive's `ETag` and answer
`412` when the directive changed meanwhile (the portal's stale-edit rule). Dates are ISO 8601.
"""

api = DxtasksAPI(
    title="dxtasks API",
    version="1.0.0",
    urls_namespace="api",
    auth=[BearerToken(), Session(csrf=True)],
    throttle=[PerCallerRate()],
    parser=LimitedJsonParser(),
    renderer=Renderer(),
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiProblem)
def _api_problem(request, exc: ApiProblem):
    return from_exception(exc)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors = pydantic_errors(exc.errors)
    return problem(
        422,
        _("Dữ liệu gửi lên không hợp lệ: %(fields)s.") % {"fields": ", ".join(f for f, _m in errors)},
        kind="validation",
        errors=errors,
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc, AuthenticationError):
        return problem(
            401,
            _("Cần mã API (Authorization: Bearer …) hoặc phiên đăng nhập."),
            kind="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="dxtasks"'},
        )
    if isinstance(exc, Throttled):
        wait = int(exc.wait or 1)
        return problem(
            429,
            _("Quá nhiều yêu cầu; hãy thử lại sau %(seconds)d giây.") % {"seconds": wait},
            kind="rate-limited",
            headers={"Retry-After": str(wait)},
        )
    if isinstance(exc.__cause__, BodyTooLarge):
        return problem(
            413,
            _("Nội dung gửi lên vượt quá 1 MB."),
            kind="too-large",
            errors=[("body", _("Tối đa %(n)d byte.") % {"n": MAX_BODY_BYTES})],
        )
    if exc.status_code == 400:
        return problem(
            400,
            _("Nội dung gửi lên không phải JSON hợp lệ."),
            kind="malformed",
            errors=[("body", _("JSON không hợp lệ."))],
        )
    if exc.status_code == 403:  # ninja's CSRF refusal for a session write
        return problem(
            403,
            _("Thiếu hoặc sai mã CSRF (X-CSRFToken) cho yêu cầu dùng phiên đăng nhập."),
            kind="csrf",
            errors=[("X-CSRFToken", _("Thiếu hoặc sai."))],
        )
    return problem(exc.status_code, str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404, _("Không tìm thấy."), kind="not-found")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    return problem(403, str(exc) or _("Bạn không có quyền làm việc này."), kind="forbidden")


@api.exception_handler(StaleEdit)
def _stale(request, exc: StaleEdit):
    return problem(
        412,
        " ".join(exc.messages),
        kind="stale",
        errors=[("If-Match", _("Nhiệm vụ đã thay đổi từ khi bạn đọc; hãy GET lại để lấy ETag mới."))],
        refusal=exc.refusal,
    )


@api.exception_handler(ValidationError)
def _refused(request, exc: ValidationError):
    """A service's refusal (DirectiveError, with its code in `refusal`) or a model's validation: nothing was written."""
    errors = django_errors(exc)
    refusal = exc.refusal if isinstance(exc, DirectiveError) else Refusal.INVALID
    return problem(422, " ".join(message for _f, message in errors), kind="refused", errors=errors, refusal=refusal)


api.add_router("/", reference.router)
api.add_router("/", directives.router)
api.add_router("/", shares.router)
api.add_router("/", inbox.router)

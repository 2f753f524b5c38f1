"""The portal's own error pages, styled and in the user's language, in every mode.

Django shows its technical pages when DEBUG is on (a 404 with inline CSS the
portal's CSP blocks, the CSRF failure in English with debugging help). The
same views serve both modes here: in production Django calls them as
`handler400/403/404/500` (dxtasks/urls.py) and `CSRF_FAILURE_VIEW`; with
DEBUG on, `ErrorPagesMiddleware` calls them in place of the technical pages.
Tracebacks still go to the log (`django.request`), never to the page.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.log import log_response
from django.views import defaults

request_logger = logging.getLogger("django.request")


def bad_request(request, exception=None):
    return defaults.bad_request(request, exception, template_name="400.html")


def permission_denied(request, exception=None):
    return defaults.permission_denied(request, exception, template_name="403.html")


def page_not_found(request, exception=None):
    return defaults.page_not_found(request, exception, template_name="404.html")


def server_error(request):
    """The page names no user and runs no query: the database may be what failed."""
    return HttpResponseServerError(loader.render_to_string("500.html"))


def csrf_failure(request, reason=""):
    """A form sent without its security token, or from another site (CSRF_FAILURE_VIEW)."""
    body = loader.render_to_string("403_csrf.html", {"reason": reason if settings.DEBUG else ""}, request=request)
    return HttpResponse(body, status=403)


class ErrorPagesMiddleware:
    """With DEBUG on, the portal's pages instead of Django's technical ones (production needs nothing)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            try:
                resolve(request.path_info)  # an unknown URL never reaches process_exception
            except Resolver404 as missing:
                return page_not_found(request, missing)  # logged by Django's handler, like any 404
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None  # Django calls the handlers in dxtasks/urls.py
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        if isinstance(exception, (BadRequest, SuspiciousOperation)):
            return bad_request(request, exception)
        response = server_error(request)
        log_response(
            "%s: %s", response.reason_phrase, request.path, response=response, request=request, exception=exception
        )
        return response

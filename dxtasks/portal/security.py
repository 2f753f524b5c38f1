"""Security headers Django does not set itself: Content-Security-Policy and friends.

Every page is served from our own origin with no inline script or style
(the templates keep to that), so the policy can be strict: settings.PORTAL_CSP,
declared in dxtasks/settings.py; an installation that must allow more sets it.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        csp = settings.PORTAL_CSP
        # The admin ships inline scripts and styles: it keeps Django's defaults only.
        if csp and not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages behind sign-in hold agency data: no shared caches, no back-button after sign-out.
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response

"""Answer the load balancer's probes before anything else runs.

First in MIDDLEWARE, so a probe needs no session, no user, no CSRF, is not
redirected to HTTPS (a balancer usually probes plain HTTP on the private
address) and is not refused by ALLOWED_HOSTS (it comes by IP address).
Only the two exact paths are answered here; everything else passes on.
"""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .health import readiness

HEALTHZ = "/healthz"
READYZ = "/readyz"


def _json(body: dict, status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path == HEALTHZ:
            return _json({"status": "ok"}, 200)
        if path == READYZ:
            return readyz(request)
        return self.get_response(request)


def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every check passes, else 503; `?skip=sweep,broker` leaves checks out."""
    skip = {name.strip() for name in request.GET.get("skip", "").split(",") if name.strip()}
    results = readiness(skip)
    ok = all(r.ok for r in results)
    body = {
        "status": "ok" if ok else "fail",
        "checks": {r.name: {"ok": r.ok, "detail": r.detail, "ms": round(r.seconds * 1000)} for r in results},
    }
    return _json(body, 200 if ok else 503)

"""Who is calling: a personal API token (`Authorization: Bearer dxt_…`) or the portal's session.

- A request that carries an Authorization header is judged by it alone:
  cookies are never consulted, so a token request has no CSRF exposure and a
  bad token is a 401 even from a browser that is signed in.
- The session (the portal's own scripts) needs Django's CSRF token on every
  unsafe method (ninja's `SessionAuth` runs Django's CSRF check).
- The caller acts with the owner's role and agency at the time of the
  request (`accounts.roles`), narrowed by the token's scope.
- Each token (and each session user) has its own rate limit, counted atomically
  by `dxtasks.ratelimits` (shared with the calendar feeds).
"""

import threading
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle

from dxtasks.ratelimits.limiter import over_limit

from . import tokens
from .models import ApiToken
from .problems import ApiProblem


@dataclass
class Caller:
    user: object
    token: ApiToken | None  # None for the session

    @property
    def can_write(self) -> bool:
        return self.token is None or self.token.can_write

    @property
    def bucket(self) -> str:
        return f"api:token:{self.token.pk}" if self.token else f"api:session:{self.user.pk}"


def _unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(401, detail, kind="unauthorized", headers={"WWW-Authenticate": 'Bearer realm="dxtasks"'})


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise _unauthorized(_("Tiêu đề Authorization phải có dạng “Bearer <mã API>”."))
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str):
        found = tokens.find_active(token)
        if found is None or not found.owner.is_active:
            raise _unauthorized(_("Mã API không đúng, đã bị thu hồi hoặc tài khoản không còn hoạt động."))
        tokens.touch(found)
        translation.activate(found.owner.language or settings.LANGUAGE_CODE)
        request.user = found.owner  # for logging and for code that reads request.user; no session is made
        return Caller(user=found.owner, token=found)


class Session(SessionAuth):
    """The portal's session, for its own scripts; CSRF enforced on writes."""

    def __call__(self, request: HttpRequest):
        if "HTTP_AUTHORIZATION" in request.META:
            return None  # judged by BearerToken alone
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return Caller(user=user, token=None)
        return None


class PerCallerRate(BaseThrottle):
    """`API["RATE"]` requests per window for each token (or session user), counted atomically."""

    def __init__(self):
        self._local = threading.local()  # one instance serves every request thread

    def allow_request(self, request: HttpRequest) -> bool:
        caller = getattr(request, "auth", None)
        if caller is None:
            return True
        limit, window = settings.API["RATE"]
        self._local.wait = over_limit(caller.bucket, int(limit), int(window))
        return self._local.wait == 0

    def wait(self):
        return getattr(self._local, "wait", None)


def require_write(request: HttpRequest) -> Caller:
    caller: Caller = request.auth
    if not caller.can_write:
        raise ApiProblem(403, _("Mã API này chỉ được đọc; hãy tạo mã có quyền đọc và ghi."), kind="read-only-token")
    return caller

"""Sign-in lockout: django-axes, with each attempt counted before its password is checked.

django-axes gives the policy and the tooling: the lock is on the (username,
client address) combination (AXES_LOCKOUT_PARAMETERS), its AccessAttempt rows
are the locks (the admin or `manage.py axes_reset_username` lifts one by
deleting it), AccessFailureLog is the audit, AxesBackend guards every path
that calls `authenticate()` — the portal's sign-in and /admin/login/ alike.

What axes does not give: its backend checks the lock, then the password is
hashed, then the failure is recorded. Parallel requests all pass the check
before any is recorded (60 parallel guesses got ~30 passwords checked). This
handler turns the check into a reservation: one conditional UPDATE (or INSERT
on the unique key) that counts the attempt only while the count is under the
limit, atomic on PostgreSQL (row lock, the WHERE re-evaluated) and on SQLite
(writes serialised). An attempt that could not reserve is refused without
hashing; a success deletes the row (AXES_RESET_ON_SUCCESS).

The row's user_agent is always "": otherwise a client could open a fresh row
(and five fresh guesses) per User-Agent string. The failure log keeps it.
"""

import datetime
import logging
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit, get_query_str
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from django.contrib.auth.forms import AuthenticationForm
from django.db import IntegrityError, router, transaction
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def _key(request, credentials) -> dict:
    return {
        "username": get_client_username(request, credentials),
        "ip_address": request.axes_ip_address or None,
        "user_agent": "",
    }


def reserve_attempt(request, credentials) -> bool:
    """Count one sign-in attempt if the combination is under its limit; False = locked, don't check."""
    key = _key(request, credentials)
    limit = get_failure_limit(request, credentials)
    now = timezone.now()
    expired_before = now - (get_cool_off(request) or datetime.timedelta(days=36500))
    details = {"http_accept": request.axes_http_accept[:1025], "path_info": request.axes_path_info[:255]}
    attempts = AccessAttempt.objects.filter(**key)
    using = router.db_for_write(AccessAttempt)
    for _attempt in range(3):
        with transaction.atomic(using=using):
            # A lock or count older than the cool-off starts again at one.
            if attempts.filter(attempt_time__lt=expired_before).update(
                failures_since_start=1, attempt_time=now, **details
            ):
                return True
            if attempts.filter(failures_since_start__lt=limit).update(
                failures_since_start=F("failures_since_start") + 1, attempt_time=now, **details
            ):
                return True
            if attempts.exists():
                return False
        try:
            with transaction.atomic(using=using):
                AccessAttempt.objects.create(
                    **key,
                    **details,
                    failures_since_start=1,
                    attempt_time=now,
                    get_data=get_query_str(request.GET),
                    post_data=get_query_str(request.POST),
                )
            return True
        except IntegrityError:
            continue  # created by a parallel attempt a moment ago: count against that row
    return False


def seconds_left(request, credentials) -> int:
    """How long the combination stays locked (for Retry-After)."""
    cool_off = get_cool_off(request)
    attempt = AccessAttempt.objects.filter(**_key(request, credentials)).only("attempt_time").first()
    if cool_off is None or attempt is None:
        return int(cool_off.total_seconds()) if cool_off else 0
    return max(1, math.ceil((attempt.attempt_time + cool_off - timezone.now()).total_seconds()))


class AtomicDatabaseHandler(AxesDatabaseHandler):
    """AxesDatabaseHandler whose lock check reserves the attempt (see the module's docstring)."""

    def is_allowed(self, request, credentials=None) -> bool:
        if self.is_blacklisted(request, credentials):
            return False
        if self.is_whitelisted(request, credentials):
            return True
        request.dxtasks_attempt_counted = True
        return reserve_attempt(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return
        username = get_client_username(request, credentials)
        if not request.axes_locked_out and not self.is_whitelisted(request, credentials):
            if not getattr(request, "dxtasks_attempt_counted", False):
                # A failure from a path that did not ask AxesBackend first still counts.
                reserve_attempt(request, credentials)
            failures = self.get_failures(request, credentials)
            request.axes_failures_since_start = failures
            if failures >= get_failure_limit(request, credentials):
                request.axes_locked_out = True
                log.warning(
                    "Sign-in locked after %s failures from %s on %s",
                    failures,
                    request.axes_ip_address,
                    request.axes_path_info,
                )
        if request.axes_locked_out:
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request, username=username, ip_address=request.axes_ip_address)
        # The audit: every failure, including those refused unchecked while locked.
        AccessFailureLog.objects.create(
            username=username,
            ip_address=request.axes_ip_address or None,
            user_agent=request.axes_user_agent[:255],
            http_accept=request.axes_http_accept[:1025],
            path_info=request.axes_path_info[:255],
            locked_out=request.axes_locked_out,
        )
        self.remove_out_of_limit_failure_logs(username=username)

    def remove_out_of_limit_failure_logs(self, *, username, limit=None) -> int:
        # Keeps the newest `limit` per username (axes' own loop deletes from the newest end).
        from axes.conf import settings

        limit = limit or settings.AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT
        failures = AccessFailureLog.objects.filter(username=username)
        cutoff = failures.order_by("-attempt_time", "-pk").values_list("pk", flat=True)[limit : limit + 1]
        if not cutoff:
            return 0
        count, _ = failures.filter(pk__lte=cutoff[0]).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """429 with Retry-After and the message in the user's language, on the sign-in page."""
    seconds = seconds_left(request, credentials)
    minutes = max(1, math.ceil(seconds / 60))
    message = _(
        "Đăng nhập sai quá nhiều lần. Hãy thử lại sau %(minutes)s phút, hoặc đề nghị Thư ký Ủy ban mở khóa."
    ) % {"minutes": minutes}
    context = {
        "form": AuthenticationForm(request, label_suffix=""),
        "lockout_message": message,
        "next": request.POST.get("next", ""),
    }
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response

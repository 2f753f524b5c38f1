from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dxtasks.directives import hooks


class AccountsConfig(AppConfig, hooks.Prunes):
    name = "dxtasks.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản")

    def prune(self, today) -> dict[str, int]:
        """Weekly (operations.pruning): django-axes' own cleanup, with its own helpers.

        Sign-in logs (successes: AccessLog; failures: AccessFailureLog, the
        audit) older than SIGNIN_LOG_KEEP_DAYS, and attempt counts whose
        cool-off has passed (they lock nothing any more). Axes counts from now,
        not from `today`.
        """
        from axes.handlers.proxy import AxesProxyHandler
        from django.conf import settings
        from django.http import HttpRequest
        from django.utils import timezone

        days = settings.SIGNIN_LOG_KEEP_DAYS
        as_of = HttpRequest()  # axes' expiry is the cool-off before the request's attempt time
        as_of.axes_attempt_time = timezone.now()  # type: ignore[attr-defined]  # axes' own request attribute
        return {
            "sign-in logs": AxesProxyHandler.reset_logs(age_days=days),
            "sign-in failure logs": AxesProxyHandler.reset_failure_logs(age_days=days),
            "expired sign-in counts": AxesProxyHandler.get_implementation().clean_expired_user_attempts(as_of),
        }

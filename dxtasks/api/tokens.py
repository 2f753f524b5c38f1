"""Issue, revoke and look up API tokens (all writes to ApiToken).

A token is "dxt_" followed by `accounts.credentials.new_secret()` (256 random
bits). The prefix lets secret scanners and log filters recognise it. Only the
digest of the whole token is stored; the token is returned once, to be shown once.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxtasks.accounts.credentials import digest, new_secret, touch_last_used, well_formed

from .models import ApiToken, Scope

PREFIX = "dxt_"
MAX_ACTIVE_PER_USER = 20
TOUCH_EVERY_SECONDS = 60


class ApiTokenError(ValueError):
    """A token that can't be issued; the message is for the user."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def issue_token(*, owner, name: str, scope: str = Scope.READ) -> IssuedToken:
    name = (name or "").strip()
    if not name:
        raise ApiTokenError(_("Cần đặt tên cho mã API (chương trình nào dùng nó)."))
    if len(name) > 100:
        raise ApiTokenError(_("Tên mã API dài tối đa 100 ký tự."))
    if scope not in Scope.values:
        raise ApiTokenError(_("Phạm vi không hợp lệ."))
    if not (owner and owner.is_active):
        raise ApiTokenError(_("Tài khoản này không hoạt động."))
    active = ApiToken.objects.select_for_update().filter(owner=owner, revoked_at__isnull=True)
    if len(active) >= MAX_ACTIVE_PER_USER:
        raise ApiTokenError(_("Bạn đã có %(n)d mã API đang dùng; hãy thu hồi bớt.") % {"n": MAX_ACTIVE_PER_USER})
    secret = PREFIX + new_secret()
    token = ApiToken.objects.create(owner=owner, name=name, scope=scope, token_hash=digest(secret), hint=secret[-4:])
    return IssuedToken(token=token, secret=secret)


def revoke_token(*, token: ApiToken) -> ApiToken:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def revoke_all(*, owner) -> int:
    """End every active token of a user (on deactivation: reactivating them must not revive old tokens)."""
    return ApiToken.objects.filter(owner=owner, revoked_at__isnull=True).update(revoked_at=timezone.now())


def find_active(secret: str) -> ApiToken | None:
    """The active token with this secret, with its owner, or None (malformed included)."""
    if not (secret or "").startswith(PREFIX) or not well_formed(secret[len(PREFIX) :]):
        return None
    return (
        ApiToken.objects.select_related("owner", "owner__agency")
        .filter(token_hash=digest(secret), revoked_at__isnull=True)
        .first()
    )


def touch(token: ApiToken, every_seconds: int = TOUCH_EVERY_SECONDS) -> None:
    """Record use, writing at most once per `every_seconds` so reads stay read-only."""
    touch_last_used(token, every_seconds)

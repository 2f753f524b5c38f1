"""Issue, regenerate, revoke and look up feed tokens (all writes to FeedToken).

A token is `secrets.token_urlsafe(32)`: 256 random bits in 43 URL-safe
characters. Only its SHA-256 digest is stored, so a copy of the database
gives nobody a working feed URL; the token is returned once, to be shown once.
The secret and its digest come from `accounts.credentials`, shared with the API tokens.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxtasks.accounts.credentials import SECRET_PATTERN as TOKEN_PATTERN
from dxtasks.accounts.credentials import digest, new_secret, touch_last_used
from dxtasks.directives.models import Agency, Meeting

from .access import may_subscribe
from .models import FeedKind, FeedToken

__all__ = ["TOKEN_PATTERN", "digest", "issue_token", "regenerate_token", "revoke_token", "find_active", "touch"]


class FeedTokenError(ValueError):
    """A token that can't be issued; the message is for the user."""


@dataclass(frozen=True)
class IssuedToken:
    feed: FeedToken
    secret: str  # shown once, never stored


def scope_key(kind: str, agency: Agency | None = None, meeting: Meeting | None = None) -> str:
    if kind == FeedKind.AGENCY:
        return f"agency:{agency.pk}"
    if kind == FeedKind.MEETING:
        return f"meeting:{meeting.pk}"
    return str(kind)


def active_token(owner, kind: str, agency: Agency | None = None, meeting: Meeting | None = None) -> FeedToken | None:
    return FeedToken.objects.filter(
        owner=owner, scope_key=scope_key(kind, agency, meeting), revoked_at__isnull=True
    ).first()


@transaction.atomic
def issue_token(*, owner, kind: str, agency: Agency | None = None, meeting: Meeting | None = None) -> IssuedToken:
    """A new token for this owner and scope; an active one for the same scope is revoked first."""
    if kind not in FeedKind.values:
        raise FeedTokenError(_("Loại lịch không hợp lệ."))
    if (kind == FeedKind.AGENCY) != (agency is not None) or (kind == FeedKind.MEETING) != (meeting is not None):
        raise FeedTokenError(_("Cần chọn đúng một cơ quan hoặc một phiên họp cho loại lịch này."))
    if not may_subscribe(owner, kind):
        raise FeedTokenError(_("Bạn không có quyền đăng ký lịch này."))
    key = scope_key(kind, agency, meeting)
    FeedToken.objects.filter(owner=owner, scope_key=key, revoked_at__isnull=True).update(revoked_at=timezone.now())
    secret = new_secret()
    try:
        with transaction.atomic():
            feed = FeedToken.objects.create(
                owner=owner,
                kind=kind,
                agency=agency,
                meeting=meeting,
                scope_key=key,
                token_hash=digest(secret),
                hint=secret[-4:],
            )
    except IntegrityError as exc:  # a concurrent issue for the same scope won the race
        raise FeedTokenError(_("Đường dẫn lịch này vừa được tạo ở nơi khác; hãy tải lại trang.")) from exc
    return IssuedToken(feed=feed, secret=secret)


def regenerate_token(*, feed: FeedToken) -> IssuedToken:
    """Replace a token: the old URL stops working at once, the calendar's identity stays."""
    return issue_token(owner=feed.owner, kind=feed.kind, agency=feed.agency, meeting=feed.meeting)


def revoke_token(*, feed: FeedToken) -> FeedToken:
    FeedToken.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    feed.refresh_from_db(fields=["revoked_at"])
    return feed


def revoke_all(*, owner) -> int:
    """End every active feed of a user (on deactivation: reactivating them must not revive old links)."""
    return FeedToken.objects.filter(owner=owner, revoked_at__isnull=True).update(revoked_at=timezone.now())


def find_active(secret: str) -> FeedToken | None:
    """The active token with this secret, with its owner and scope, or None (malformed included)."""
    if not TOKEN_PATTERN.match(secret or ""):
        return None
    return (
        FeedToken.objects.select_related("owner", "agency", "meeting")
        .filter(token_hash=digest(secret), revoked_at__isnull=True)
        .first()
    )


def touch(feed: FeedToken, every_seconds: int) -> None:
    """Record use, writing at most once per `every_seconds` so polling stays read-only."""
    touch_last_used(feed, every_seconds)

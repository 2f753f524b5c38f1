"""Which directives a feed shows: decided by its owner's rights at each request.

- "mine": `selectors.for_user(owner)`: owned, or led or co-ordinated by the
  owner's agency now; someone who moves agency stops seeing the old one's.
- agency and meeting feeds: every active user, since every role may read
  every directive in the portal.
- "all": the secretariat only (`roles.can_see_all_feed`), checked again at
  each request, so a token outlives no demotion.
A deactivated owner's token shows nothing: the view answers 404.
"""
from django.db.models import QuerySet

from dxtasks.accounts.roles import can_see_all_feed
from dxtasks.directives import selectors
from dxtasks.directives.models import Directive

from .models import FeedKind, FeedToken


def may_subscribe(user, kind: str) -> bool:
    if not (user and user.is_active):
        return False
    if kind == FeedKind.ALL:
        return can_see_all_feed(user)
    return True


def visible_directives(feed: FeedToken) -> QuerySet | None:
    """The directives this token may show now, or None when it may show nothing (answer 404)."""
    owner = feed.owner
    if not may_subscribe(owner, feed.kind):
        return None
    if feed.kind == FeedKind.MINE:
        return selectors.for_user(owner)
    if feed.kind == FeedKind.AGENCY:
        return selectors.involving_agency(feed.agency_id)
    if feed.kind == FeedKind.MEETING:
        return Directive.objects.filter(meeting_id=feed.meeting_id)
    return Directive.objects.all()

"""Which directives a feed shows: decided by its owner's rights at each request.

- "mine": `selectors.for_user(owner)`: owned, or led or co-ordinated by the
  owner's agency now; someone who moves agency stops seeing the old one's.
- agency and meeting feeds: every active user, since every role may read
  every directive in the portal.
- "all": the secretariat only (`roles.can_see_all_feed`), checked again at
  each request, so a token outlives no demotion.
A deactivated owner's token shows nothing: the view answers 404.

Collective directives: "mine" and agency feeds show the shares (one event per
share, `visible_shares`) instead of the directive; meeting and "all" feeds show
the directive once, with its roll-up status.
"""

from django.db.models import Q, QuerySet

from dxtasks.accounts.roles import can_see_all_feed
from dxtasks.directives import selectors
from dxtasks.directives.models import Directive, Share

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


def visible_shares(feed: FeedToken) -> QuerySet | None:
    """The shares this token shows as events of their own, or None for feeds that show directives only."""
    owner = feed.owner
    if feed.kind == FeedKind.MINE:
        mine = Q(owner=owner) | Q(agency_id=owner.agency_id) if owner.agency_id else Q(owner=owner)
        return Share.objects.filter(mine)
    if feed.kind == FeedKind.AGENCY:
        return Share.objects.filter(agency_id=feed.agency_id)
    return None

"""Who may do what: the one place the three roles are interpreted.

- secretariat: create, edit, assign, import, approve extensions, complete,
  cancel; sees everything.
- focal point: sees everything; reports progress, requests extensions and
  submits for review only on directives their agency leads or co-ordinates,
  and on a collective directive only on their own agency's share.
- viewer: reads.

Views, feeds, services and commands ask these predicates, and find people
with the querysets below; templates use the same predicates as filters
(`{% load roles %}`, accounts/templatetags/roles.py). None of them compares
role strings itself.
"""

from django.db.models import QuerySet

from .models import Role, User


def is_secretariat(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.SECRETARIAT)


def is_focal_point(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.FOCAL_POINT)


def secretariat_members() -> QuerySet[User]:
    """The active secretariat: who decides requests and confirms completions."""
    return User.objects.filter(role=Role.SECRETARIAT, is_active=True)


def focal_points(agency_ids=None) -> QuerySet[User]:
    """Active focal points, of the given agencies (a pk or several) when asked, oldest account first."""
    people = User.objects.filter(role=Role.FOCAL_POINT, is_active=True).order_by("pk")
    if agency_ids is None:
        return people
    if isinstance(agency_ids, int):
        return people.filter(agency_id=agency_ids)
    return people.filter(agency_id__in=agency_ids)


def possible_owners() -> QuerySet[User]:
    """People a directive or share may be given to: the secretariat and the focal points."""
    return User.objects.filter(is_active=True, role__in=[Role.SECRETARIAT, Role.FOCAL_POINT])


def agency_involved(user, directive) -> bool:
    """The user's agency leads or co-ordinates the directive (one query at most)."""
    if not (user and user.is_authenticated and user.agency_id):
        return False
    if directive.lead_agency_id == user.agency_id:
        return True
    # Use a prefetched list when the caller has one, else ask the database.
    cache = getattr(directive, "_prefetched_objects_cache", {})
    if "co_agencies" in cache:
        return any(a.pk == user.agency_id for a in cache["co_agencies"])
    return directive.co_agencies.filter(pk=user.agency_id).exists()


def can_report_on(user, directive) -> bool:
    """Report progress, request an extension, submit for review.

    On a collective directive: the secretariat, or a focal point whose agency
    has a share (they act on that share only, see `can_report_on_share`).
    """
    if not (user and user.is_authenticated and user.is_active):
        return False
    if is_secretariat(user):
        return True
    if not is_focal_point(user):
        return False
    if directive.addressees:
        return bool(user.agency_id) and directive.shares.filter(agency_id=user.agency_id).exists()
    return agency_involved(user, directive)


def can_report_on_share(user, share) -> bool:
    """Act on one agency's share: the secretariat on any, a focal point on their own agency's only."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if is_secretariat(user):
        return True
    return is_focal_point(user) and bool(user.agency_id) and share.agency_id == user.agency_id


def can_manage(user) -> bool:
    """Create, edit, assign, import, approve, complete, cancel."""
    return is_secretariat(user)


def can_withdraw_request(user, request) -> bool:
    """Take back a pending extension request: whoever made it, or the secretariat."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return is_secretariat(user) or request.requested_by_id == user.pk


def can_see_all_feed(user) -> bool:
    return is_secretariat(user)

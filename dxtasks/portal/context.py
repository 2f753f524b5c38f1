"""Template context for every portal page: the worklist count in the navigation (computed only if shown)."""
from django.utils.functional import SimpleLazyObject


def _count(user) -> int:
    from dxtasks.directives import worklists
    from dxtasks.directives.models import Notification

    return worklists.total(user) + Notification.objects.filter(user=user, read_at__isnull=True).count()


def worklist(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"worklist_count": SimpleLazyObject(lambda: _count(user))}

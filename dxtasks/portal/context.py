"""Template context for every portal page: the worklist count in the navigation (computed only if shown)."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject


def worklist(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from .worklist import nav_count

        return nav_count(user, timezone.localdate(), getattr(request, "worklist_counts", None))

    return {"worklist_count": SimpleLazyObject(count)}

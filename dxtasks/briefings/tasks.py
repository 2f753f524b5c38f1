"""django-q task: make a large briefing in a worker."""

from .models import StoredBriefing
from .store import build


def build_stored_briefing(stored_id: int) -> int:
    """Make the stored briefing's PDF (idempotent: a ready one is left as it is)."""
    stored = StoredBriefing.objects.filter(pk=stored_id).first()
    if stored is None:
        return 0  # superseded and pruned meanwhile
    if stored.state == StoredBriefing.State.READY and stored.file:
        return stored.page_count
    return build(stored).page_count

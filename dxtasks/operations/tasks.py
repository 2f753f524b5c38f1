"""django-q entry points of the operations app (schedules in apps.OperationsConfig.schedules)."""

import datetime

from .pruning import prune


def weekly_prune(day: str | None = None) -> str:
    deleted = prune(datetime.date.fromisoformat(day) if day else None)
    return "pruned: " + ", ".join(f"{n} {what}" for what, n in deleted.items())

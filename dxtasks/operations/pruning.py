"""The weekly pruning: expired sessions, and what each app says it no longer needs.

An AppConfig may define `prune(today) -> dict[str, int]` (rows deleted by
kind; hooks.Prunes), collected here like schedules and readiness checks: reminders delete
deliveries and sweep records older than `REMINDERS["KEEP_DELIVERIES_DAYS"]`
(400 days: the yearly reports are done by then), briefings the stored files
no briefing refers to.
"""

import datetime
import logging
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from dxtasks.directives import hooks

logger = logging.getLogger(__name__)


def prune_sessions() -> int:
    """Django's clearsessions, counted (database sessions: one DELETE)."""
    engine = import_module(settings.SESSION_ENGINE)
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        return deleted
    engine.SessionStore.clear_expired()
    return 0


def prune(today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    deleted = {"sessions": prune_sessions()}
    for config in hooks.implementing(hooks.Prunes):
        deleted.update(config.prune(today))
    logger.info("pruned: %s", ", ".join(f"{n} {what}" for what, n in deleted.items()))
    return deleted

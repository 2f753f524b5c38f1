"""Stored briefings: reuse the PDF made for unchanged data, make small ones now, queue large ones.

`obtain(spec)` returns the `StoredBriefing` for the spec on the current data:
ready if it was made before (or is small enough to make in the request),
pending if a django-q task is making it. `build(stored)` is the one place
a stored PDF is written (by the request or by the task).
"""

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.tasks import async_task

from . import policy
from .content import BriefingSpec, fingerprint, scope_queryset
from .models import StoredBriefing
from .rendering import render

logger = logging.getLogger(__name__)

TASK_PATH = "dxtasks.briefings.tasks.build_stored_briefing"


def task_timeout() -> int:
    return int(settings.Q_CLUSTER["timeout"])


def spec_of(stored: StoredBriefing) -> BriefingSpec:
    return BriefingSpec(
        stored.kind, stored.scope, stored.as_of, stored.language, stored.period_start, stored.period_end, stored.role
    )


def file_is_present(stored: StoredBriefing) -> bool:
    return bool(stored.file) and stored.file.storage.exists(stored.file.name)


def obtain(spec: BriefingSpec, *, user=None) -> StoredBriefing:
    """The briefing for `spec` on the current data: stored, made now, or queued."""
    key = {
        "kind": spec.kind,
        "scope": spec.scope,
        "role": spec.role,
        "as_of": spec.as_of,
        "language": spec.language,
        "period_key": spec.period_key,
        "fingerprint": fingerprint(spec),
    }
    defaults = {
        "period_start": spec.period_start,
        "period_end": spec.period_end,
        "requested_by": user if user is not None and user.is_authenticated else None,
        "requested_at": timezone.now(),
    }
    pending = policy.pending_job(spec, stalled_before=_stall_cutoff())
    if pending is not None:
        return pending  # one job per scope: a request while one is queued waits for that one
    try:
        with transaction.atomic():
            stored, created = StoredBriefing.objects.get_or_create(**key, defaults=defaults)
    except IntegrityError:  # another request created it between our read and insert
        stored, created = StoredBriefing.objects.get(**key), False

    if stored.state == StoredBriefing.State.READY and file_is_present(stored):
        return stored
    if not created and stored.state == StoredBriefing.State.PENDING and stored.task_id and not _stalled(stored):
        return stored  # a worker is on it

    count = scope_queryset(spec).count()
    if count <= settings.BRIEFINGS_SYNC_LIMIT:  # made in the request (a second or two)
        return build(stored)
    return enqueue(stored, directive_count=count)


def _stall_cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=task_timeout() * 2)


def _stalled(stored: StoredBriefing) -> bool:
    """Queued longer than a task may run: the worker died; queue it again."""
    return stored.requested_at < _stall_cutoff()


def enqueue(stored: StoredBriefing, *, directive_count: int) -> StoredBriefing:
    # Claim the row: of parallel requests, only the one whose UPDATE matched queues a task.
    claimed = (
        StoredBriefing.objects.filter(pk=stored.pk)
        .exclude(state=StoredBriefing.State.PENDING, requested_at__gte=_stall_cutoff(), task_id__gt="")
        .update(
            state=StoredBriefing.State.PENDING,
            error="",
            requested_at=timezone.now(),
            directive_count=directive_count,
            task_id="queued",
        )
    )
    if not claimed:
        stored.refresh_from_db()
        return stored
    # The row is committed (no ATOMIC_REQUESTS), so a worker finds it; in sync mode it runs right here.
    task_id = async_task(TASK_PATH, stored.pk, task_name=f"briefing-{stored.pk}", timeout=task_timeout())
    StoredBriefing.objects.filter(pk=stored.pk, task_id="queued").update(task_id=task_id or "")
    stored.refresh_from_db()
    return stored


def build(stored: StoredBriefing) -> StoredBriefing:
    """Render the PDF and store it; on failure the row says why and the error is raised."""
    spec = spec_of(stored)
    try:
        rendered = render(spec)
    except Exception as exc:
        StoredBriefing.objects.filter(pk=stored.pk).update(
            state=StoredBriefing.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        raise
    if stored.file:
        stored.file.delete(save=False)
    stored.file.save(f"{spec.slug()}-{stored.fingerprint[:12]}.pdf", ContentFile(rendered.pdf), save=False)
    stored.state = StoredBriefing.State.READY
    stored.page_count = rendered.page_count
    stored.directive_count = rendered.directive_count
    stored.finished_at = timezone.now()
    stored.error = ""
    stored.save(update_fields=["file", "state", "page_count", "directive_count", "finished_at", "error"])
    _prune_superseded(stored)
    policy.prune_no_longer_canonical(stored)
    if rendered.refused_urls:
        logger.warning(
            "briefing %s: refused %d URL(s): %s", stored.pk, len(rendered.refused_urls), rendered.refused_urls[:5]
        )
    return stored


def _prune_superseded(stored: StoredBriefing) -> None:
    """Drop the same briefing made on older data: it will never be served again."""
    older = (
        StoredBriefing.objects.filter(
            kind=stored.kind,
            scope=stored.scope,
            role=stored.role,
            as_of=stored.as_of,
            language=stored.language,
            period_key=stored.period_key,
            requested_at__lt=stored.requested_at,
        )
        .exclude(pk=stored.pk)
        .exclude(state=StoredBriefing.State.PENDING)
    )
    for old in older:
        if old.file:
            old.file.delete(save=False)
        old.delete()

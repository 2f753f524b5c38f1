"""Directive saves: search text kept folded; fixture rows checked as they load.

Fixture rows are checked as they load: `loaddata` saves raw, skipping forms.

A directive whose deadline text can't be read, or whose due date contradicts
that text, stops the load with a message naming the row and the field; the
load is one transaction, so nothing is half-loaded.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .deadlines import DeadlineError, parse_deadline
from .models import Directive, State, StateChange
from .transitions import is_closed


@receiver(pre_save, sender=Directive, dispatch_uid="directives.fold_search_text")
def fold_search_text(sender, instance, raw, **kwargs):
    instance.search_text = instance.folded_search_text()
    if raw:  # raw saves skip auto_now; a fixture row may leave the timestamps out
        instance.created_at = instance.created_at or timezone.now()
        instance.updated_at = instance.updated_at or instance.created_at


@receiver(pre_save, sender=Directive, dispatch_uid="directives.check_fixture_deadline")
def check_fixture_deadline(sender, instance, raw, **kwargs):
    if not raw:
        return
    if instance.lead_agency_id is None:
        # loaddata defers an unknown natural key as a forward reference; say what it is.
        raise ValidationError(f"directive {instance.reference}: field lead_agency: unknown agency code")
    try:
        deadline = parse_deadline(instance.deadline_text)
    except DeadlineError as exc:
        raise ValidationError(f"directive {instance.reference}: field deadline_text: {exc}") from exc
    if deadline.due != instance.due_date:
        raise ValidationError(
            f"directive {instance.reference}: field due_date: {instance.due_date} contradicts "
            f"deadline_text {instance.deadline_text!r}, which means {deadline.due}"
        )
    if deadline.precision != instance.deadline_precision:
        raise ValidationError(
            f"directive {instance.reference}: field deadline_precision: {instance.deadline_precision!r} "
            f"contradicts deadline_text {instance.deadline_text!r}, which is {deadline.precision!r}"
        )


@receiver(post_save, sender=Directive, dispatch_uid="directives.seed_closing_history")
def record_seed_closing(sender, instance, raw, **kwargs):
    """A fixture row that arrives completed (or cancelled) gets its state change in the history, dated.

    Directives closed in the portal get theirs from the services; the seed
    directives' real outcomes would otherwise have no entry on their page.
    """
    if not raw or not is_closed(instance.state):
        return
    if StateChange.objects.filter(directive_id=instance.pk).exists():
        return
    day = instance.completed_on or instance.cancelled_on
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    StateChange.objects.create(
        directive_id=instance.pk, old_state=State.OPEN, new_state=instance.state, changed_at=at, note=instance.outcome
    )

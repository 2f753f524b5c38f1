"""Turning directives led by a group pseudo-agency (ALL …) into collective directives with shares.

Used by the data migration (with the historical models it passes in) and after
reference data is loaded (fixtures/directives.json names `ALL` as the lead of the
seed's collective directives). Nothing is lost: the directive keeps its own
history, progress and outcome; each share starts as a copy of the directive's
follow-up (deadline, state, completion, cancellation, outcome), and each of the
directive's deadline changes is copied onto every share, so the status as of any
past day is the same before and after. A directive already collective is left alone.
"""

from . import groups


def convert_group_led(*, Agency, Directive, Share, DeadlineChange, User) -> int:
    """Give every group-led, not yet collective directive its shares; return how many were converted.

    Each share's owner is its agency's focal point (the first active one), when there is one.
    """
    converted = 0
    focal_points = {}
    for user_id, agency_id in (
        User.objects.filter(role="focal_point", is_active=True, agency__isnull=False)
        .order_by("-pk")
        .values_list("pk", "agency_id")
    ):
        focal_points[agency_id] = user_id
    group_codes = list(groups.IMPORT_GROUP_CODES)
    led = Directive.objects.filter(lead_agency__code__in=group_codes, addressees="").select_related("lead_agency")
    for directive in led.order_by("pk"):
        code = directive.lead_agency.code
        members = groups.members(code, directive.assigned_on, agencies=Agency.objects.all())
        Share.objects.bulk_create(
            Share(
                directive_id=directive.pk,
                agency_id=agency_id,
                owner_id=focal_points.get(agency_id),
                deadline_text=directive.deadline_text,
                due_date=directive.due_date,
                deadline_precision=directive.deadline_precision,
                state=directive.state,
                completed_on=directive.completed_on,
                cancelled_on=directive.cancelled_on,
                outcome=directive.outcome,
            )
            for agency_id in members.order_by("pk").values_list("pk", flat=True)
        )
        shares = list(Share.objects.filter(directive_id=directive.pk).values_list("pk", flat=True))
        changes = list(DeadlineChange.objects.filter(directive_id=directive.pk, share__isnull=True))
        DeadlineChange.objects.bulk_create(
            DeadlineChange(
                directive_id=directive.pk,
                share_id=share_id,
                old_due=change.old_due,
                new_due=change.new_due,
                old_deadline_text=change.old_deadline_text,
                new_deadline_text=change.new_deadline_text,
                reason=change.reason,
                approved_by_id=change.approved_by_id,
                approved_at=change.approved_at,
            )
            for change in changes
            for share_id in shares
        )
        Directive.objects.filter(pk=directive.pk).update(addressees=code)
        converted += 1
    return converted


def convert_loaded() -> int:
    """The same conversion with the live models, after fixtures are loaded."""
    from django.contrib.auth import get_user_model

    from .models import Agency, DeadlineChange, Directive, Share

    return convert_group_led(
        Agency=Agency, Directive=Directive, Share=Share, DeadlineChange=DeadlineChange, User=get_user_model()
    )

"""Workflow notifications by email, delivered exactly once through the reminders' machinery.

The outbox (`directives.Event` and its `Notification` rows) is written by
the services in the change's own transaction. Here each notification that
has no `Delivery` row yet gets one — claimed with `sending.claim_rows`,
sent with `sending.send_rows`, the same functions the reminder digests use —
so the unique Delivery per notification is what makes it exactly once,
whichever worker, retry or schedule gets there first:

- a recipient whose account was deleted or deactivated → "skipped", recorded;
- a user without an email address → "no recipient" ("no address"), recorded,
  never retried;
- a recipient who chose the daily email → held until the morning run
  (`daily=True`, working days), then one email with everything held; the
  secretariat's morning email also lists the requests pending now;
- everyone else → one email per recipient per run, whatever the number of
  events (an import of 26 directives is one email to a focal point);
- a failed send is retried with the reminders' backoff up to `MAX_ATTEMPTS`
  by the next run; a claim left by a crashed worker is taken over after the
  lease.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db.models import Q
from django.utils import timezone

from dxtasks.accounts import roles
from dxtasks.directives.models import Notification

from .models import Delivery, Kind, NoticeTiming, Outcome, RecipientPreference
from .notice_mail import build_notice_email
from .policy import Policy
from .sending import claim_rows, retryable, send_rows
from .workdays import WorkingCalendar

logger = logging.getLogger(__name__)

# Notifications handled per run; a larger backlog is taken by the next run.
BATCH = 5000
RELATED = ("user", "event__directive__lead_agency", "event__actor", "event__extension_request", "event__share__agency")


@dataclass
class NoticeSummary:
    sent: int = 0
    failed: int = 0
    emails: int = 0
    skipped: int = 0
    no_address: int = 0
    held: int = 0
    elsewhere: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"notifications: {self.emails} emails sent ({self.sent} notifications), {self.failed} failed, "
            f"{self.held} held for the daily email, {self.skipped} skipped (inactive recipient), "
            f"{self.no_address} without an address, {self.elsewhere} taken by another worker"
        )


@dataclass
class Plan:
    address: str
    language: str
    secretariat: bool = False
    new: list[Notification] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)  # Delivery pks


def _row(notification: Notification, *, recipient: str, today: datetime.date, **fields) -> Delivery:
    event = notification.event
    return Delivery(
        notification=notification,
        directive_id=event.directive_id,
        share_id=event.share_id,
        recipient=recipient,
        kind=Kind.NOTICE,
        occurrence=str(notification.pk),
        due_key="",
        slot_date=timezone.localdate(event.created_at),
        sweep_date=today,
        **fields,
    )


def _address(notification: Notification) -> tuple[str, str | None]:
    """(address, why not) for a notification's recipient as things are now."""
    if notification.to_user:
        user = notification.user
        if user is None:
            return "", "recipient account deleted"
        if not user.is_active:
            return "", "recipient account deactivated"
        return (user.email or "").strip().lower(), None
    return notification.address.strip().lower(), None


def deliver_notices(
    *, daily: bool = False, connection=None, policy: Policy | None = None, today: datetime.date | None = None
) -> NoticeSummary:
    """Deliver what is owed now; `daily` also sends the held daily emails (working days only)."""
    policy = policy or Policy.from_settings()
    today = today or timezone.localdate()
    now = timezone.now()
    summary = NoticeSummary()
    daily = daily and WorkingCalendar().is_working_day(today)
    daily_addresses = set(
        RecipientPreference.objects.filter(notices=NoticeTiming.DAILY).values_list("email", flat=True)
    )
    plans: dict[str, Plan] = {}
    records: list[Delivery] = []

    def plan_for(notification: Notification, address: str) -> Plan:
        plan = plans.get(address)
        if plan is None:
            user = notification.user if notification.to_user else None
            plan = plans[address] = Plan(
                address=address,
                language=getattr(user, "language", None) or "vi",
                secretariat=roles.is_secretariat(user),
            )
        return plan

    fresh = Notification.objects.filter(delivery__isnull=True).select_related(*RELATED).order_by("pk")[:BATCH]
    for notification in fresh:
        address, why_not = _address(notification)
        if why_not:
            records.append(_row(notification, recipient="", today=today, outcome=Outcome.SKIPPED, error=why_not))
            summary.skipped += 1
        elif not address:
            records.append(
                _row(notification, recipient="", today=today, outcome=Outcome.NO_RECIPIENT, error="no email address")
            )
            summary.no_address += 1
        elif address in daily_addresses and not daily:
            summary.held += 1
        else:
            plan_for(notification, address).new.append(notification)
    retries = Delivery.objects.filter(
        retryable(policy, now), kind=Kind.NOTICE, notification__isnull=False
    ).select_related(*(f"notification__{name}" for name in RELATED))
    obsolete = []
    for delivery in retries:
        address, why_not = _address(delivery.notification)
        if why_not or address != delivery.recipient:
            obsolete.append(delivery.pk)  # the recipient left or changed address: that email is no longer owed
            continue
        if delivery.recipient in daily_addresses and not daily:
            summary.held += 1
            continue
        plan_for(delivery.notification, delivery.recipient).retry.append(delivery.pk)
    if obsolete:
        Delivery.objects.filter(pk__in=obsolete, outcome__in=[Outcome.FAILED, Outcome.PENDING]).update(
            outcome=Outcome.SKIPPED,
            claim=None,
            next_attempt_at=None,
            error="recipient no longer active or address changed",
        )
    if records:
        Delivery.objects.bulk_create(records, ignore_conflicts=True)  # recorded once, never retried
    if plans:
        _send(
            plans,
            daily=daily,
            daily_addresses=daily_addresses,
            today=today,
            policy=policy,
            connection=connection,
            summary=summary,
        )
    return summary


def _send(
    plans: dict[str, Plan], *, daily: bool, daily_addresses: set[str], today, policy, connection, summary: NoticeSummary
) -> None:
    connection = connection or get_connection()
    connection.open()
    try:
        for address in sorted(plans):
            plan = plans[address]
            token = claim_rows(
                new=[_row(n, recipient=address, today=today) for n in plan.new],
                retry=Q(pk__in=plan.retry) if plan.retry else None,
                policy=policy,
            )
            claimed = list(
                Notification.objects.filter(delivery__claim=token).select_related(*RELATED).order_by("created_at", "pk")
            )
            if not claimed:
                summary.elsewhere += len(plan.new) + len(plan.retry)
                continue

            def build(plan=plan, claimed=claimed):
                return build_notice_email(
                    recipient=plan.address,
                    language=plan.language,
                    notifications=claimed,
                    pending=daily and plan.secretariat and plan.address in daily_addresses,
                    today=today,
                    connection=connection,
                )

            sent, error = send_rows(
                token=token,
                recipient=address,
                build=build,
                policy=policy,
                connection=connection,
                what="notification email",
            )
            if sent:
                summary.emails += 1
                summary.sent += len(claimed)
            else:
                summary.failed += len(claimed)
                summary.failures.append((address, error))
    finally:
        connection.close()

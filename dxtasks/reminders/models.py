"""What the reminder sweep records: deliveries, recipients' choices, calendar overrides.

`Delivery` is the source of truth for "exactly once": one row per
(directive or share of a collective directive, recipient, reminder kind,
occurrence, due date), enforced by unique constraints. A sweep claims a row before it sends and marks it sent
only after the mail backend accepted the message; a concurrent sweep loses
the insert race and skips, and a claim left behind by a crash is retried by
a later sweep once its lease has expired.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dxtasks.formats import short_date


class Kind(models.TextChoices):
    BEFORE = "before", _("Sắp đến hạn")
    DUE = "due", _("Đến hạn hôm nay")
    OVERDUE = "overdue", _("Quá hạn")
    ESCALATION = "escalation", _("Báo cáo lãnh đạo (quá hạn lâu)")
    PROGRESS = "progress", _("Đề nghị báo cáo tiến độ")
    NOTICE = "notice", _("Thông báo công việc")  # a workflow notification (see notices.py)


class Outcome(models.TextChoices):
    PENDING = "pending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi, sẽ thử lại")
    GAVE_UP = "gave_up", _("Gửi lỗi, đã dừng thử lại")
    NO_RECIPIENT = "no_recipient", _("Không có người nhận")
    OBSOLETE = "obsolete", _("Không còn cần gửi")
    SKIPPED = "skipped", _("Bỏ qua: người nhận không còn hoạt động")


class Delivery(models.Model):
    directive = models.ForeignKey(
        "directives.Directive", verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    # The agency's share the reminder is about, for a collective directive (empty otherwise).
    share = models.ForeignKey(
        "directives.Share",
        verbose_name=_("phần việc"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_deliveries",
    )
    # An address identifies a recipient (a user or an agency contact); empty for "no recipient".
    recipient = models.CharField(_("người nhận"), max_length=254, blank=True)
    kind = models.CharField(_("loại nhắc"), max_length=16, choices=Kind.choices)
    # Which step of the sequence: "30" days before, overdue week "2", quarter "2026-04" …
    occurrence = models.CharField(_("lượt"), max_length=16)
    # The due date the reminder was for: a moved deadline starts a new sequence.
    due_key = models.CharField(_("theo hạn"), max_length=10, blank=True)
    slot_date = models.DateField(_("ngày đến lượt"), db_index=True)
    sweep_date = models.DateField(_("ngày quét"), db_index=True)  # the day's figures; pruning
    outcome = models.CharField(
        _("kết quả"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    claim = models.UUIDField(null=True, blank=True, editable=False)  # indexed with the recipient (Meta)
    claimed_at = models.DateTimeField(_("nhận gửi lúc"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    # Set for a workflow notification's email: one delivery per notification (event × recipient).
    notification = models.OneToOneField(
        "directives.Notification",
        verbose_name=_("thông báo"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="delivery",
    )

    class Meta:
        verbose_name = _("lượt nhắc hạn")
        verbose_name_plural = _("lượt nhắc hạn")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["directive", "recipient", "kind", "occurrence", "due_key"],
                name="one_delivery_per_reminder",
                condition=models.Q(share__isnull=True),
            ),
            # Exactly once per share and step as well (a NULL share would make the one above never match).
            models.UniqueConstraint(
                fields=["share", "recipient", "kind", "occurrence", "due_key"],
                name="one_delivery_per_share_reminder",
                condition=models.Q(share__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["outcome", "next_attempt_at"], name="delivery_retry_due"),
            # A claim covers up to a hundred recipients' rows; each digest is marked sent by (claim,
            # recipient). Indexed on the claim alone, each of those UPDATEs walked the whole claim.
            models.Index(fields=["claim", "recipient"], name="delivery_claim_recipient"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurrence} → {self.recipient or '—'}"


class Frequency(models.TextChoices):
    DAILY = "daily", _("Hằng ngày (khi có việc cần nhắc)")
    WEEKLY = "weekly", _("Hằng tuần (ngày làm việc đầu tuần)")


class NoticeTiming(models.TextChoices):
    IMMEDIATE = "immediate", _("Gửi ngay khi có việc")
    DAILY = "daily", _("Gộp vào một email mỗi sáng ngày làm việc")


class RecipientPreference(models.Model):
    """A recipient's choices, by address, so agency contacts have them too."""

    email = models.EmailField(_("email"), unique=True)
    frequency = models.CharField(_("tần suất"), max_length=8, choices=Frequency.choices, default=Frequency.DAILY)
    notices = models.CharField(
        _("thông báo công việc"), max_length=10, choices=NoticeTiming.choices, default=NoticeTiming.IMMEDIATE
    )
    muted = models.ManyToManyField(
        "directives.Directive", verbose_name=_("nhiệm vụ tắt nhắc"), blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("tùy chọn nhận nhắc")
        verbose_name_plural = _("tùy chọn nhận nhắc")

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()  # the sweep identifies recipients by lower-case address
        super().save(*args, **kwargs)


class WorkingDayOverride(models.Model):
    """A day the Prime Minister's yearly decision makes off or on, beyond the `holidays` package."""

    date = models.DateField(_("ngày"), unique=True)
    working = models.BooleanField(_("là ngày làm việc"), help_text=_("Bỏ chọn: ngày nghỉ; chọn: ngày làm bù."))
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("điều chỉnh ngày làm việc")
        verbose_name_plural = _("điều chỉnh ngày làm việc")
        ordering = ["-date"]

    def __str__(self):
        return f"{short_date(self.date)} {'✓' if self.working else '✗'}"


class SweepRun(models.Model):
    """The record of one day's sweep: when it started and finished, what it did.

    One row per day, however many times the sweep ran that day: a sweep that
    died mid-way (its worker killed) is completed by the retry job, which
    adds its figures to the same row and counts the run. `heartbeat_at` is
    refreshed while digests go out; a started sweep whose heartbeat has
    stopped is dead, and its claims are taken over at once.
    """

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Lịch chạy hằng ngày")
        RETRY = "retry", _("Tác vụ gửi lại (tự hoàn tất)")
        COMMAND = "command", _("Lệnh send_reminders")

    day = models.DateField(_("ngày quét"), unique=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    finished_at = models.DateTimeField(_("hoàn tất lúc"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("còn chạy lúc"))
    runs = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    trigger = models.CharField(_("lần chạy cuối do"), max_length=16, choices=Trigger.choices)
    recipients = models.PositiveIntegerField(_("số người nhận"), default=0)
    emails_sent = models.PositiveIntegerField(_("thư đã gửi"), default=0)
    emails_failed = models.PositiveIntegerField(_("thư gửi lỗi"), default=0)
    directives_covered = models.PositiveIntegerField(_("nhiệm vụ được nhắc"), default=0)
    no_recipient = models.PositiveIntegerField(_("không có người nhận"), default=0)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lượt quét nhắc hạn")
        verbose_name_plural = _("lượt quét nhắc hạn")
        ordering = ["-day"]

    def __str__(self):
        return f"{short_date(self.day)} {'✓' if self.finished_at else '…'}"

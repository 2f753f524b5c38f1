"""Briefing PDFs made once and kept, so the same request on unchanged data is served from disk."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .storage import briefing_storage


class StoredBriefing(models.Model):
    """One PDF for a briefing kind + scope (+ role) + as-of date + language + period, on one state of the data.

    `fingerprint` hashes the data the briefing shows (selectors.data_fingerprint
    of its directives) with the layout version: when a directive changes, the
    next request gets a new row and a new file. The file lives in the
    briefings storage (storage.py: the database by default) and is served
    only through the login-checked download view.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Đang chuẩn bị")
        READY = "ready", _("Sẵn sàng")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(_("loại báo cáo"), max_length=16)
    scope = models.CharField(_("phạm vi"), max_length=32, blank=True)
    # An agency briefing's role: "lead" (what it leads, its shares included) or "involved"; "" for the others.
    role = models.CharField(_("vai trò"), max_length=16, blank=True, default="")
    as_of = models.DateField(_("số liệu đến ngày"))
    language = models.CharField(_("ngôn ngữ"), max_length=8)
    period_start = models.DateField(_("đầu kỳ"), null=True, blank=True)
    period_end = models.DateField(_("cuối kỳ"), null=True, blank=True)
    # "start/end" with empty parts: a unique constraint can't match NULL dates.
    period_key = models.CharField(max_length=32, editable=False)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices, default=State.PENDING)
    # In the briefings storage (the database unless BRIEFINGS_STORAGE says otherwise): every host reaches it.
    file = models.FileField(_("tệp PDF"), upload_to="briefings/%Y/%m/", blank=True, storage=briefing_storage)
    directive_count = models.PositiveIntegerField(_("số nhiệm vụ"), default=0)
    page_count = models.PositiveIntegerField(_("số trang"), default=0)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    finished_at = models.DateTimeField(_("hoàn tất lúc"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("báo cáo đã lập")
        verbose_name_plural = _("báo cáo đã lập")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "scope", "role", "as_of", "language", "period_key", "fingerprint"],
                name="one_stored_briefing_per_data",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.scope} {self.as_of} {self.language} ({self.state})"


class StoredFile(models.Model):
    """A file of the database storage (storage.DatabaseStorage): a stored briefing's PDF."""

    name = models.CharField(_("tên tệp"), max_length=255, unique=True)
    content = models.BinaryField(_("nội dung"))
    size = models.PositiveBigIntegerField(_("kích thước (byte)"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp báo cáo")
        verbose_name_plural = _("tệp báo cáo")

    def __str__(self):
        return self.name

"""Secret feed tokens: the credential a calendar program presents instead of a login.

Only a SHA-256 digest of the token is stored; the token itself is shown to
its owner once, when it is issued. What a feed shows is decided at each
request from the owner's rights then (see `access.py`), never frozen here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class FeedKind(models.TextChoices):
    MINE = "mine", _("Nhiệm vụ của tôi")
    AGENCY = "agency", _("Nhiệm vụ của một cơ quan")
    MEETING = "meeting", _("Nhiệm vụ của một phiên họp")
    ALL = "all", _("Tất cả nhiệm vụ")


class FeedToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sở hữu"),
        on_delete=models.CASCADE,
        related_name="feed_tokens",
    )
    kind = models.CharField(_("loại lịch"), max_length=8, choices=FeedKind.choices)
    agency = models.ForeignKey(
        "directives.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    meeting = models.ForeignKey(
        "directives.Meeting",
        verbose_name=_("phiên họp"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # "mine", "all", "agency:<pk>" or "meeting:<pk>": one active token per owner and scope.
    scope_key = models.CharField(max_length=40, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("4 ký tự cuối"), max_length=4, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, db_index=True)
    # The calendar's header as icalendar wrote it, per format: {fmt: [key, text]} (see feeds.calendar_header).
    headers = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("đường dẫn lịch")
        verbose_name_plural = _("đường dẫn lịch")
        ordering = ["owner", "kind", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "scope_key"],
                condition=models.Q(revoked_at__isnull=True),
                name="feedtoken_one_active_per_scope",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="agency", agency__isnull=False, meeting__isnull=True)
                    | models.Q(kind="meeting", meeting__isnull=False, agency__isnull=True)
                    | models.Q(kind__in=["mine", "all"], agency__isnull=True, meeting__isnull=True)
                ),
                name="feedtoken_scope_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.owner} · {self.scope_label()} · …{self.hint}"

    def scope_label(self, language: str | None = None) -> str:
        """What the feed covers, for pages and the calendar's name (in the active language)."""
        language = (language or "vi")[:2]
        if self.kind == FeedKind.AGENCY:
            return gettext("Nhiệm vụ của %(agency)s") % {"agency": self.agency.name(language)}
        if self.kind == FeedKind.MEETING:
            return gettext("Nhiệm vụ của %(meeting)s") % {"meeting": self.meeting.title(language)}
        return str(FeedKind(self.kind).label)


class StoredEvent(models.Model):
    """One directive's serialised VEVENT or VTODO, kept for the next process that needs it.

    Keyed by directive and variant ("event:vi", "todo:en"…); `digest` covers
    everything the bytes depend on (the directive's fields, its co-ordinating
    agencies and latest progress, the status and alarms of the day, the
    language, SITE_URL, the alarm policy and the serialiser's version), so a
    row whose digest matches is the event icalendar would write now. One row
    per directive and variant: a changed event overwrites its row.
    """

    directive = models.ForeignKey("directives.Directive", on_delete=models.CASCADE, related_name="+")
    variant = models.CharField(max_length=40)
    digest = models.CharField(max_length=32)
    # The event's UTF-8 text, as text: PostgreSQL would send bytea as hex both ways, twice the
    # bytes to write in a cold build and to decode when a fresh process reads 5,000 of them.
    body = models.TextField()

    class Meta:
        verbose_name = _("sự kiện lịch đã dựng")
        verbose_name_plural = _("sự kiện lịch đã dựng")
        constraints = [
            models.UniqueConstraint(fields=["directive", "variant"], name="storedevent_one_per_variant"),
        ]

    def __str__(self) -> str:
        return f"{self.directive_id} {self.variant}"

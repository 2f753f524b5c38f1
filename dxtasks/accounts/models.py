"""Users of dxtasks: each belongs to an agency and has one role.

The role is a plain column on the user (`role`), not a Django group: there are
exactly three, they are mutually exclusive, and every permission check in the
portal, the feeds and the reminders reads it (see `dxtasks.accounts.roles`).
Django's `is_staff`/`is_superuser` only govern the admin site.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Thư ký Ủy ban")
    FOCAL_POINT = "focal_point", _("Đầu mối cơ quan")
    VIEWER = "viewer", _("Người xem")


class User(AbstractUser):
    agency = models.ForeignKey(
        "directives.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    language = models.CharField(
        _("ngôn ngữ"),
        max_length=8,
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
        default="vi",
        help_text=_("Ngôn ngữ của email và lịch gửi cho người dùng này."),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="focal_point") | models.Q(agency__isnull=False),
                name="focal_point_has_agency",
                violation_error_message=_("Đầu mối phải thuộc một cơ quan."),
            )
        ]

    def get_full_name(self):
        # Vietnamese order: family and middle names (last_name) before the given name.
        return " ".join(part for part in (self.last_name, self.first_name) if part).strip()

    def __str__(self):
        return self.get_full_name() or self.username

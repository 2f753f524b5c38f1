"""Personal API tokens: the credential a program presents instead of a session.

A token acts as its owner, with the owner's role and agency at each request
(`roles.py` decides, as in the portal), narrowed by its scope: a read-only
token can't write even when its owner could. Only a SHA-256 digest is stored;
the token is shown once, when it is issued.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Chỉ đọc")
    WRITE = "write", _("Đọc và ghi")


class ApiToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người sở hữu"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("tên"), max_length=100, help_text=_("Chương trình dùng mã này, ví dụ “Hệ thống báo cáo của Bộ”.")
    )
    scope = models.CharField(_("phạm vi"), max_length=8, choices=Scope.choices, default=Scope.READ)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("4 ký tự cuối"), max_length=4, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("mã API")
        verbose_name_plural = _("mã API")
        ordering = ["owner", "-created_at"]

    def __str__(self):
        return f"{self.owner} · {self.name} · …{self.hint}"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE

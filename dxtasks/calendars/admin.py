from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import tokens
from .links import feed_url
from .models import FeedToken


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ["owner", "kind", "agency", "meeting", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["owner__username", "owner__email", "hint"]
    list_select_related = ["owner", "agency", "meeting"]
    readonly_fields = ["owner", "kind", "agency", "meeting", "hint", "created_at", "last_used_at", "revoked_at"]
    exclude = ["token_hash", "scope_key"]
    actions = ["revoke", "regenerate"]

    def has_add_permission(self, request):
        return False  # a token is issued by its owner (subscribe page) or by `manage.py feed_url`

    @admin.action(description=_("Thu hồi các đường dẫn đã chọn"))
    def revoke(self, request, queryset):
        count = 0
        for feed in queryset.filter(revoked_at__isnull=True):
            tokens.revoke_token(feed=feed)
            count += 1
        self.message_user(request, ngettext("Đã thu hồi %d đường dẫn.", "Đã thu hồi %d đường dẫn.", count) % count)

    @admin.action(description=_("Tạo lại đường dẫn (đường dẫn cũ hết hiệu lực)"))
    def regenerate(self, request, queryset):
        for feed in queryset.filter(revoked_at__isnull=True).select_related("owner", "agency", "meeting"):
            try:
                issued = tokens.regenerate_token(feed=feed)
            except tokens.FeedTokenError as exc:
                self.message_user(request, f"{feed}: {exc}", messages.ERROR)
                continue
            # Shown once, to the administrator who must pass it on to the owner.
            self.message_user(request, f"{issued.feed}: {feed_url(issued.secret)}", messages.WARNING)

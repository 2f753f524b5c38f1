from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Delivery, RecipientPreference, SweepRun, WorkingDayOverride


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: rows are the record of what was sent; only the sweep writes them."""

    list_display = (
        "directive",
        "recipient_or_none",
        "kind",
        "occurrence",
        "due_key",
        "outcome",
        "attempts",
        "sent_at",
        "short_error",
    )
    list_filter = ("outcome", "kind", "sweep_date")
    search_fields = ("recipient", "directive__reference", "subject", "message_id")
    date_hierarchy = "created_at"
    list_select_related = ("directive",)
    readonly_fields = [f.name for f in Delivery._meta.fields]

    @admin.display(description=_("người nhận"), ordering="recipient")
    def recipient_or_none(self, obj):
        return obj.recipient or _("(không có người nhận)")

    @admin.display(description=_("lỗi"))
    def short_error(self, obj):
        return obj.error[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RecipientPreference)
class RecipientPreferenceAdmin(admin.ModelAdmin):
    list_display = ("email", "frequency", "updated_at")
    list_filter = ("frequency",)
    search_fields = ("email",)
    autocomplete_fields = ("muted",)


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "working", "note")
    list_filter = ("working",)
    date_hierarchy = "date"


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    """Read-only: one row per day's sweep, newest first; an unfinished past day is a sweep that died."""

    list_display = (
        "day",
        "started_at",
        "finished_at",
        "runs",
        "trigger",
        "recipients",
        "emails_sent",
        "emails_failed",
        "directives_covered",
        "no_recipient",
        "short_error",
    )
    list_filter = ("trigger",)
    date_hierarchy = "day"
    readonly_fields = [f.name for f in SweepRun._meta.fields]

    @admin.display(description=_("lỗi"))
    def short_error(self, obj):
        return obj.error[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

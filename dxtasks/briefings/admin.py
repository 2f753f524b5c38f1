from django.contrib import admin

from .models import StoredBriefing


@admin.register(StoredBriefing)
class StoredBriefingAdmin(admin.ModelAdmin):
    """Read-only: rows are made by the briefing views and tasks; deleting one only forces a rebuild."""

    list_display = [
        "kind",
        "scope",
        "as_of",
        "language",
        "state",
        "directive_count",
        "page_count",
        "requested_at",
        "finished_at",
    ]
    list_filter = ["kind", "state", "language"]
    search_fields = ["scope"]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

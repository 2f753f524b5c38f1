"""The admin: every model searchable and filterable, status derived, history inline.

History rows are shown read-only: they are written by the services, never by hand.
"""

from typing import ClassVar

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Agency,
    AgencyTransfer,
    DeadlineChange,
    Directive,
    DirectiveChange,
    Event,
    ExtensionRequest,
    Meeting,
    MeetingChange,
    Notification,
    ProgressUpdate,
    Share,
    StateChange,
)
from .status import Status, annotate_status


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProgressInline(ReadOnlyInline):
    model = ProgressUpdate
    fields = ("reported_at", "reported_by", "share", "percent", "note", "evidence_url")
    readonly_fields = fields


class DeadlineChangeInline(ReadOnlyInline):
    model = DeadlineChange
    fields = (
        "approved_at",
        "approved_by",
        "share",
        "old_deadline_text",
        "old_due",
        "new_deadline_text",
        "new_due",
        "reason",
    )
    readonly_fields = fields


class StateChangeInline(ReadOnlyInline):
    model = StateChange
    fields = ("changed_at", "changed_by", "share", "old_state", "new_state", "note")
    readonly_fields = fields


class AgencyTransferInline(ReadOnlyInline):
    model = AgencyTransfer
    fk_name = "directive"
    fields = ("transferred_at", "transferred_by", "role", "from_agency", "to_agency", "reason")
    readonly_fields = fields


class DirectiveChangeInline(ReadOnlyInline):
    """The audit trail: each write through the services, with the fields it changed as [old, new]."""

    model = DirectiveChange
    fields = ("changed_at", "changed_by", "share", "action", "changes")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by", "share__agency")


class ExtensionRequestInline(ReadOnlyInline):
    model = ExtensionRequest
    fields = ("requested_at", "requested_by", "share", "proposed_due", "reason", "decision", "decided_by", "decided_at")
    readonly_fields = fields


class ShareInline(ReadOnlyInline):
    """The addressed agencies' shares of a collective directive, each with its own deadline and state."""

    model = Share
    fields = ("agency", "owner", "deadline_text", "due_date", "state", "completed_on", "cancelled_on", "version")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "owner")


class StatusFilter(admin.SimpleListFilter):
    title = _("tình trạng hôm nay")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class DirectiveAdminForm(forms.ModelForm):
    class Meta:
        model = Directive
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        lead = cleaned.get("lead_agency")
        # The instance still holds the saved lead here (the form copies its values in after clean()).
        if lead is not None and lead.pk != self.instance.lead_agency_id:
            try:
                services.check_lead(lead)
            except services.DirectiveError as error:
                self.add_error("lead_agency", error.message_dict["lead_agency"])
        return cleaned


@admin.register(Directive)
class DirectiveAdmin(admin.ModelAdmin):
    form = DirectiveAdminForm
    list_display = (
        "reference",
        "title_vi",
        "lead_agency",
        "deadline_text",
        "due_date",
        "state",
        "status_label",
        "owner",
        "version",
    )
    list_filter = (StatusFilter, "state", "pillar", "deadline_precision", "meeting", "lead_agency__kind")
    search_fields = (
        "reference",
        "title_vi",
        "title_en",
        "full_text",
        "lead_agency__code",
        "lead_agency__name_vi",
        "public_id",
    )
    autocomplete_fields = ("lead_agency", "co_agencies", "owner", "meeting")
    list_select_related = ("lead_agency", "owner")
    date_hierarchy = "due_date"
    readonly_fields = (
        "public_id",
        "due_date",
        "deadline_precision",
        "state",
        "completed_on",
        "cancelled_on",
        "version",
        "created_at",
        "updated_at",
        "status_label",
        "addressees",
    )
    fieldsets = (
        (None, {"fields": ("public_id", "reference", "title_vi", "title_en", "full_text", "pillar")}),
        (
            _("Giao nhiệm vụ"),
            {
                "fields": (
                    "meeting",
                    "assigned_on",
                    "source_ref",
                    "source_url",
                    "lead_agency",
                    "addressees",
                    "co_agencies",
                    "owner",
                )
            },
        ),
        (
            _("Thời hạn và trạng thái"),
            {
                "fields": (
                    "deadline_text",
                    "due_date",
                    "deadline_precision",
                    "state",
                    "status_label",
                    "completed_on",
                    "cancelled_on",
                    "outcome",
                )
            },
        ),
        (_("Phiên bản"), {"fields": ("version", "created_at", "updated_at")}),
    )
    inlines = [
        ShareInline,
        DirectiveChangeInline,
        ProgressInline,
        DeadlineChangeInline,
        StateChangeInline,
        AgencyTransferInline,
        ExtensionRequestInline,
    ]

    def get_queryset(self, request):
        return annotate_status(super().get_queryset(request), timezone.localdate())

    @admin.display(description=_("tình trạng"), ordering="status")
    def status_label(self, obj):
        status = getattr(obj, "status", None)
        return Status(status).label if status else "—"

    def save_model(self, request, obj, form, change):
        """Every admin write goes through the services (audit trail, version, events), the co-ordinating
        agencies included; the deadline is typed as written and the service derives due date and precision."""
        data = form.cleaned_data
        if change:
            fields = {f: data[f] for f in form.changed_data if f in services.EDITABLE_FIELDS}
            services.edit_directive(
                directive=obj,
                by=request.user,
                co_agencies=data["co_agencies"] if "co_agencies" in form.changed_data else None,
                deadline_text=data["deadline_text"] if "deadline_text" in form.changed_data else None,
                deadline_reason=str(_("Sửa trong trang quản trị")),
                **fields,
            )
        else:
            created = services.create_directive(
                by=request.user,
                co_agencies=data["co_agencies"],
                **{f: data[f] for f in ("reference", "title_vi", "lead_agency", "deadline_text", "assigned_on")},
                **{
                    f: data[f]
                    for f in (
                        "title_en",
                        "full_text",
                        "meeting",
                        "source_ref",
                        "source_url",
                        "pillar",
                        "owner",
                        "outcome",
                    )
                },
            )
            obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        # The co-ordinating agencies were saved by the service; the inlines are read-only history.
        form.instance = Directive.objects.get(pk=form.instance.pk)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "short_name_vi",
        "name_vi",
        "name_en",
        "kind",
        "active",
        "successor",
        "succeeded_on",
        "directive_count",
    )
    list_filter = ("kind", "active")
    search_fields = ("code", "name_vi", "name_en", "short_name_vi")
    autocomplete_fields = ("successor",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("successor").annotate(n=Count("led_directives"))

    @admin.display(description=_("số nhiệm vụ chủ trì"), ordering="n")
    def directive_count(self, obj):
        return obj.n


class MeetingChangeInline(admin.TabularInline):
    model = MeetingChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "changed_by", "action", "changes")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("number", "committee", "session_number", "date", "title_vi", "notice_ref", "directive_count")
    inlines = [MeetingChangeInline]

    def save_model(self, request, obj, form, change):
        """Admin edits are recorded like the portal's (the portal goes through services.update_meeting)."""
        super().save_model(request, obj, form, change)
        fields = [name for name in form.changed_data if name in services.MEETING_FIELDS | {"number"}]
        if fields:
            MeetingChange.objects.create(
                meeting=obj,
                changed_by=request.user,
                changed_at=timezone.now(),
                action=MeetingChange.Action.EDITED if change else MeetingChange.Action.CREATED,
                changes={
                    name: [str(form.initial.get(name) or ""), str(form.cleaned_data.get(name) or "")] for name in fields
                },
            )

    list_filter = ("committee",)
    search_fields = ("title_vi", "title_en", "notice_ref", "chair")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("directives"))

    @admin.display(description=_("số nhiệm vụ"), ordering="n")
    def directive_count(self, obj):
        return obj.n


class HistoryAdmin(admin.ModelAdmin):
    """History is append-only: listed and searched here, never edited."""

    list_select_related: ClassVar[bool | list[str] | tuple[str, ...]] = ("directive",)
    search_fields: ClassVar[list[str] | tuple[str, ...]] = ("directive__reference", "directive__title_vi")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(HistoryAdmin):
    list_display = ("directive", "reported_at", "reported_by", "percent")
    date_hierarchy = "reported_at"


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(HistoryAdmin):
    list_display = ("directive", "approved_at", "approved_by", "old_due", "new_due")
    date_hierarchy = "approved_at"


@admin.register(StateChange)
class StateChangeAdmin(HistoryAdmin):
    list_display = ("directive", "changed_at", "changed_by", "old_state", "new_state")
    list_filter = ("new_state",)


@admin.register(DirectiveChange)
class DirectiveChangeAdmin(HistoryAdmin):
    list_display = ("directive", "changed_at", "changed_by", "action", "share")
    list_filter = ("action",)
    list_select_related = ("directive", "changed_by", "share__agency")
    date_hierarchy = "changed_at"


@admin.register(AgencyTransfer)
class AgencyTransferAdmin(HistoryAdmin):
    list_display = ("directive", "transferred_at", "role", "from_agency", "to_agency")
    list_filter = ("role",)


@admin.register(Share)
class ShareAdmin(HistoryAdmin):
    """Shares are written by the services (created with their directive); listed and searched here."""

    list_display = ("directive", "agency", "owner", "due_date", "state", "completed_on", "version")
    list_filter = ("state", "agency__kind")
    list_select_related = ("directive", "agency", "owner")
    search_fields = ("directive__reference", "directive__title_vi", "agency__code", "agency__name_vi")
    inlines = [ProgressInline, DeadlineChangeInline, StateChangeInline, ExtensionRequestInline]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(HistoryAdmin):
    list_display = ("directive", "requested_at", "requested_by", "proposed_due", "decision", "decided_by")
    list_filter = ("decision",)


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    fields = ("user", "address", "to_user", "read_at", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    """The outbox: every workflow change and who was to be told (deliveries: Reminders → deliveries)."""

    list_display = ("created_at", "kind", "directive", "actor")
    list_filter = ("kind",)
    date_hierarchy = "created_at"
    inlines = [NotificationInline]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "email", "role", "agency", "is_active")
    list_filter = ("role", "is_active", "is_staff", "agency__kind")
    search_fields = ("username", "first_name", "last_name", "email", "agency__code", "agency__name_vi")
    autocomplete_fields = ("agency",)
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("dxtasks"), {"fields": ("role", "agency", "language")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("dxtasks"), {"fields": ("email", "role", "agency", "language")}))

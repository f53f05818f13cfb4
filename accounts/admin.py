from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "organisation", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "groups", "organisation_kind", "districts"]
    search_fields = ["email", "name", "organisation", "department"]
    filter_horizontal = ["groups", "user_permissions", "districts"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profil"), {"fields": ["name", "organisation", "department", "organisation_kind", "districts"]}),
        (_("Rollen und Rechte"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Daten"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]

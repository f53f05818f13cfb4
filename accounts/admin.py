import json

from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import ApplicationError
from core.models import AuditLog
from core.services import audit_log

from . import services
from .models import OrganisationUnit, User


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class AccessRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der anfragenden Person"),
        help_text=_("Alle Daten, die zu dieser Adresse (und einem Konto mit dieser Adresse) gespeichert sind."),
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "organisation", "is_staff", "has_mfa", "is_active", "last_login"]
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
    actions = ["reset_mfa", "send_mfa_invitation"]
    change_list_template = "admin/accounts/user/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_has_mfa=Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)))
        )

    @admin.display(description=_("2FA"), boolean=True, ordering="_has_mfa")
    def has_mfa(self, obj) -> bool:
        return getattr(obj, "_has_mfa", False)

    # Only superusers grant or touch superuser rights: the Fachteam manages roles, not the root account.
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return [*readonly, "last_login", "date_joined"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and ((obj.is_superuser and not request.user.is_superuser) or obj == request.user):
            return False
        return super().has_delete_permission(request, obj)

    # Role and permission changes are audited: snapshot before the form is saved, compare after the m2m.
    def save_model(self, request, obj, form, change):
        before = services.user_access_snapshot(user=User.objects.get(pk=obj.pk)) if change else None
        request._hb_access_before = before
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_hb_access_before", None)
        if before is None:
            before = services.user_access_snapshot(user=None)
        services.user_access_changes_record(user=form.instance, before=before, by=request.user)

    def delete_model(self, request, obj):
        audit_log(actor=request.user, action=AuditLog.Action.OBJECT_DELETE, obj=obj, details={"email": obj.email})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            audit_log(actor=request.user, action=AuditLog.Action.OBJECT_DELETE, obj=user, details={"email": user.email})
        super().delete_queryset(request, queryset)

    @admin.action(description=_("Zwei-Faktor-Anmeldung zurücksetzen (z. B. Telefon verloren)"), permissions=["change"])
    def reset_mfa(self, request, queryset):
        done = 0
        for user in queryset:
            if user.is_superuser and not request.user.is_superuser:
                continue
            services.mfa_reset(user=user, by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "Zwei-Faktor-Anmeldung für %(n)d Konto zurückgesetzt.",
                "Zwei-Faktor-Anmeldung für %(n)d Konten zurückgesetzt.",
                done,
            )
            % {"n": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Einladung zur Zwei-Faktor-Anmeldung per E-Mail senden"), permissions=["change"])
    def send_mfa_invitation(self, request, queryset):
        done = 0
        for user in queryset:
            if user.is_superuser and not request.user.is_superuser:
                continue
            services.mfa_invitation_send(user=user, by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext("%(n)d Einladung gesendet.", "%(n)d Einladungen gesendet.", done) % {"n": done},
            messages.SUCCESS,
        )

    # The Fachteam answers an access request (Art. 15 GDPR) for an address: a JSON file, audited.
    def get_urls(self):
        return [
            path(
                "auskunft/",
                self.admin_site.admin_view(self.access_request_view),
                name="accounts_user_access_request",
            ),
            *super().get_urls(),
        ]

    def access_request_view(self, request):
        if not request.user.has_perm("accounts.view_user"):
            raise PermissionDenied
        form = AccessRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                data = services.personal_data_export(email=form.cleaned_data["email"], by=request.user)
            except ApplicationError as error:
                form.add_error("email", error.message)
            else:
                response = HttpResponse(
                    json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
                )
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
                response["Content-Disposition"] = f'attachment; filename="auskunft-{stamp}.json"'
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Auskunft über gespeicherte Daten (Art. 15 DSGVO)"),
            "form": form,
            "audit_url": reverse("admin:core_auditlog_changelist"),
        }
        return TemplateResponse(request, "admin/accounts/user/access_request.html", context)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Roles. Changes of their permissions are audited."""

    def save_model(self, request, obj, form, change):
        request._hb_group_before = (
            frozenset(
                f"{app}.{codename}"
                for app, codename in Group.objects.get(pk=obj.pk).permissions.values_list(
                    "content_type__app_label", "codename"
                )
            )
            if change
            else frozenset()
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.group_permissions_change_record(
            group=form.instance, before=getattr(request, "_hb_group_before", frozenset()), by=request.user
        )

    def delete_model(self, request, obj):
        audit_log(actor=request.user, action=AuditLog.Action.OBJECT_DELETE, obj=obj, details={"group": obj.name})
        super().delete_model(request, obj)


if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AllauthAuthenticatorAdmin):
    """Which second factors exist — never their secrets. Reset them with the action on Benutzer*innen."""

    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrganisationUnit)
class OrganisationUnitAdmin(admin.ModelAdmin):
    """The units that own commitments and recommendations, and their members (who act for the unit in the
    owners' workspace /verbindlichkeit/). Membership changes are audited."""

    list_display = ["name", "kind", "district", "email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "email"]
    filter_horizontal = ["members"]
    prepopulated_fields = {"slug": ["name"]}

    def save_related(self, request, form, formsets, change):
        # Members are written (and audited) by the service; the unit's own fields were saved by save_model.
        services.organisation_unit_set_members(
            unit=form.instance, members=list(form.cleaned_data.get("members") or []), by=request.user
        )

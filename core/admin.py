from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import AccessibilityFeedback, AuditLog, OutboxMail, Page


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "topic", "status", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "topic", "created_at"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxMail._meta.fields]
    exclude = ["attachments", "about"]
    actions = ["resend"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Opening a stored mail shows its (decrypted) body: every such view is audited (issue 15, pt 2)."""
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            mail = OutboxMail.objects.filter(pk=object_id).only("pk", "to").first() if object_id.isdigit() else None
            if mail is not None:
                services.audit_log(actor=request.user, action=AuditLog.Action.OUTBOX_MAIL_VIEW, obj=mail, about=mail.to)
        return response

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Fehler"))
    def short_error(self, obj: OutboxMail) -> str:
        return obj.last_error[:80]

    @admin.action(description=_("Erneut senden"), permissions=["view"])
    def resend(self, request, queryset):
        count = services.outbox_resend(mail_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(n)d E-Mail wird erneut gesendet.", "%(n)d E-Mails werden erneut gesendet.", count)
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_draft", "updated_at"]
    list_filter = ["is_draft"]


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "short_message", "page_url", "email", "handled"]
    list_filter = ["handled"]
    readonly_fields = ["name", "email", "page_url", "message", "created_at"]
    fields = ["created_at", "name", "email", "page_url", "message", "handled"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Nachricht"))
    def short_message(self, obj: AccessibilityFeedback) -> str:
        return obj.message[:80]

    def save_model(self, request, obj, form, change):
        # Only "handled" is editable (no adding): the service writes it and who handled it.
        services.accessibility_feedback_handled_set(feedback=obj, handled=obj.handled, by=request.user)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log must not be changed through the application.

    Visible to whoever has core.view_auditlog (the Fachteam through accounts.backends.RoleBackend)."""

    list_display = ["created_at", "actor_repr", "action", "object_repr", "short_details"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor_repr", "object_repr", "action", "object_id"]
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "created_at",
        "actor",
        "actor_repr",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "details",
    )
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    @admin.display(description=_("Einzelheiten"))
    def short_details(self, obj: AuditLog) -> str:
        import json

        return json.dumps(obj.details, ensure_ascii=False, sort_keys=True)[:120]

"""Admin deletions of personal-data rows are audited like user deletions (issue 15, point 6).

Every ModelAdmin of a model declared by a personal-data provider (core.registry) is hooked where Django's
admin deletes: `log_deletions` (the delete page and the "delete selected" action, both call it before
deleting, inside the admin's transaction) and, for inlines, `save_formset` (rows ticked "delete"). A
ModelAdmin that overrides `delete_model` / `save_formset` hands deletion to a service, which audits it (e.g.
UserAdmin, recommendation comments): those are left alone, so nothing is logged twice."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import ModelAdmin


def personal_data_models() -> set[str]:
    from .registry import personal_data_providers

    return {label for provider in personal_data_providers() for label in provider.models}


def _is_personal(model: Any) -> bool:
    return model._meta.label_lower in personal_data_models()


def audit_admin_deletion(*, request: Any, obj: Any) -> None:
    from .models import AuditLog
    from .services import audit_log

    details: dict[str, Any] = {"via": "admin"}
    email = getattr(obj, "email", None)
    if isinstance(email, str) and email:
        details["email"] = email
    audit_log(actor=request.user, action=AuditLog.Action.OBJECT_DELETE, obj=obj, details=details)


def _hook(model_admin: ModelAdmin) -> None:
    cls = type(model_admin)
    if getattr(model_admin, "_hb_deletions_audited", False):
        return
    model_admin._hb_deletions_audited = True  # type: ignore[attr-defined]
    if cls.delete_model is ModelAdmin.delete_model and cls.delete_queryset is ModelAdmin.delete_queryset:
        original_log = model_admin.log_deletions

        def log_deletions(request: Any, queryset: Any) -> Any:
            if _is_personal(model_admin.model):
                for obj in queryset:
                    audit_admin_deletion(request=request, obj=obj)
            return original_log(request, queryset)

        model_admin.log_deletions = log_deletions  # type: ignore[method-assign]
    if cls.save_formset is ModelAdmin.save_formset:
        original_save = model_admin.save_formset

        def save_formset(request: Any, form: Any, formset: Any, change: Any) -> Any:
            for deleted in getattr(formset, "deleted_forms", []):
                instance = deleted.instance
                if instance.pk is not None and _is_personal(type(instance)):
                    audit_admin_deletion(request=request, obj=instance)
            return original_save(request, form, formset, change)

        model_admin.save_formset = save_formset  # type: ignore[method-assign]


def install(site: admin.AdminSite | None = None) -> None:
    """Hook every registered ModelAdmin (called once the admin modules are imported, CoreConfig.ready)."""
    for model_admin in (site or admin.site)._registry.values():
        _hook(model_admin)

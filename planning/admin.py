"""The Fachteam's admin for concepts, venues and stage thresholds; plans, records and coaching notes are
read here and written in the planning workspace (/planung/) through the services.

A concept version that workshops were planned from is read-only: a change becomes a new version
(planning.services.concept_version_update), so every run keeps the design it ran with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.validators import PlainTextFormMixin

from . import services
from .models import (
    Concept,
    ConceptAgendaItem,
    ConceptTask,
    ConceptVersion,
    FacilitationRecord,
    StageThreshold,
    Venue,
    WorkshopPlan,
)


class PlainTextAdminForm(PlainTextFormMixin, forms.ModelForm):
    """Admin forms refuse control characters and bidi overrides in their text fields like every other form
    (concepts and venues are shown on public pages)."""


@admin.register(StageThreshold)
class StageThresholdAdmin(admin.ModelAdmin):
    list_display = ["stage", "role", "min_count", "with_coaching"]
    list_editable = ["min_count", "with_coaching"]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        services.stage_threshold_save(threshold=obj, by=request.user)

    def delete_model(self, request: Any, obj: Any) -> None:
        services.stage_threshold_delete(threshold=obj, by=request.user)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # deleting in bulk would skip the refresh; set a count instead


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    form = PlainTextAdminForm
    list_display = ["name", "district", "capacity", "step_free", "accessible_toilet", "induction_loop", "is_active"]
    list_filter = ["district", "step_free", "is_active"]
    search_fields = ["name", "address"]


class VersionInline(admin.TabularInline):
    model = ConceptVersion
    fields = ("number", "format", "change_log", "created_at")
    readonly_fields = ("number", "format", "change_log", "created_at")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    form = PlainTextAdminForm
    list_display = ["title", "is_public", "updated_at"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [VersionInline]


class AgendaInline(admin.TabularInline):
    form = PlainTextAdminForm
    model = ConceptAgendaItem
    extra = 1


class TimelineInline(admin.TabularInline):
    form = PlainTextAdminForm
    model = ConceptTask
    extra = 1


@admin.register(ConceptVersion)
class ConceptVersionAdmin(admin.ModelAdmin):
    form = PlainTextAdminForm
    list_display = ["concept", "number", "format", "created_at"]
    list_filter = ["concept"]
    readonly_fields = ["number"]
    filter_horizontal = ["taken_up"]
    inlines = [AgendaInline, TimelineInline]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        if obj is not None and obj.plans.exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        if obj is not None and obj.plans.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        services.concept_version_save(version=obj, by=request.user)

    def change_view(self, request: Any, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        version = self.get_object(request, object_id)
        if version is not None and version.plans.exists() and request.method == "GET":
            messages.info(
                request,
                _(
                    "Nach dieser Version wurden bereits Werkstätten geplant; sie bleibt unverändert. "
                    "Legen Sie für Änderungen eine neue Version an."
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(WorkshopPlan)
class WorkshopPlanAdmin(admin.ModelAdmin):
    list_display = ["workshop", "district", "status", "planner", "updated_at"]
    list_filter = ["status", "district"]
    list_select_related = ["workshop", "district", "planner"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(FacilitationRecord)
class FacilitationRecordAdmin(admin.ModelAdmin):
    list_display = ["person", "workshop", "role", "confirmed_at"]
    list_filter = ["role"]
    list_select_related = ["person", "workshop"]
    search_fields = ["person__name", "person__email", "workshop__title"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

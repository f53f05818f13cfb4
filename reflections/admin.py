"""The Fachteam's admin for quality criteria, reflections, commitments, result photos and feedback.

State changes go through the services (retire/reactivate a criterion, reopen a reflection, commitment
status, photo upload); reflections and feedback are read-only here."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import (
    Commitment,
    CriterionRating,
    FeedbackCriterionAnswer,
    FeedbackResponse,
    Insight,
    MethodUse,
    QualityCriterion,
    Reflection,
    ResultPhoto,
)


@admin.register(QualityCriterion)
class QualityCriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active", "asked_in_feedback", "retired_at", "rating_count"]
    list_editable = ["order"]
    list_filter = ["is_active", "asked_in_feedback"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["is_active", "retired_at"]
    fields = [
        "name",
        "slug",
        "description",
        "guiding_questions",
        "order",
        "asked_in_feedback",
        "feedback_statement",
        "is_active",
        "retired_at",
    ]
    actions = ["retire", "reactivate"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_rating_count=Count("ratings", distinct=True))

    @admin.display(description=_("Bewertungen"), ordering="_rating_count")
    def rating_count(self, obj) -> int:
        return getattr(obj, "_rating_count", 0)

    def has_delete_permission(self, request, obj=None):
        # A criterion that was ever rated or answered is history: retire it instead.
        if obj is not None and (obj.ratings.exists() or obj.feedback_answers.exists()):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Ausgewählte Merkmale ausscheiden lassen (Verlauf bleibt erhalten)"))
    def retire(self, request, queryset):
        for criterion in queryset:
            services.criterion_retire(criterion=criterion, by=request.user)
        self.message_user(
            request,
            ngettext("%d Merkmal ausgeschieden.", "%d Merkmale ausgeschieden.", queryset.count()) % queryset.count(),
            messages.SUCCESS,
        )

    @admin.action(description=_("Ausgewählte Merkmale wieder aktivieren"))
    def reactivate(self, request, queryset):
        for criterion in queryset:
            services.criterion_reactivate(criterion=criterion, by=request.user)
        self.message_user(
            request,
            ngettext("%d Merkmal aktiviert.", "%d Merkmale aktiviert.", queryset.count()) % queryset.count(),
            messages.SUCCESS,
        )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CriterionRatingInline(ReadOnlyInline):
    model = CriterionRating
    fields = ["criterion", "rating", "note"]
    readonly_fields = fields


class MethodUseInline(ReadOnlyInline):
    model = MethodUse
    fields = ["method", "rating", "how_it_worked"]
    readonly_fields = fields


class InsightInline(ReadOnlyInline):
    model = Insight
    fields = ["text"]
    readonly_fields = fields


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ["workshop", "author", "author_role", "status", "submitted_at"]
    list_filter = ["status", "workshop__district"]
    search_fields = ["workshop__title", "author__name", "author__email"]
    list_select_related = ["workshop", "author"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "workshop",
        "author",
        "author_role",
        "status",
        "submitted_at",
        "attendance_count",
        "what_worked",
        "what_did_not",
        "surprises",
        "not_reached",
        "internal_notes",
        "public_summary",
    ]
    inlines = [CriterionRatingInline, MethodUseInline, InsightInline]
    actions = ["reopen"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Zur Überarbeitung zurückgeben (wieder Entwurf)"))
    def reopen(self, request, queryset):
        for reflection in queryset:
            services.reflection_reopen(reflection=reflection, by=request.user)
        self.message_user(request, _("Die Reflexionen sind wieder Entwürfe."), messages.SUCCESS)


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["what_short", "who", "due_date", "status", "public", "workshop"]
    list_filter = ["status", "public", "workshop__district"]
    search_fields = ["what", "who", "workshop__title"]
    list_select_related = ["workshop"]
    autocomplete_fields = []
    raw_id_fields = ["workshop", "reflection"]
    readonly_fields = ["status_changed_at"]
    actions = ["mark_in_progress", "mark_done", "mark_dropped"]

    @admin.display(description=_("Was?"))
    def what_short(self, obj) -> str:
        return str(obj)

    def save_model(self, request, obj, form, change):
        status = obj.status
        if change and "status" in form.changed_data:
            obj.status = form.initial.get("status", obj.status)
            super().save_model(request, obj, form, change)
            services.commitment_set_status(commitment=obj, status=status, by=request.user)
        else:
            super().save_model(request, obj, form, change)

    def _set(self, request, queryset, status):
        for commitment in queryset:
            services.commitment_set_status(commitment=commitment, status=status, by=request.user)
        self.message_user(request, _("Stand aktualisiert."), messages.SUCCESS)

    @admin.action(description=_("Stand: in Arbeit"))
    def mark_in_progress(self, request, queryset):
        self._set(request, queryset, Commitment.Status.IN_PROGRESS)

    @admin.action(description=_("Stand: erledigt"))
    def mark_done(self, request, queryset):
        self._set(request, queryset, Commitment.Status.DONE)

    @admin.action(description=_("Stand: verworfen"))
    def mark_dropped(self, request, queryset):
        self._set(request, queryset, Commitment.Status.DROPPED)


@admin.register(ResultPhoto)
class ResultPhotoAdmin(admin.ModelAdmin):
    list_display = ["alt_text", "workshop", "is_public", "order", "created_at"]
    list_filter = ["is_public", "workshop__district"]
    search_fields = ["alt_text", "caption", "workshop__title"]
    list_select_related = ["workshop"]
    raw_id_fields = ["workshop"]
    fields = ["workshop", "image", "alt_text", "caption", "order", "is_public"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        photo = services.result_photo_add(
            workshop=obj.workshop,
            image=form.cleaned_data["image"],
            alt_text=obj.alt_text,
            caption=obj.caption,
            is_public=obj.is_public,
            by=request.user,
        )
        form.instance = photo
        obj.pk = photo.pk

    def delete_model(self, request, obj):
        services.result_photo_remove(photo=obj, by=request.user)


class FeedbackCriterionAnswerInline(ReadOnlyInline):
    model = FeedbackCriterionAnswer
    fields = ["criterion", "rating"]
    readonly_fields = fields


@admin.register(FeedbackResponse)
class FeedbackResponseAdmin(admin.ModelAdmin):
    """Anonymous answers: read-only; the Fachteam may delete an abusive comment's response."""

    list_display = ["workshop", "submitted_on", "overall", "felt_heard", "knows_next_steps", "would_return"]
    list_filter = ["would_return", "workshop__district"]
    list_select_related = ["workshop"]
    readonly_fields = [
        "workshop",
        "submitted_on",
        "overall",
        "felt_heard",
        "knows_next_steps",
        "would_return",
        "comment",
    ]
    inlines = [FeedbackCriterionAnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""The Fachteam's admin for quality criteria, reflections, commitments, result photos and feedback.

State changes go through the services (retire/reactivate a criterion, reopen a reflection, commitment
status, photo upload); reflections and feedback are read-only here."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import ApplicationError
from core.validators import PlainTextFormMixin

from . import services
from .forms import ResultPhotoForm
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


class PlainTextAdminForm(PlainTextFormMixin, forms.ModelForm):
    """Admin forms refuse control characters and bidi overrides in their text fields like every other form."""


@admin.register(QualityCriterion)
class QualityCriterionAdmin(admin.ModelAdmin):
    form = PlainTextAdminForm
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
    readonly_fields = ["criterion", "rating", "note"]


class MethodUseInline(ReadOnlyInline):
    model = MethodUse
    fields = ["method", "rating", "how_it_worked"]
    readonly_fields = ["method", "rating", "how_it_worked"]


class InsightInline(ReadOnlyInline):
    model = Insight
    fields = ["text"]
    readonly_fields = ["text"]


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


class CommitmentAdminForm(PlainTextAdminForm):
    class Meta:
        model = Commitment
        fields = ["workshop", "reflection", "what", "who", "due_date", "status", "drop_reason", "public", "order"]

    def clean(self):
        super().clean()
        reflection, workshop = self.cleaned_data.get("reflection"), self.cleaned_data.get("workshop")
        if reflection is not None and workshop is not None and reflection.workshop_id != workshop.pk:
            self.add_error("reflection", _("Die Reflexion gehört zu einer anderen Werkstatt."))
        return self.cleaned_data


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    form = CommitmentAdminForm
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
        if not change:
            data = form.cleaned_data
            try:
                created = services.commitment_create(
                    **{name: data[name] for name in services.COMMITMENT_EDITABLE_FIELDS},
                    status=data["status"],
                    by=request.user,
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
            form.instance = created
            obj.pk = created.pk
            return
        current = Commitment.objects.get(pk=obj.pk)
        fields = [name for name in form.changed_data if name in services.COMMITMENT_EDITABLE_FIELDS]
        try:
            services.commitment_update(
                commitment=current, by=request.user, **{name: form.cleaned_data[name] for name in fields}
            )
            if "status" in form.changed_data:
                services.commitment_set_status(
                    commitment=current,
                    status=form.cleaned_data["status"],
                    by=request.user,
                    reason=form.cleaned_data.get("drop_reason", ""),
                )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def _set(self, request, queryset, status):
        for commitment in queryset:
            try:
                services.commitment_set_status(commitment=commitment, status=status, by=request.user)
            except ApplicationError as exc:  # dropping needs a reason: use the owners' workspace
                self.message_user(request, exc.message, messages.ERROR)
                return
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
    form = PlainTextAdminForm
    list_display = ["alt_text", "workshop", "is_public", "order", "created_at"]
    list_filter = ["is_public", "workshop__district"]
    search_fields = ["alt_text", "caption", "workshop__title"]
    list_select_related = ["workshop"]
    raw_id_fields = ["workshop"]
    fields = ["workshop", "image", "alt_text", "caption", "order", "is_public"]

    def get_fields(self, request, obj=None):
        # A stored photo has no public URL: show it through the permission-checked view.
        return ["workshop", "image_link", "alt_text", "caption", "order", "is_public"] if obj else self.fields

    def get_readonly_fields(self, request, obj=None):
        # The file and the workshop of a stored photo stay; replace a photo by removing and adding it.
        return ["workshop", "image_link"] if obj is not None else []

    @admin.display(description=_("Foto"))
    def image_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_image_url(), gettext("anzeigen"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "image" in form.base_fields:
            form.clean_image = ResultPhotoForm.clean_image  # type: ignore[attr-defined]
        return form

    def save_model(self, request, obj, form, change):
        if change:
            fields = [name for name in form.changed_data if name in services.PHOTO_EDITABLE_FIELDS]
            services.result_photo_update(
                photo=ResultPhoto.objects.get(pk=obj.pk),
                by=request.user,
                **{name: form.cleaned_data[name] for name in fields},
            )
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
    readonly_fields = ["criterion", "rating"]


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

"""Admin of recommendations and report jobs. Every change goes through recommendations.services, so the admin
keeps versions and the history exactly as the staff pages do; report jobs are requested through the service
and run in the background."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import ApplicationError
from districts.models import District
from workshops.models import Workshop

from . import services
from .models import (
    Comment,
    Contribution,
    Decision,
    Endorsement,
    FieldOfAction,
    HistoryEntry,
    Milestone,
    Recommendation,
    RecommendationVersion,
    ReportJob,
)


@admin.register(FieldOfAction)
class FieldOfActionAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


class RecommendationAdminForm(forms.ModelForm):
    change_note = forms.CharField(
        label=_("Anmerkung zur Änderung"), required=False, max_length=300, help_text=_("Erscheint im Verlauf.")
    )
    transition_to = forms.ChoiceField(label=_("Status ändern zu"), required=False)
    transition_note = forms.CharField(label=_("Anmerkung zum Statuswechsel"), required=False, widget=forms.Textarea)
    transition_reason = forms.CharField(
        label=_("Grund für das Verwerfen"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Pflicht beim Verwerfen."),
    )
    # The decision behind Beschlossen / Verworfen (issue 13; same rules as the page's status form).
    decision_body_kind = forms.ChoiceField(
        label=_("beschließendes Gremium"), required=False, choices=[("", "–"), *Decision.BodyKind.choices]
    )
    decision_body_name = forms.CharField(label=_("Name des Gremiums"), required=False, max_length=200)
    decision_decided_on = forms.DateField(label=_("Datum des Beschlusses"), required=False)
    decision_reference = forms.CharField(label=_("Drucksache / Aktenzeichen"), required=False, max_length=60)
    decision_url = forms.URLField(label=_("Link zur Drucksache"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Recommendation
        fields = [
            "title",
            "text",
            "rationale",
            "field",
            "addressee",
            "responsible_unit",
            "city_wide",
            "districts",
            "priority",
            "due_date",
            "progress",
            "workshops",
            "insights",
            "reflections",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Recommendation.Status.choices)
        allowed = self.instance.allowed_transitions if self.instance.pk else ()
        fields: dict[str, Any] = self.fields  # typed access to the fields' own attributes
        fields["transition_to"].choices = [("", "–")] + [(s, labels[s]) for s in allowed]
        if not self.instance.pk:
            for name in ("transition_to", "transition_note", "transition_reason", "progress", *DECISION_FIELDS):
                self.fields.pop(name, None)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("city_wide") and not cleaned.get("districts"):
            self.add_error("districts", _("Bitte wählen Sie „stadtweit“ oder mindestens einen Stadtbezirk."))
        if cleaned.get("transition_to") == Recommendation.Status.REJECTED and not cleaned.get("transition_reason"):
            self.add_error(
                "transition_reason", _("Bitte geben Sie einen Grund an, warum die Empfehlung verworfen wird.")
            )
        if cleaned.get("transition_to") in Recommendation.DECIDED:
            for name in DECISION_FIELDS[:4]:
                if not cleaned.get(name):
                    self.add_error(name, _("Für einen Beschluss erforderlich."))
            if cleaned.get("decision_body_kind") in Decision.COUNCILS and not cleaned.get("decision_url"):
                self.add_error("decision_url", _("Bitte verlinken Sie die Drucksache im Ratsinformationssystem."))
        return cleaned

    def decision(self) -> services.DecisionData | None:
        data = self.cleaned_data
        if data.get("transition_to") not in Recommendation.DECIDED:
            return None
        return services.DecisionData(
            body_kind=data["decision_body_kind"],
            body_name=data["decision_body_name"],
            decided_on=data["decision_decided_on"],
            reference=data["decision_reference"],
            url=data.get("decision_url") or "",
        )


DECISION_FIELDS = (
    "decision_body_kind",
    "decision_body_name",
    "decision_decided_on",
    "decision_reference",
    "decision_url",
)


class RelatedLoadedInline(admin.TabularInline):
    """Loads the users shown in the rows and the parent (each row's title shows it) with the rows: the
    query count of the change form must not grow with the history, versions, comments or endorsements."""

    related: tuple[str, ...] = ("recommendation",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.related)


class ReadOnlyInline(RelatedLoadedInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MilestoneInline(RelatedLoadedInline):
    """Milestones of an open recommendation; once it is closed they are shown as recorded (services refuse
    changes; reaching a milestone is still recorded on the recommendation's page)."""

    model = Milestone
    extra = 0
    fields = ["title", "due_date", "done_on", "order"]

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.is_closed)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_closed)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_closed)


class VersionInline(ReadOnlyInline):
    model = RecommendationVersion
    fields = ("number", "title", "note", "created_by", "created_at")
    related = ("recommendation", "created_by")
    readonly_fields = ("number", "title", "note", "created_by", "created_at")
    verbose_name_plural = _("Fassungen (Änderungen auf der Seite „Fassungen“ der Empfehlung)")


class HistoryInline(ReadOnlyInline):
    model = HistoryEntry
    fields = ("created_at", "kind", "from_status", "to_status", "note", "actor")
    related = ("recommendation", "actor")
    readonly_fields = ("created_at", "kind", "from_status", "to_status", "note", "actor")


class CommentInline(RelatedLoadedInline):
    """Comments can be removed (moderation), not edited."""

    model = Comment
    extra = 0
    fields = ("created_at", "author", "text")
    related = ("recommendation", "author")
    readonly_fields = ("created_at", "author", "text")

    def has_add_permission(self, request, obj=None):
        return False


class EndorsementInline(ReadOnlyInline):
    model = Endorsement
    fields = ("user", "created_at")
    related = ("recommendation", "user")
    readonly_fields = ("user", "created_at")


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    form = RecommendationAdminForm
    list_display = ["title", "status", "field", "addressee", "progress", "due_date", "updated_at"]
    list_filter = ["status", "field", "addressee", "priority", "city_wide"]
    search_fields = ["title", "text", "responsible_unit"]
    filter_horizontal = ["districts"]
    # A search instead of a list of every workshop (1,500 at city scale): the admin's autocomplete.
    autocomplete_fields = ["workshops"]
    raw_id_fields = ["insights", "reflections"]
    readonly_fields = ["status", "status_changed_at", "rejection_reason", "slug", "created_by", "public_link"]
    inlines = [MilestoneInline, HistoryInline, VersionInline, CommentInline, EndorsementInline]
    fieldsets = [
        (None, {"fields": ["title", "text", "rationale", "change_note"]}),
        (
            _("Einordnung und Zuständigkeit"),
            {"fields": ["field", "addressee", "responsible_unit", "priority", "due_date", "progress"]},
        ),
        (_("Geltungsbereich"), {"fields": ["city_wide", "districts"]}),
        (_("Belege"), {"fields": ["workshops", "insights", "reflections"]}),
        (
            _("Status"),
            {
                "fields": [
                    "status",
                    "status_changed_at",
                    "rejection_reason",
                    "transition_to",
                    "transition_note",
                    "transition_reason",
                    *DECISION_FIELDS,
                ]
            },
        ),
        (_("Verwaltung"), {"fields": ["slug", "created_by", "public_link"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            hidden = {"progress", "status", "status_changed_at", "rejection_reason", "transition_to"}
            hidden |= {"transition_note", "transition_reason", "slug", "created_by", "public_link", *DECISION_FIELDS}
            return [
                (title, {"fields": [f for f in options["fields"] if f not in hidden]})
                for title, options in self.fieldsets
                if [f for f in options["fields"] if f not in hidden]
            ]
        return self.fieldsets

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_closed:  # the services refuse these changes (ADR 0011)
            readonly += [*services.WORDING_FIELDS, "progress"]
        return readonly

    @admin.display(description=_("öffentliche Seite"))
    def public_link(self, obj):
        if not obj.pk:
            return "–"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), gettext("ansehen"))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        # Read-only fields (the wording of a closed recommendation) are not in the form.
        fields = {name: data[name] for name in services.WORDING_FIELDS + services.DETAIL_FIELDS if name in data}
        try:
            if not change:
                created = services.recommendation_create(
                    **fields,
                    districts=data["districts"],
                    workshops=data["workshops"],
                    insights=data["insights"],
                    reflections=data["reflections"],
                    by=request.user,
                    note=data["change_note"],
                )
                obj.pk, obj.slug, obj.status = created.pk, created.slug, created.status
                return
            current = Recommendation.objects.get(pk=obj.pk)
            services.recommendation_update(
                recommendation=current, by=request.user, note=data["change_note"], districts=data["districts"], **fields
            )
            evidence = {}
            for name in ("workshops", "insights", "reflections"):
                if {o.pk for o in data[name]} != set(getattr(current, name).values_list("pk", flat=True)):
                    evidence[name] = data[name]
            if evidence:
                services.recommendation_set_evidence(recommendation=current, by=request.user, **evidence)
            if data.get("progress") is not None and data["progress"] != current.progress:
                services.recommendation_set_progress(recommendation=current, progress=data["progress"], by=request.user)
            if data.get("transition_to"):
                services.recommendation_transition(
                    recommendation=current,
                    to_status=data["transition_to"],
                    by=request.user,
                    note=data["transition_note"],
                    reason=data["transition_reason"],
                    decision=form.decision(),
                )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields were saved by the services in save_model (with history); only inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Comment:
            return self._save_comments(request, formset)
        if formset.model is not Milestone:
            return super().save_formset(request, form, formset, change)
        recommendation = form.instance
        # The admin's change message reads these; milestones are written by the services below.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for milestone_form in formset.forms:
            if not milestone_form.has_changed() or not milestone_form.is_valid():
                continue
            data = milestone_form.cleaned_data
            instance = milestone_form.instance
            if data.get("DELETE") and instance.pk:
                formset.deleted_objects.append(instance)
                services.milestone_remove(milestone=Milestone.objects.get(pk=instance.pk), by=request.user)
                continue
            if not instance.pk:
                added = services.milestone_add(
                    recommendation=recommendation, title=data["title"], due_date=data.get("due_date"), by=request.user
                )
                if data.get("done_on"):
                    services.milestone_complete(milestone=added, done_on=data["done_on"], by=request.user)
                formset.new_objects.append(added)
                continue
            # A fresh copy: the form's instance already carries the posted values.
            current = Milestone.objects.get(pk=instance.pk)
            services.milestone_update(
                milestone=current,
                title=data["title"],
                due_date=data.get("due_date"),
                order=data.get("order"),
                by=request.user,
            )
            formset.changed_objects.append((current, milestone_form.changed_data))
            if data.get("done_on") and not current.done_on:
                services.milestone_complete(milestone=current, done_on=data["done_on"], by=request.user)
        return None

    def _save_comments(self, request, formset) -> None:
        # Comments are read-only here; the only change is moderation's removal, through the service.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for comment_form in formset.forms:
            if comment_form.instance.pk and comment_form.cleaned_data.get("DELETE"):
                formset.deleted_objects.append(comment_form.instance)
                services.comment_remove(comment=comment_form.instance, by=request.user)


# --- report jobs ---------------------------------------------------------------------------------------------


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Art"), choices=ReportJob.Kind.choices)
    # A search field instead of a select with every workshop (1,500 at city scale), usable without JS.
    workshop = forms.CharField(
        label=_("Werkstatt"),
        required=False,
        max_length=200,
        help_text=_("Nur für die Werkstattdokumentation: Kennung oder ein Teil des Titels."),
    )

    def clean_workshop(self):
        text = self.cleaned_data["workshop"].strip()
        if not text:
            return None
        workshops = Workshop.objects.exclude(status=Workshop.Status.DRAFT).order_by("-starts_at")
        exact = workshops.filter(slug=text).first()
        if exact:
            return exact
        matches = list(workshops.filter(title__icontains=text)[:6])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise forms.ValidationError(_("Keine Werkstatt passt zu „%(text)s“.") % {"text": text})
        names = "; ".join(f"{w.title} ({w.slug})" for w in matches[:5])
        raise forms.ValidationError(
            _("Mehrere Werkstätten passen – bitte geben Sie die Kennung an: %(names)s") % {"names": names}
        )

    district = forms.ModelChoiceField(
        label=_("Stadtbezirk"),
        queryset=District.objects.order_by("number"),
        required=False,
        to_field_name="slug",
        help_text=_("Nur für den Bezirksbericht."),
    )
    start = forms.DateField(
        label=_("Zeitraum von"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Zeitraum bis"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    year = forms.IntegerField(
        label=_("Jahr"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Für die Jahresauswertung; beim Bezirksbericht statt eines Zeitraums."),
    )

    def parameters(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        if kind == ReportJob.Kind.WORKSHOP:
            return {"workshop": data["workshop"].slug if data["workshop"] else ""}
        if kind == ReportJob.Kind.DISTRICT:
            parameters = {"district": data["district"].slug if data["district"] else ""}
            if data["start"] or data["end"]:
                parameters.update(start=data["start"], end=data["end"])
            else:
                parameters["year"] = data["year"] or timezone.localdate().year
            return parameters
        if kind == ReportJob.Kind.ANNUAL:
            return {"year": data["year"] or timezone.localdate().year}
        return {}


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "progress", "requested_by", "created_at", "duration", "download"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    readonly_fields = (
        "title",
        "kind",
        "parameters",
        "status",
        "progress",
        "file",
        "error",
        "attempts",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "timings",
        "download",
    )
    fields = readonly_fields
    actions = ["retry"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Dauer"))
    def duration(self, obj):
        seconds = obj.duration_seconds
        return f"{seconds:.1f} s" if seconds is not None else "–"

    @admin.display(description=_("PDF"))
    def download(self, obj):
        if obj.status != ReportJob.Status.DONE or not obj.file:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("recommendations:report_download", args=[obj.pk]), gettext("herunterladen")
        )

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReportRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = services.report_job_request(
                    kind=form.cleaned_data["kind"], parameters=form.parameters(), by=request.user
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request, gettext("Der Bericht „%(title)s“ wird erstellt.") % {"title": job.title}, messages.SUCCESS
                )
                return redirect("admin:recommendations_reportjob_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Bericht anfordern"),
            "form": form,
            "opts": self.model._meta,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "recommendations/admin/reportjob_request.html", context)

    @admin.action(description=_("Fehlgeschlagene oder unterbrochene Berichte erneut erstellen"), permissions=["add"])
    def retry(self, request, queryset):
        count = 0
        for job in queryset.filter(status__in=[ReportJob.Status.FAILED, ReportJob.Status.STALLED]):
            services.report_job_retry(job=job, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d Bericht wird erneut erstellt.", "%(n)d Berichte werden erneut erstellt.", count)
            % {"n": count},
            messages.SUCCESS,
        )


class ContributionModerationForm(forms.ModelForm):
    hide = forms.BooleanField(
        label=_("ausblenden"),
        required=False,
        help_text=_("Der Beitrag bleibt gespeichert; öffentlich steht, dass er ausgeblendet wurde, mit dem Grund."),
    )

    class Meta:
        model = Contribution
        fields = ["hidden_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hide"].initial = bool(self.instance and self.instance.hidden_at)

    def clean(self):
        data = super().clean() or {}
        if data.get("hide") and not (data.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", gettext("Bitte geben Sie an, warum der Beitrag ausgeblendet wird."))
        return data


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    """Moderation of consultation contributions: the Fachteam hides (or shows again) a contribution with a
    public reason, through recommendations.services (audited). Contributions themselves are not edited here."""

    form = ContributionModerationForm
    list_display = ["pk", "recommendation", "kind", "author_organisation", "created_at", "hidden"]
    list_filter = ["kind", ("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "suggested_wording", "author_organisation"]
    list_select_related = ["consultation__recommendation"]
    readonly_fields = [
        "consultation",
        "author",
        "author_organisation",
        "author_role",
        "kind",
        "paragraph",
        "paragraph_text",
        "text",
        "suggested_wording",
        "hidden_at",
        "hidden_by",
    ]
    fields = [*readonly_fields[:9], "hide", "hidden_reason", "hidden_at", "hidden_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Empfehlung"))
    def recommendation(self, obj):
        return obj.consultation.recommendation

    @admin.display(description=_("ausgeblendet"), boolean=True)
    def hidden(self, obj):
        return obj.hidden_at is not None

    def save_model(self, request, obj, form, change):
        current = Contribution.objects.get(pk=obj.pk)
        try:
            if form.cleaned_data.get("hide"):
                if current.hidden_at is None or current.hidden_reason != form.cleaned_data["hidden_reason"]:
                    services.contribution_hide(
                        contribution=current, reason=form.cleaned_data["hidden_reason"], by=request.user
                    )
            elif current.hidden_at is not None:
                services.contribution_unhide(contribution=current, by=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)

    def save_related(self, request, form, formsets, change):
        """Nothing related is edited here."""

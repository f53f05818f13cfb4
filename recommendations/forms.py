from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import District
from reflections.models import Insight, Reflection
from workshops.models import Workshop

from .models import FieldOfAction, Recommendation, ReportJob
from .selectors import CITY_WIDE


class TrackerFilterForm(forms.Form):
    """The tracker's filters (GET). Drafts appear as a status option only for those who may see them."""

    q = forms.CharField(label=_("Suche"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    field = forms.ChoiceField(label=_("Handlungsfeld"), required=False)
    district = forms.ChoiceField(label=_("Stadtbezirk"), required=False)
    addressee = forms.ChoiceField(
        label=_("Adressat*in"), required=False, choices=[("", _("alle")), *list(Recommendation.Addressee.choices)]
    )

    def __init__(self, *args, show_drafts: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields  # typed access to the fields' own attributes
        statuses = [
            (value, label)
            for value, label in Recommendation.Status.choices
            if show_drafts or value != Recommendation.Status.DRAFT
        ]
        fields["status"].choices = [("", _("alle")), *statuses]
        fields["field"].choices = [("", _("alle"))] + [
            (f.slug, f.name) for f in FieldOfAction.objects.filter(is_active=True).order_by("order")
        ]
        fields["district"].choices = [("", _("alle")), (CITY_WIDE, _("stadtweit"))] + [
            (d.slug, f"{d.number}. {d.name}") for d in District.objects.order_by("number")
        ]


class RecommendationForm(forms.ModelForm):
    """Create or edit a recommendation (Fachteam). An edit of the wording becomes a new version."""

    note = forms.CharField(
        label=_("Anmerkung zur Änderung"),
        required=False,
        max_length=300,
        help_text=_("Erscheint im Verlauf, z. B. „Hinweise aus dem Netzwerk eingearbeitet“."),
    )

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
            "workshops",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "rationale": forms.Textarea(attrs={"rows": 4}),
            "districts": forms.CheckboxSelectMultiple,
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "workshops": forms.SelectMultiple(attrs={"size": 10}),
        }
        help_texts = {
            "workshops": _("Werkstätten, aus denen die Empfehlung hervorgeht (Mehrfachauswahl mit Strg bzw. Cmd)."),
            "districts": _("Nur nötig, wenn die Empfehlung nicht stadtweit gilt."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = FieldOfAction.objects.filter(is_active=True).order_by("order")
        self.fields["districts"].queryset = District.objects.order_by("number")
        self.fields["workshops"].queryset = (
            Workshop.objects.exclude(status=Workshop.Status.DRAFT).select_related("district").order_by("-starts_at")
        )
        self.fields["workshops"].label_from_instance = lambda w: (
            f"{timezone.localtime(w.starts_at):%d.%m.%Y} – {w.title} ({w.district.name})"
        )
        self.fields["workshops"].required = False
        self.fields["districts"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("city_wide") and not cleaned.get("districts"):
            self.add_error("districts", _("Bitte wählen Sie „stadtweit“ oder mindestens einen Stadtbezirk."))
        return cleaned


class EvidenceForm(forms.Form):
    """Insights and reflections from the linked workshops, chosen as evidence."""

    insights = forms.ModelMultipleChoiceField(
        label=_("Erkenntnisse"),
        queryset=Insight.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Verknüpfte Erkenntnisse erscheinen im öffentlichen Tracker als Beleg."),
    )
    reflections = forms.ModelMultipleChoiceField(
        label=_("Reflexionen (öffentliche Zusammenfassung)"),
        queryset=Reflection.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        workshop_ids = recommendation.workshops.values("pk")
        fields: dict[str, Any] = self.fields
        fields["insights"].queryset = (
            Insight.objects.filter(
                reflection__workshop__in=workshop_ids, reflection__status=Reflection.Status.SUBMITTED
            )
            .select_related("reflection__workshop")
            .order_by("reflection__workshop__starts_at", "order", "pk")
        )
        fields["insights"].label_from_instance = lambda i: f"{i.text} ({i.reflection.workshop.title})"
        fields["reflections"].queryset = (
            Reflection.objects.submitted().filter(workshop__in=workshop_ids).select_related("workshop", "author")
        )
        fields["reflections"].label_from_instance = lambda r: (
            f"{r.workshop.title}: {(r.public_summary or _('ohne öffentliche Zusammenfassung'))[:120]}"
        )
        self.initial.setdefault("insights", list(recommendation.insights.values_list("pk", flat=True)))
        self.initial.setdefault("reflections", list(recommendation.reflections.values_list("pk", flat=True)))


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Neuer Status"))
    note = forms.CharField(
        label=_("Anmerkung (öffentlich im Verlauf)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Grund für das Verwerfen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Pflicht, wenn die Empfehlung verworfen wird."),
    )

    def __init__(self, *args, recommendation: Recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Recommendation.Status.choices)
        fields: dict[str, Any] = self.fields
        fields["to_status"].choices = [(s, labels[s]) for s in recommendation.allowed_transitions]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_status") == Recommendation.Status.REJECTED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Bitte geben Sie einen Grund an, warum die Empfehlung verworfen wird."))
        return cleaned


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Fortschritt in %"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Anmerkung"), required=False, max_length=300)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Meilenstein"), max_length=200)
    due_date = forms.DateField(
        label=_("geplant bis"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Ihr Kommentar"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


# --- reports --------------------------------------------------------------------------------------------------


def _year_choices():
    this_year = timezone.localdate().year
    return [(y, str(y)) for y in range(this_year, this_year - 6, -1)]


class WorkshopReportForm(forms.Form):
    workshop = forms.ModelChoiceField(
        label=_("Werkstatt"), queryset=Workshop.objects.none(), to_field_name="slug", empty_label=_("bitte wählen")
    )

    def __init__(self, *args, workshops=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = workshops if workshops is not None else Workshop.objects.none()
        self.fields["workshop"].label_from_instance = lambda w: (
            f"{timezone.localtime(w.starts_at):%d.%m.%Y} – {w.title} ({w.district.name})"
        )

    def parameters(self) -> dict:
        return {"workshop": self.cleaned_data["workshop"].slug}


class DistrictReportForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("Stadtbezirk"), queryset=District.objects.none(), to_field_name="slug", empty_label=_("bitte wählen")
    )
    start = forms.DateField(
        label=_("Zeitraum von"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("Zeitraum bis"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts if districts is not None else District.objects.none()
        today = timezone.localdate()
        self.fields["start"].initial = today.replace(month=1, day=1)
        self.fields["end"].initial = today.replace(month=12, day=31)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("Das Ende des Zeitraums liegt vor dem Beginn."))
        return cleaned

    def parameters(self) -> dict:
        return {
            "district": self.cleaned_data["district"].slug,
            "start": self.cleaned_data["start"].isoformat(),
            "end": self.cleaned_data["end"].isoformat(),
        }


class RecommendationsReportForm(forms.Form):
    def parameters(self) -> dict:
        return {}


class AnnualReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Jahr"), coerce=int, choices=_year_choices)

    def parameters(self) -> dict:
        return {"year": self.cleaned_data["year"]}


REPORT_FORMS = {
    ReportJob.Kind.WORKSHOP: WorkshopReportForm,
    ReportJob.Kind.DISTRICT: DistrictReportForm,
    ReportJob.Kind.RECOMMENDATIONS: RecommendationsReportForm,
    ReportJob.Kind.ANNUAL: AnnualReportForm,
}

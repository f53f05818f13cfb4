from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import District
from reflections.models import Insight, Reflection
from workshops.models import Workshop

from .models import ContributionResponse, Decision, FieldOfAction, Recommendation, ReportJob
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


PICKER_LIMIT = 30


def workshop_search_filter(workshops, search: str):
    """Workshops whose title, district or venue contains every word of `search` (newest first)."""
    for word in search.split()[:5]:
        workshops = workshops.filter(
            Q(title__icontains=word) | Q(district__name__icontains=word) | Q(venue_name__icontains=word)
        )
    return workshops


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
            "workshops": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "workshops": _("Werkstätten, aus denen die Empfehlung hervorgeht. Suchen Sie, um weitere anzukreuzen."),
            "districts": _("Nur nötig, wenn die Empfehlung nicht stadtweit gilt."),
        }

    def __init__(self, *args, workshop_search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields  # typed access to the fields' own attributes
        fields["field"].queryset = FieldOfAction.objects.filter(is_active=True).order_by("order")
        fields["districts"].queryset = District.objects.order_by("number")
        allowed = (
            Workshop.objects.exclude(status=Workshop.Status.DRAFT).select_related("district").order_by("-starts_at")
        )
        fields["workshops"].queryset = allowed
        label = fields["workshops"].label_from_instance = lambda w: (
            f"{timezone.localtime(w.starts_at):%d.%m.%Y} – {w.title} ({w.district.name})"
        )
        # Offer the chosen workshops and the matches of the search (or the newest), not all of them: at city
        # scale that would be 1,500 boxes (issue 10.7). Validation still accepts every non-draft workshop.
        if self.is_bound:
            values = self.data.getlist(self.add_prefix("workshops")) if hasattr(self.data, "getlist") else []
            chosen = [v for v in values if str(v).isdigit()]
        elif self.instance.pk:
            chosen = list(self.instance.workshops.values_list("pk", flat=True))
        else:
            chosen = []
        self.workshop_search = workshop_search.strip()
        matches = workshop_search_filter(allowed, self.workshop_search).exclude(pk__in=chosen)
        limit = PICKER_LIMIT if self.workshop_search else 10
        shown = [*allowed.filter(pk__in=chosen), *matches[: limit + 1]]
        self.workshops_more = len(shown) - len(chosen) > limit
        self.workshops_limit = limit
        fields["workshops"].widget.choices = [(w.pk, label(w)) for w in shown[: len(chosen) + limit]]
        self.fields["workshops"].required = False
        self.fields["districts"].required = False

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
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

    body_kind = forms.ChoiceField(
        label=_("beschließendes Gremium"), required=False, choices=[("", "–"), *Decision.BodyKind.choices]
    )
    body_name = forms.CharField(
        label=_("Name des Gremiums"),
        required=False,
        max_length=200,
        help_text=_("z. B. Stadtbezirksrat Linden-Limmer"),
    )
    decided_on = forms.DateField(
        label=_("Datum des Beschlusses"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reference = forms.CharField(label=_("Drucksache / Aktenzeichen"), required=False, max_length=60)
    url = forms.URLField(
        label=_("Link zur Drucksache"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Pflicht bei Rat und Stadtbezirksrat."),
    )

    def __init__(self, *args, recommendation: Recommendation, statuses: tuple[str, ...] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Recommendation.Status.choices)
        fields: dict[str, Any] = self.fields
        allowed = [s for s in recommendation.allowed_transitions if statuses is None or s in statuses]
        fields["to_status"].choices = [(s, labels[s]) for s in allowed]
        if recommendation.council_reference:
            fields["reference"].initial = recommendation.council_reference

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("to_status") == Recommendation.Status.REJECTED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Bitte geben Sie einen Grund an, warum die Empfehlung verworfen wird."))
        if cleaned.get("to_status") in Recommendation.DECIDED:
            for name in ("body_kind", "body_name", "decided_on", "reference"):
                if not cleaned.get(name):
                    self.add_error(name, _("Für einen Beschluss erforderlich."))
            if cleaned.get("body_kind") in Decision.COUNCILS and not cleaned.get("url"):
                self.add_error("url", _("Bitte verlinken Sie die Drucksache im Ratsinformationssystem."))
        return cleaned

    def decision(self):
        from .services import DecisionData

        data = self.cleaned_data
        if data.get("to_status") not in Recommendation.DECIDED:
            return None
        return DecisionData(
            body_kind=data["body_kind"],
            body_name=data["body_name"],
            decided_on=data["decided_on"],
            reference=data["reference"],
            url=data.get("url") or "",
        )


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Fortschritt in %"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Anmerkung"), required=False, max_length=300)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Meilenstein"), max_length=200)
    due_date = forms.DateField(
        label=_("geplant bis"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class OwnerUpdateForm(forms.Form):
    """Owners' update in the workspace: progress and the public statement (Stellungnahme)."""

    progress = forms.IntegerField(label=_("Fortschritt in %"), min_value=0, max_value=100)
    statement = forms.CharField(
        label=_("Stellungnahme (öffentlich)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Was ist geschehen, was folgt als Nächstes? Wird öffentlich angezeigt."),
    )
    due_date = forms.DateField(
        label=_("Frist"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Anmerkung zum Verlauf"), required=False, max_length=300)


class CloseCommitmentForm(forms.Form):
    """Mark a commitment done or drop it (with a public reason)."""

    outcome = forms.ChoiceField(
        label=_("Abschluss"),
        choices=[("done", _("erledigt")), ("dropped", _("verworfen"))],
    )
    reason = forms.CharField(
        label=_("Begründung (öffentlich)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pflicht, wenn die Vereinbarung verworfen wird."),
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == "dropped" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Bitte begründen Sie öffentlich, warum die Vereinbarung verworfen wird."))
        return cleaned


class AssignForm(forms.Form):
    """The Fachteam names the responsible unit and people (e.g. when someone left the city)."""

    unit: forms.ModelChoiceField = forms.ModelChoiceField(label=_("zuständige Stelle"), required=False, queryset=None)
    owners: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("verantwortliche Personen"),
        required=False,
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    note = forms.CharField(label=_("Anmerkung zum Verlauf"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        from accounts.models import OrganisationUnit

        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["unit"].queryset = OrganisationUnit.objects.filter(is_active=True)
        fields["owners"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_staff=True) | Q(groups__isnull=False) | Q(organisation_units__isnull=False))
            .distinct()
            .order_by("name", "email")
        )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Ihr Kommentar"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    text = forms.CharField(label=_("Ihr Vorschlag"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6}))
    rationale = forms.CharField(
        label=_("Begründung (optional)"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field = forms.ModelChoiceField(label=_("Handlungsfeld"), queryset=FieldOfAction.objects.filter(is_active=True))


class ProposalAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Antwort"),
        choices=[("accept", _("in die Ausarbeitung übernehmen")), ("decline", _("nicht übernehmen"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Begründung / Nachricht an die vorschlagende Person"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pflicht, wenn der Vorschlag nicht übernommen wird."),
    )


class ConsultationForm(forms.Form):
    starts_on = forms.DateField(label=_("Beginn"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(
        label=_("Ende (einschließlich)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Art des Beitrags"),
        choices=[
            ("comment", _("Kommentar")),
            ("suggestion", _("Formulierungsvorschlag")),
        ],
    )
    paragraph = forms.TypedChoiceField(label=_("Bezug"), coerce=int, empty_value=None, required=False)
    text = forms.CharField(
        label=_("Ihr Beitrag"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    suggested_wording = forms.CharField(
        label=_("Vorgeschlagene Formulierung"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nur bei einem Formulierungsvorschlag."),
    )

    def __init__(self, *args, paragraphs: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("der ganze Text"))]
        choices += [
            (str(n), _("Absatz %(n)s: %(start)s …") % {"n": n, "start": p[:60]}) for n, p in enumerate(paragraphs, 1)
        ]
        paragraph_field = self.fields["paragraph"]
        assert isinstance(paragraph_field, forms.TypedChoiceField)  # nosec B101
        paragraph_field.choices = choices


class ContributionResponseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Ergebnis"), choices=ContributionResponse.Outcome.choices)
    reason = forms.CharField(
        label=_("Begründung (öffentlich)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- reports --------------------------------------------------------------------------------------------------


def _year_choices():
    this_year = timezone.localdate().year
    return [(y, str(y)) for y in range(this_year, this_year - 6, -1)]


class WorkshopReportForm(forms.Form):
    workshop = forms.ModelChoiceField(
        label=_("Werkstatt"), queryset=Workshop.objects.none(), to_field_name="slug", empty_label=_("bitte wählen")
    )

    def __init__(self, *args, workshops=None, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields  # typed access to the fields' own attributes
        allowed = workshops if workshops is not None else Workshop.objects.none()
        # Validation accepts every workshop the user may report on; the list offers the matches of the search
        # (or the newest) only: at city scale a select with every workshop is unusable (issue 10.7).
        fields["workshop"].queryset = allowed
        label = fields["workshop"].label_from_instance = lambda w: (
            f"{timezone.localtime(w.starts_at):%d.%m.%Y} – {w.title} ({w.district.name})"
        )
        self.search = search.strip()
        self.matches = workshop_search_filter(allowed, self.search)
        shown = list(self.matches[: PICKER_LIMIT + 1])
        self.more = len(shown) > PICKER_LIMIT
        self.limit = PICKER_LIMIT
        shown = shown[:PICKER_LIMIT]
        chosen = self.data.get(self.add_prefix("workshop")) if self.is_bound else None
        if chosen and all(w.slug != chosen for w in shown):
            shown = [*allowed.filter(slug=chosen)[:1], *shown]
        fields["workshop"].widget.choices = [("", fields["workshop"].empty_label), *((w.slug, label(w)) for w in shown)]

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
        fields: dict[str, Any] = self.fields  # typed access to the fields' own attributes
        fields["district"].queryset = districts if districts is not None else District.objects.none()
        today = timezone.localdate()
        self.fields["start"].initial = today.replace(month=1, day=1)
        self.fields["end"].initial = today  # the default period ends today: planned workshops are no results

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
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
    # One Handlungsfeld in full, or all of them (above REPORT_LIST_LIMIT as tables per field; ADR 0020).
    field = forms.ModelChoiceField(
        label=_("Handlungsfeld"),
        queryset=FieldOfAction.objects.order_by("order", "name"),
        to_field_name="slug",
        required=False,
        empty_label=_("alle Handlungsfelder"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].help_text = _(
            "Ein Handlungsfeld: seine Empfehlungen im Volltext. Alle Handlungsfelder: im Volltext bis %(limit)s "
            "Empfehlungen, darüber eine Tabelle je Handlungsfeld."
        ) % {"limit": settings.REPORT_LIST_LIMIT}

    def parameters(self) -> dict:
        field_of_action = self.cleaned_data.get("field")
        return {"field": field_of_action.slug} if field_of_action else {}


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

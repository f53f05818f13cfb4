"""Forms of the planning workspace (phone-friendly: native date/time inputs, one column)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import CheckedManagementFormSet
from core.validators import PlainTextFormMixin
from districts.models import District
from workshops.models import Method, WorkshopTeamMember

from .models import ConceptVersion, FacilitationRole, Venue


def _aware(day: Any, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


PLANNING_HORIZON_YEARS = 10


def validate_plannable_day(day: date) -> None:
    """A workshop day within the next ten years: later days are typos, and near the end of the calendar
    (9999-12-31) adding the duration or the checklist's offsets would overflow."""
    if day > timezone.localdate() + timedelta(days=365 * PLANNING_HORIZON_YEARS):
        raise forms.ValidationError(
            _("Bitte wählen Sie ein Datum in den nächsten %(years)s Jahren."),
            code="too_far",
            params={"years": PLANNING_HORIZON_YEARS},
        )


class PlanForm(PlainTextFormMixin, forms.Form):
    """Start a plan: concept version, district, date and time, venue; title and capacity optional."""

    concept_version = forms.ModelChoiceField(
        label=_("Werkstattkonzept (Version)"), queryset=ConceptVersion.objects.none()
    )
    district = forms.ModelChoiceField(label=_("Stadtbezirk"), queryset=District.objects.none())
    title = forms.CharField(label=_("Titel"), max_length=200, required=False, help_text=_("Leer: Titel des Konzepts."))
    day = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plannable_day],
    )
    start = forms.TimeField(label=_("Beginn"), widget=forms.TimeInput(attrs={"type": "time"}))
    venue = forms.ModelChoiceField(
        label=_("Ort"),
        queryset=Venue.objects.none(),
        required=False,
        help_text=_("Orte mit Angaben zur Barrierefreiheit."),
    )
    capacity = forms.IntegerField(label=_("Plätze"), min_value=1, max_value=500, required=False)

    def __init__(self, *args: Any, districts: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["concept_version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["concept_version"].label_from_instance = lambda v: f"{v.concept.title} – Version {v.number}"  # type: ignore[attr-defined]
        self.fields["venue"].queryset = Venue.objects.filter(  # type: ignore[attr-defined]
            is_active=True, district__in=districts
        ).select_related("district")
        self.fields["venue"].label_from_instance = _venue_label  # type: ignore[attr-defined]

    @property
    def starts_at(self) -> datetime:
        return _aware(self.cleaned_data["day"], self.cleaned_data["start"])


def _venue_label(venue: Venue) -> str:
    facts = []
    if venue.step_free:
        facts.append(str(_("stufenlos")))
    if venue.accessible_toilet:
        facts.append(str(_("barrierefreies WC")))
    if venue.induction_loop:
        facts.append(str(_("Induktionsschleife")))
    suffix = f" ({', '.join(facts)})" if facts else f" ({_('nicht barrierefrei')})"
    return f"{venue.name}, {venue.district.name}{suffix}"


class PlanEditForm(PlainTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(label=_("Einladungstext"), widget=forms.Textarea(attrs={"rows": 5}))
    day = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plannable_day],
    )
    start = forms.TimeField(label=_("Beginn"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Ende"), widget=forms.TimeInput(attrs={"type": "time"}))
    venue = forms.ModelChoiceField(label=_("Ort"), queryset=Venue.objects.none(), required=False)
    capacity = forms.IntegerField(label=_("Plätze"), min_value=1, max_value=500)

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(  # type: ignore[attr-defined]
            is_active=True, district=district
        ).select_related("district")
        self.fields["venue"].label_from_instance = _venue_label  # type: ignore[attr-defined]

    @property
    def starts_at(self) -> datetime:
        return _aware(self.cleaned_data["day"], self.cleaned_data["start"])

    @property
    def ends_at(self) -> datetime:
        return _aware(self.cleaned_data["day"], self.cleaned_data["end"])


class DuplicateForm(forms.Form):
    day = forms.DateField(
        label=_("Neues Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plannable_day],
    )
    start = forms.TimeField(label=_("Beginn"), widget=forms.TimeInput(attrs={"type": "time"}))

    @property
    def starts_at(self) -> datetime:
        return _aware(self.cleaned_data["day"], self.cleaned_data["start"])


class AgendaItemForm(PlainTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Programmpunkt"), max_length=200)
    duration_minutes = forms.IntegerField(label=_("Minuten"), min_value=1, max_value=600)
    method = forms.ModelChoiceField(label=_("Methode"), queryset=Method.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].queryset = Method.objects.filter(is_published=True)  # type: ignore[attr-defined]


AgendaFormSet = forms.formset_factory(
    AgendaItemForm,
    formset=CheckedManagementFormSet,
    extra=1,
    can_delete=True,
    max_num=50,
    absolute_max=60,
    validate_max=True,
)


class TeamMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse der Person (mit Konto)"))
    role = forms.ChoiceField(label=_("Rolle im Team"), choices=WorkshopTeamMember.Role.choices)

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Zu dieser Adresse gibt es kein Konto."))
        return user


class TextForm(PlainTextFormMixin, forms.Form):
    text = forms.CharField(label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RecordForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Rolle"), choices=FacilitationRole.choices)


class CoachingNoteForm(PlainTextFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Für"), queryset=User.objects.none())
    text = forms.CharField(label=_("Coaching-Notiz"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class ChangePointForm(PlainTextFormMixin, forms.Form):
    text = forms.CharField(label=_("Was ändern wir beim nächsten Mal?"), widget=forms.Textarea(attrs={"rows": 3}))

"""Forms of the reflection workspace and the participant survey.

The reflection form is one HTML form made of several Django forms (main fields, one rating form per
criterion, three formsets for methods, insights and commitments). Rows are added and removed by submit
buttons, so everything works without JavaScript."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from workshops.models import Method

from .models import Commitment, FeedbackResponse, QualityCriterion, ResultPhoto

CRITERION_SCALE = [
    ("1", _("1 – gar nicht erfüllt")),
    ("2", _("2 – kaum erfüllt")),
    ("3", _("3 – teilweise erfüllt")),
    ("4", _("4 – weitgehend erfüllt")),
    ("5", _("5 – voll erfüllt")),
]
AGREEMENT_SCALE = [
    ("1", _("trifft gar nicht zu")),
    ("2", _("trifft eher nicht zu")),
    ("3", _("teils, teils")),
    ("4", _("trifft eher zu")),
    ("5", _("trifft voll zu")),
]
SATISFACTION_SCALE = [
    ("1", _("sehr unzufrieden")),
    ("2", _("eher unzufrieden")),
    ("3", _("teils, teils")),
    ("4", _("eher zufrieden")),
    ("5", _("sehr zufrieden")),
]
METHOD_SCALE = [("", _("– keine Bewertung –")), *CRITERION_SCALE]


def _int_or_none(value) -> int | None:
    return int(value) if value not in (None, "") else None


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReflectionForm(forms.Form):
    attendance_count = forms.IntegerField(
        label=_("Wie viele Menschen haben tatsächlich teilgenommen?"),
        min_value=0,
        max_value=10000,
        required=False,
        help_text=_("Vorausgefüllt aus dem Einlass; bitte korrigieren Sie die Zahl, falls nötig."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    what_worked = forms.CharField(label=_("Was hat gut funktioniert?"), required=False, widget=_textarea(4))
    what_did_not = forms.CharField(label=_("Was hat nicht funktioniert?"), required=False, widget=_textarea(4))
    surprises = forms.CharField(label=_("Was hat Sie überrascht?"), required=False, widget=_textarea(3))
    not_reached = forms.CharField(
        label=_("Wen haben wir nicht erreicht?"),
        required=False,
        widget=_textarea(3),
        help_text=_("Welche Gruppen aus dem Stadtteil fehlten – und was könnte helfen, sie zu erreichen?"),
    )
    public_summary = forms.CharField(
        label=_("Öffentliche Zusammenfassung"),
        required=False,
        widget=_textarea(6),
        help_text=_(
            "Erscheint auf der öffentlichen Dokumentationsseite der Werkstatt. Sie schreiben sie als Leitung "
            "für das ganze Team. Bitte keine Namen von Teilnehmer*innen."
        ),
    )
    internal_notes = forms.CharField(
        label=_("Interne Notizen"),
        required=False,
        widget=_textarea(3),
        help_text=_("Nur für das Team, das Fachteam und das Bezirksmanagement sichtbar."),
    )

    def __init__(self, *args, is_lead: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_lead:
            del self.fields["public_summary"]


class CriterionRatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("Bewertung"), choices=CRITERION_SCALE, required=False, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Notiz"), required=False, widget=_textarea(2))

    def __init__(self, *args, criterion: QualityCriterion, **kwargs):
        self.criterion = criterion
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("Notiz zu „%(name)s“") % {"name": criterion.name}

    def clean_rating(self):
        return _int_or_none(self.cleaned_data.get("rating"))


class MethodUseForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    method = forms.ModelChoiceField(
        label=_("Methode"),
        queryset=Method.objects.none(),
        required=False,
        empty_label=_("– Methode wählen –"),
    )
    how_it_worked = forms.CharField(label=_("Wie hat sie funktioniert?"), required=False, widget=_textarea(2))
    rating = forms.ChoiceField(label=_("Bewertung der Methode"), choices=METHOD_SCALE, required=False)

    def __init__(self, *args, methods=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].queryset = methods if methods is not None else Method.objects.all()

    def clean_rating(self):
        return _int_or_none(self.cleaned_data.get("rating"))

    def clean(self):
        data = super().clean()
        if not data.get("method") and (data.get("how_it_worked") or "").strip():
            self.add_error("method", _("Bitte wählen Sie die Methode aus."))
        return data


class InsightForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Erkenntnis"),
        required=False,
        widget=_textarea(3),
        help_text=_("Eine Erkenntnis pro Eintrag – sie kann später mit Handlungsempfehlungen verknüpft werden."),
    )


class CommitmentForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    what = forms.CharField(label=_("Was wurde vereinbart?"), required=False, widget=_textarea(2))
    who = forms.CharField(label=_("Wer? (Person oder Stelle)"), required=False, max_length=200)
    due_date = forms.DateField(
        label=_("Bis wann?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    status = forms.ChoiceField(
        label=_("Stand"), choices=Commitment.Status.choices, initial=Commitment.Status.OPEN, required=False
    )
    public = forms.BooleanField(label=_("öffentlich zeigen"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        has_other = (data.get("who") or "").strip() or data.get("due_date")
        if has_other and not (data.get("what") or "").strip():
            self.add_error("what", _("Bitte beschreiben Sie, was vereinbart wurde."))
        if (data.get("what") or "").strip() and not (data.get("who") or "").strip():
            self.add_error("who", _("Bitte nennen Sie, wer die Vereinbarung übernimmt."))
        return data


MethodUseFormSet = formset_factory(MethodUseForm, extra=0, max_num=50, absolute_max=60, validate_max=True)
InsightFormSet = formset_factory(InsightForm, extra=0, max_num=50, absolute_max=60, validate_max=True)
CommitmentFormSet = formset_factory(CommitmentForm, extra=0, max_num=50, absolute_max=60, validate_max=True)


class ResultPhotoForm(forms.ModelForm):
    class Meta:
        model = ResultPhoto
        fields = ["image", "alt_text", "caption", "is_public"]
        widgets = {"image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})}

    def clean_alt_text(self):
        value = (self.cleaned_data.get("alt_text") or "").strip()
        if not value:
            raise forms.ValidationError(_("Bitte beschreiben Sie, was auf dem Foto zu sehen ist."))
        return value

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and image.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("Das Foto ist zu groß (höchstens 10 MB)."))
        return image


class FeedbackForm(forms.Form):
    """The anonymous participant survey. Only the first question is required."""

    overall = forms.ChoiceField(
        label=_("Wie zufrieden waren Sie insgesamt mit der Werkstatt?"),
        choices=SATISFACTION_SCALE,
        widget=forms.RadioSelect,
    )
    felt_heard = forms.ChoiceField(
        label=_("Ich habe mich mit meinen Anliegen gehört gefühlt."),
        choices=AGREEMENT_SCALE,
        widget=forms.RadioSelect,
        required=False,
    )
    knows_next_steps = forms.ChoiceField(
        label=_("Ich weiß, was mit den Ergebnissen passiert."),
        choices=AGREEMENT_SCALE,
        widget=forms.RadioSelect,
        required=False,
    )
    would_return = forms.ChoiceField(
        label=_("Würden Sie wieder an einer Bezirkswerkstatt teilnehmen?"),
        choices=FeedbackResponse.Again.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("Möchten Sie uns noch etwas mitteilen?"),
        required=False,
        max_length=3000,
        widget=_textarea(4),
        help_text=_("Bitte nennen Sie keine Namen. Ihr Kommentar ist nur für das Team und das Fachteam sichtbar."),
    )

    def __init__(self, *args, criteria: list[QualityCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.feedback_statement or criterion.name,
                choices=AGREEMENT_SCALE,
                widget=forms.RadioSelect,
                required=False,
            )

    @property
    def criterion_fields(self):
        return [self[f"criterion_{c.pk}"] for c in self.criteria]

    @property
    def radio_fields(self):
        return [self["overall"], self["felt_heard"], self["knows_next_steps"], *self.criterion_fields]

    def answers(self):
        from .services import FeedbackAnswers

        data = self.cleaned_data
        return FeedbackAnswers(
            overall=_int_or_none(data.get("overall")),
            felt_heard=_int_or_none(data.get("felt_heard")),
            knows_next_steps=_int_or_none(data.get("knows_next_steps")),
            would_return=data.get("would_return") or "",
            criteria={
                c.pk: _int_or_none(data.get(f"criterion_{c.pk}"))
                for c in self.criteria
                if data.get(f"criterion_{c.pk}")
            },
            comment=data.get("comment") or "",
        )


class DashboardFilterForm(forms.Form):
    bezirk = forms.ChoiceField(label=_("Stadtbezirk"), required=False)
    von = forms.DateField(label=_("von"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    bis = forms.DateField(label=_("bis"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, districts, allow_all: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(d.slug, d.name) for d in districts]
        if allow_all:
            choices = [("", _("alle Stadtbezirke")), *choices]
        self.fields["bezirk"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("von") and data.get("bis") and data["von"] > data["bis"]:
            self.add_error("bis", _("Das Ende liegt vor dem Anfang."))
        return data

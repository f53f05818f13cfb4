"""Forms of the reflection workspace and the participant survey.

The reflection form is one HTML form made of several Django forms (main fields, one rating form per
criterion, three formsets for methods, insights and commitments). Rows are added and removed by submit
buttons, so everything works without JavaScript."""

from typing import Any

from django import forms
from django.forms import formset_factory
from django.forms.utils import ErrorDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import CheckedManagementFormSet
from core.images import InvalidImage, image_reencode
from core.validators import PlainTextFormMixin
from workshops.models import Method, Workshop

from . import services
from .models import (
    Commitment,
    FeedbackResponse,
    FollowUpReflection,
    QualityCriterion,
    Reflection,
    ResultPhoto,
    ReviewComment,
)

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


class ReflectionForm(PlainTextFormMixin, forms.Form):
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


class PerspectiveForm(PlainTextFormMixin, forms.Form):
    """The short form of Politik, Fachbereich, district office, experts and network partners (issue 12)."""

    take_back = forms.CharField(
        label=_("Was nehme ich in meine Organisation mit?"),
        required=False,
        widget=_textarea(5),
        help_text=_(
            "Zum Beispiel eine Idee, eine Frage oder eine Aufgabe für Ihre Stelle, Ihre Fraktion oder Ihren Verein."
        ),
    )


def short_question(criterion: QualityCriterion) -> str:
    """The short question of a criterion for the perspective form: its first guiding question, else its name."""
    questions = criterion.guiding_question_list
    return questions[0] if questions else criterion.name


class CriterionRatingForm(PlainTextFormMixin, forms.Form):
    rating = forms.ChoiceField(label=_("Bewertung"), choices=CRITERION_SCALE, required=False, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Notiz"), required=False, widget=_textarea(2))

    def __init__(self, *args, criterion: QualityCriterion, short: bool = False, **kwargs):
        self.criterion = criterion
        self.short_question = short_question(criterion)
        super().__init__(*args, **kwargs)
        if short:
            self.fields["note"].label = _("Ihre Antwort auf: %(question)s") % {"question": self.short_question}
        else:
            self.fields["note"].label = _("Notiz zu „%(name)s“") % {"name": criterion.name}

    def clean_rating(self):
        return _int_or_none(self.cleaned_data.get("rating"))


class MethodUseForm(PlainTextFormMixin, forms.Form):
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
        fields: dict[str, Any] = self.fields  # typed access to the fields' own attributes
        fields["method"].queryset = methods if methods is not None else Method.objects.all()

    def clean_rating(self):
        return _int_or_none(self.cleaned_data.get("rating"))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("method") and (data.get("how_it_worked") or "").strip():
            self.add_error("method", _("Bitte wählen Sie die Methode aus."))
        return data


class InsightForm(PlainTextFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Erkenntnis"),
        required=False,
        widget=_textarea(3),
        help_text=_("Eine Erkenntnis pro Eintrag – sie kann später mit Handlungsempfehlungen verknüpft werden."),
    )
    public = forms.BooleanField(
        label=_("öffentlich als Beleg zeigen"),
        required=False,
        help_text=_("Nur öffentliche Erkenntnisse erscheinen bei Handlungsempfehlungen, in der API und in PDFs."),
    )


class CommitmentForm(PlainTextFormMixin, forms.Form):
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
        super().clean()
        data = self.cleaned_data
        has_other = (data.get("who") or "").strip() or data.get("due_date")
        if has_other and not (data.get("what") or "").strip():
            self.add_error("what", _("Bitte beschreiben Sie, was vereinbart wurde."))
        if (data.get("what") or "").strip() and not (data.get("who") or "").strip():
            self.add_error("who", _("Bitte nennen Sie, wer die Vereinbarung übernimmt."))
        return data


def _row_formset(form: type[forms.Form]):
    return formset_factory(
        form, formset=CheckedManagementFormSet, extra=0, max_num=50, absolute_max=60, validate_max=True
    )


MethodUseFormSet = _row_formset(MethodUseForm)
InsightFormSet = _row_formset(InsightForm)
CommitmentFormSet = _row_formset(CommitmentForm)


class ResultPhotoForm(PlainTextFormMixin, forms.ModelForm):
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
        if image:
            try:
                image_reencode(image)  # the same checks the service applies (type by content, bytes, pixels)
            except InvalidImage as error:
                raise forms.ValidationError(error.message, code=error.code) from error
            image.seek(0)
        return image


class FeedbackForm(PlainTextFormMixin, forms.Form):
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
            criteria={c.pk: int(data[f"criterion_{c.pk}"]) for c in self.criteria if data.get(f"criterion_{c.pk}")},
            comment=data.get("comment") or "",
        )


class DashboardFilterForm(forms.Form):
    bezirk = forms.ChoiceField(label=_("Stadtbezirk"), required=False)
    von = forms.DateField(
        label=_("von"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    bis = forms.DateField(
        label=_("bis"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, districts, allow_all: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(d.slug, d.name) for d in districts]
        if allow_all:
            choices = [("", _("alle Stadtbezirke")), *choices]
        fields: dict[str, Any] = self.fields  # typed access to the fields' own attributes
        fields["bezirk"].choices = choices

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("von") and data.get("bis") and data["von"] > data["bis"]:
            self.add_error("bis", _("Das Ende liegt vor dem Anfang."))
        return data


# --- the reflection page as one bundle of forms ------------------------------------------------------------


class ReflectionFormBundle:
    """The forms that make up one reflection page, bound to POST data or filled from the database."""

    def __init__(
        self,
        *,
        workshop: Workshop,
        reflection: Reflection | None,
        is_lead: bool,
        data=None,
        extra: dict[str, int] | None = None,
        perspective: bool = False,
    ):
        self.workshop = workshop
        self.reflection = reflection
        self.is_lead = is_lead and not perspective
        self.perspective = perspective
        extra = extra or {}
        if reflection is not None:
            ratings = list(
                reflection.ratings.select_related("criterion").order_by("criterion__order", "criterion__name")
            )
            criteria = [r.criterion for r in ratings]
            rating_initial = {r.criterion_id: {"rating": str(r.rating or ""), "note": r.note} for r in ratings}
            main_initial = {
                name: getattr(reflection, name)
                for name in (
                    "attendance_count",
                    "what_worked",
                    "what_did_not",
                    "surprises",
                    "not_reached",
                    "internal_notes",
                    "public_summary",
                    "take_back",
                )
            }
            methods_initial: list[dict[str, Any]] = [
                {"id": m.pk, "method": m.method_id, "how_it_worked": m.how_it_worked, "rating": str(m.rating or "")}
                for m in reflection.method_uses.all().order_by("pk")
            ]
            insights_initial = [{"id": i.pk, "text": i.text, "public": i.public} for i in reflection.insights.all()]
            commitments_initial = [
                {
                    "id": c.pk,
                    "what": c.what,
                    "who": c.who,
                    "due_date": c.due_date,
                    "status": c.status,
                    "public": c.public,
                }
                for c in reflection.commitments.all()
            ]
        else:
            criteria = list(QualityCriterion.objects.active())
            rating_initial = {}
            main_initial = {"attendance_count": services.checked_in_count(workshop=workshop)}
            method_ids = list(
                dict.fromkeys(workshop.agenda.filter(method__isnull=False).values_list("method_id", flat=True))
            )
            methods_initial = [{"method": pk} for pk in method_ids]
            insights_initial, commitments_initial = [], []
        self.criteria = criteria
        used_method_ids = [m["method"] for m in methods_initial if m.get("method")]
        self.methods = Method.objects.filter(pk__in=used_method_ids) | Method.objects.filter(is_published=True)
        self.methods = self.methods.distinct().order_by("name")
        bound = data is not None
        self.main: forms.Form
        if perspective:
            self.main = PerspectiveForm(data, initial=main_initial, prefix="main")
        else:
            self.main = ReflectionForm(data, initial=main_initial, is_lead=self.is_lead, prefix="main")
        self.ratings = [
            CriterionRatingForm(
                data,
                criterion=c,
                short=perspective,
                prefix=f"criterion-{c.pk}",
                initial=rating_initial.get(c.pk, {}),
            )
            for c in criteria
        ]
        if not bound:
            methods_initial += [{}] * extra.get("methods", 0)
            insights_initial += [{}] * (extra.get("insights", 0) + (0 if insights_initial else 1))
            commitments_initial += [{"status": "open", "public": True}] * (
                extra.get("commitments", 0) + (0 if commitments_initial else 1)
            )
        self.method_formset = MethodUseFormSet(
            data, initial=methods_initial, prefix="methods", form_kwargs={"methods": self.methods}
        )
        self.insight_formset = InsightFormSet(data, initial=insights_initial, prefix="insights")
        self.commitment_formset = CommitmentFormSet(data, initial=commitments_initial, prefix="commitments")

    @property
    def formsets(self):
        if self.perspective:
            return []
        return [self.method_formset, self.insight_formset, self.commitment_formset]

    def is_valid(self) -> bool:
        results = [self.main.is_valid(), *[f.is_valid() for f in self.ratings], *[f.is_valid() for f in self.formsets]]
        return all(results)

    def to_data(self) -> services.ReflectionData:
        main = self.main.cleaned_data
        if self.perspective:
            return services.ReflectionData(
                take_back=main.get("take_back", ""),
                ratings=self._rating_data(),
            )
        return services.ReflectionData(
            attendance_count=main.get("attendance_count"),
            what_worked=main.get("what_worked", ""),
            what_did_not=main.get("what_did_not", ""),
            surprises=main.get("surprises", ""),
            not_reached=main.get("not_reached", ""),
            internal_notes=main.get("internal_notes", ""),
            public_summary=main.get("public_summary") if self.is_lead else None,
            ratings=self._rating_data(),
            method_uses=[
                services.MethodUseData(
                    id=f.cleaned_data.get("id"),
                    method_id=f.cleaned_data["method"].pk if f.cleaned_data.get("method") else 0,
                    how_it_worked=f.cleaned_data.get("how_it_worked", ""),
                    rating=f.cleaned_data.get("rating"),
                )
                for f in self.method_formset.forms
            ],
            insights=[
                services.InsightData(
                    id=f.cleaned_data.get("id"),
                    text=f.cleaned_data.get("text", ""),
                    public=bool(f.cleaned_data.get("public")),
                )
                for f in self.insight_formset.forms
            ],
            commitments=[
                services.CommitmentData(
                    id=f.cleaned_data.get("id"),
                    what=f.cleaned_data.get("what", ""),
                    who=f.cleaned_data.get("who", ""),
                    due_date=f.cleaned_data.get("due_date"),
                    status=f.cleaned_data.get("status") or "open",
                    public=bool(f.cleaned_data.get("public")),
                )
                for f in self.commitment_formset.forms
            ],
        )

    def _rating_data(self) -> list[services.RatingData]:
        return [
            services.RatingData(
                criterion_id=form.criterion.pk,
                rating=form.cleaned_data.get("rating"),
                note=form.cleaned_data.get("note", ""),
            )
            for form in self.ratings
        ]

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(input id, label, message) for every error, in page order."""
        items = []

        def add(form, name):
            for error in form.errors.get(name, []):
                field = form[name]
                items.append((field.auto_id or "", str(field.label), error))

        for name in self.main.fields:
            add(self.main, name)
        for form in self.ratings:
            for error in form.errors.get("rating", []):
                items.append((f"{form.prefix}-rating-legend", form.criterion.name, error))
            add(form, "note")
        for formset in self.formsets:
            for form in formset.forms:
                for name in form.fields:
                    add(form, name)
            for error in formset.non_form_errors():
                items.append(("", "", error))
        return items

    def mark_missing(self, reflection: Reflection) -> None:
        """Show what blocks submitting as field errors on the (unbound) forms."""
        required = gettext("Bitte ausfüllen, bevor Sie die Reflexion abgeben.")
        if reflection.attendance_count is None and not self.perspective:
            _set_error(self.main, "attendance_count", required)
        rated = dict(reflection.ratings.values_list("criterion_id", "rating"))
        for form in self.ratings:
            if rated.get(form.criterion.pk) is None:
                _set_error(form, "rating", gettext("Bitte wählen Sie eine Bewertung von 1 bis 5."))
        if self.is_lead and not reflection.public_summary.strip():
            _set_error(self.main, "public_summary", required)


def _set_error(form, name: str, message: str) -> None:
    if form._errors is None:
        form._errors = ErrorDict()
    form._errors.setdefault(name, form.error_class()).append(message)


class DebriefForm(PlainTextFormMixin, forms.Form):
    agreed_insights = forms.CharField(
        label=_("Gemeinsame Erkenntnisse"),
        required=False,
        max_length=10000,
        widget=_textarea(6),
        help_text=_("Was hat das Team in der Nachbesprechung gemeinsam festgehalten? Eine Erkenntnis pro Zeile."),
    )


class FollowUpForm(PlainTextFormMixin, forms.Form):
    commitments_kept = forms.ChoiceField(
        label=_("Wurden die Vereinbarungen eingehalten?"),
        choices=FollowUpReflection.Kept.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie eine Antwort.")},
    )
    commitments_note = forms.CharField(
        label=_("Anmerkungen zu den Vereinbarungen"), required=False, max_length=5000, widget=_textarea(3)
    )
    what_changed = forms.CharField(
        label=_("Was hat sich seit der Werkstatt verändert?"), required=False, max_length=5000, widget=_textarea(4)
    )
    what_did_not = forms.CharField(
        label=_("Was hat sich nicht verändert?"), required=False, max_length=5000, widget=_textarea(4)
    )

    def to_data(self):
        data = self.cleaned_data
        return services.FollowUpData(
            commitments_kept=data["commitments_kept"],
            commitments_note=data.get("commitments_note", ""),
            what_changed=data.get("what_changed", ""),
            what_did_not=data.get("what_did_not", ""),
        )


class ReviewCommentForm(PlainTextFormMixin, forms.Form):
    """An attendee's hint on the draft documentation (plain text; shown escaped)."""

    kind = forms.ChoiceField(
        label=_("Art Ihres Hinweises"),
        choices=ReviewComment.Kind.choices,
        initial=ReviewComment.Kind.COMMENT,
        widget=forms.RadioSelect,
    )
    target = forms.ChoiceField(label=_("Worauf bezieht sich Ihr Hinweis?"), required=False)
    text = forms.CharField(
        label=_("Ihr Hinweis"),
        max_length=3000,
        widget=_textarea(5),
        error_messages={"required": _("Bitte schreiben Sie Ihren Hinweis.")},
        help_text=_("Bitte nennen Sie keine Namen anderer Teilnehmer*innen. Nur die Moderation liest Ihren Hinweis."),
    )

    def __init__(self, *args, commitments, **kwargs):
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["target"].choices = [
            ("", gettext("die Zusammenfassung")),
            *[(str(c.pk), gettext("Vereinbarung: %(what)s") % {"what": c.what[:80]}) for c in commitments],
        ]

    def commitment_id(self) -> int | None:
        value = self.cleaned_data.get("target") or ""
        return int(value) if value.isascii() and value.isdigit() else None


class ReviewAnswerForm(PlainTextFormMixin, forms.Form):
    answer = forms.CharField(label=_("Ihre Antwort"), max_length=3000, widget=_textarea(3))


class SummaryReviseForm(PlainTextFormMixin, forms.Form):
    public_summary = forms.CharField(label=_("Öffentliche Zusammenfassung"), max_length=20000, widget=_textarea(8))


# --- progress through the sections of the reflection form (issue 10.9) ---------------------------------------


class ProgressStep:
    """One section of the reflection form in the progress list: done, missing (required) or optional."""

    DONE, MISSING, OPTIONAL = "done", "missing", "optional"

    def __init__(self, anchor: str, label: str, state: str) -> None:
        self.anchor, self.label, self.state = anchor, label, state

    @property
    def state_label(self) -> str:
        return {
            self.DONE: gettext("erledigt"),
            self.MISSING: gettext("fehlt noch"),
            self.OPTIONAL: gettext("freiwillig"),
        }[self.state]


def reflection_progress(reflection: Reflection | None, *, is_lead: bool, perspective: bool) -> dict:
    """The sections of the form with their state, from the saved draft (a constant number of queries):
    required sections are done or missing, optional ones done or optional."""

    def step(anchor: str, label: str, filled: bool, required: bool) -> ProgressStep:
        state = ProgressStep.DONE if filled else (ProgressStep.MISSING if required else ProgressStep.OPTIONAL)
        return ProgressStep(anchor, label, state)

    r = reflection
    rated = r is not None and not r.ratings.filter(rating__isnull=True).exists() and r.ratings.exists()
    if perspective:
        steps = [
            step("sec-criteria", gettext("Qualitätsmerkmale"), rated, True),
            step("sec-take-back", gettext("Was nehme ich mit?"), bool(r and r.take_back.strip()), False),
        ]
    else:
        experienced = bool(r and any(getattr(r, f).strip() for f in ("what_worked", "what_did_not", "surprises")))
        summary_done = bool(r and (r.public_summary.strip() if is_lead else r.internal_notes.strip()))
        steps = [
            step("sec-attendance", gettext("Teilnahme"), bool(r and r.attendance_count is not None), True),
            step("sec-criteria", gettext("Qualitätsmerkmale"), rated, True),
            step("methods", gettext("Methoden"), bool(r and r.method_uses.exists()), False),
            step("sec-experience", gettext("Was wir erlebt haben"), experienced, False),
            step("insights", gettext("Erkenntnisse"), bool(r and r.insights.exists()), False),
            step("commitments", gettext("Vereinbarungen"), bool(r and r.commitments.exists()), False),
            step("sec-summary", gettext("Zusammenfassung und Notizen"), summary_done, is_lead),
        ]
    return {
        "steps": steps,
        "done": sum(1 for s in steps if s.state == ProgressStep.DONE),
        "total": len(steps),
        "missing": sum(1 for s in steps if s.state == ProgressStep.MISSING),
    }

from django import forms
from django.utils.translation import gettext_lazy as _

from .validators import PlainTextFormMixin


class AccessibilityFeedbackForm(PlainTextFormMixin, forms.Form):
    name = forms.CharField(label=_("Ihr Name (freiwillig)"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse (freiwillig, für eine Antwort)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    page_url = forms.CharField(
        label=_("Auf welcher Seite ist das Problem? (freiwillig)"), max_length=500, required=False
    )
    message = forms.CharField(
        label=_("Ihre Nachricht"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Beschreiben Sie bitte, was nicht funktioniert oder schwer zu nutzen ist."),
    )
    # Honeypot: people do not see it, bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Bitte leer lassen"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class CheckedManagementFormSet(forms.BaseFormSet):
    """A formset that refuses a negative row count in its management form (Django reads it as zero rows,
    which would replace the saved rows with nothing). Used by the row formsets of reflections and planning."""

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or not self.management_form.is_valid():
            return
        counts = self.management_form.cleaned_data
        if min(counts.get("TOTAL_FORMS") or 0, counts.get("INITIAL_FORMS") or 0) < 0:
            self._non_form_errors.append(  # type: ignore[attr-defined]
                forms.ValidationError(
                    _("Die Formulardaten sind unvollständig. Bitte laden Sie die Seite neu."),
                    code="missing_management_form",
                )
            )

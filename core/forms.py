from django import forms
from django.utils.translation import gettext_lazy as _


class AccessibilityFeedbackForm(forms.Form):
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

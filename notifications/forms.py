"""The "Folgen" form (subscribe without an account)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Subscription


def consent_label() -> str:
    return _(
        "Ich möchte per E-Mail über Neuigkeiten informiert werden (höchstens eine Zusammenfassung pro Woche). "
        "Ich kann das jederzeit mit einem Klick abbestellen. Abos ohne Aktivität werden nach %(months)s Monaten "
        "gelöscht."
    ) % {"months": settings.NOTIFICATIONS_INACTIVE_MONTHS}


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Bitte geben Sie Ihre E-Mail-Adresse an.")},
    )
    consent = forms.BooleanField(
        label="",
        error_messages={"required": _("Bitte willigen Sie ein, dass wir Ihnen Neuigkeiten senden.")},
    )
    kind = forms.ChoiceField(choices=Subscription.Kind.choices, widget=forms.HiddenInput)
    target = forms.SlugField(widget=forms.HiddenInput, max_length=220)
    # Honeypot: hidden from people; bots fill it in.
    website = forms.CharField(
        label=_("Bitte lassen Sie dieses Feld leer"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, prefix_id: str = "follow", **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_label()

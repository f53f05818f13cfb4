"""Forms of the public workshop pages, the check-in view and the admin actions."""

import time
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from districts.models import District, Quarter

from .models import Format, Workshop

# Seconds a person needs at least to fill in the registration form; bots submit at once. A too fast
# submission is shown again with a fresh timestamp (a person just sends it once more), never rejected.
FORM_STAMP_SALT = "workshops.registration-form"


class WorkshopFilterForm(forms.Form):
    """The GET filters of the workshop list. Every field is optional; invalid values are ignored."""

    PERIOD_UPCOMING = ""
    PERIOD_WEEK = "woche"
    PERIOD_MONTH = "monat"
    PERIOD_PAST = "vergangen"
    PERIOD_CHOICES = [
        (PERIOD_UPCOMING, _("alle kommenden")),
        (PERIOD_WEEK, _("in den nächsten 7 Tagen")),
        (PERIOD_MONTH, _("in den nächsten 30 Tagen")),
        (PERIOD_PAST, _("vergangene Werkstätten")),
    ]

    bezirk = forms.ChoiceField(label=_("Stadtbezirk"), required=False)
    stadtteil = forms.ChoiceField(label=_("Stadtteil"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)
    zeitraum = forms.ChoiceField(label=_("Zeitraum"), required=False, choices=PERIOD_CHOICES)
    frei = forms.BooleanField(label=_("nur mit freien Plätzen"), required=False)

    def __init__(self, *args, districts, quarters, formats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bezirk"].choices = [("", _("alle Stadtbezirke"))] + [(d.slug, d.name) for d in districts]
        grouped: dict[str, list[tuple[str, str]]] = {}
        for quarter in quarters:
            grouped.setdefault(quarter.district.name, []).append((quarter.slug, quarter.name))
        self.fields["stadtteil"].choices = [("", _("alle Stadtteile")), *grouped.items()]
        self.fields["format"].choices = [("", _("alle Formate"))] + [(f.slug, f.name) for f in formats]

    @classmethod
    def for_request(cls, data):
        """Bound to the query string, with the choices loaded in three queries."""
        return cls(
            data,
            districts=District.objects.order_by("number"),
            quarters=Quarter.objects.select_related("district").order_by("district__number", "name"),
            formats=Format.objects.order_by("name"),
        )

    def filters(self) -> dict:
        """The valid filter values; fields with invalid values are dropped (a stale link still shows a list)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class RegistrationForm(forms.Form):
    """The registration form on the workshop page.

    Abuse resistance without CAPTCHA: a honeypot field (`website`) and a signed timestamp (`stamp`) of when
    the form was shown; see `is_bot()` and `too_fast()`."""

    name = forms.CharField(
        label=_("Ihr Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("So steht es auf der Teilnahmeliste. Ein Vorname genügt."),
        error_messages={
            "required": _("Bitte geben Sie Ihren Namen an."),
            "max_length": _("Bitte kürzen Sie Ihren Namen auf höchstens 150 Zeichen."),
        },
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Dorthin schicken wir den Link zur Bestätigung."),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de."),
        },
    )
    seats = forms.TypedChoiceField(
        label=_("Wie viele Personen kommen?"),
        coerce=int,
        initial=1,
        error_messages={
            "required": _("Bitte wählen Sie, wie viele Personen kommen."),
            "invalid_choice": _("Bitte wählen Sie, wie viele Personen kommen."),
        },
    )
    quarter = forms.ModelChoiceField(
        label=_("In welchem Stadtteil wohnen Sie? (freiwillig)"),
        queryset=Quarter.objects.none(),
        required=False,
        empty_label=_("keine Angabe"),
        help_text=_("Damit wir sehen, ob alle Stadtteile vertreten sind."),
        error_messages={"invalid_choice": _("Bitte wählen Sie einen Stadtteil aus der Liste.")},
    )
    support_step_free = forms.BooleanField(label=_("stufenloser Zugang"), required=False)
    support_sign_language = forms.BooleanField(label=_("Gebärdensprachdolmetschung (DGS)"), required=False)
    support_induction_loop = forms.BooleanField(label=_("Induktionsschleife (Höranlage)"), required=False)
    support_easy_language = forms.BooleanField(label=_("Material in Leichter Sprache"), required=False)
    support_childcare = forms.BooleanField(label=_("Kinderbetreuung während der Werkstatt"), required=False)
    support_other = forms.CharField(
        label=_("Andere Unterstützung"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Beschreiben Sie, welche Unterstützung Sie brauchen. Eine Diagnose ist nicht nötig."),
        error_messages={"max_length": _("Bitte beschreiben Sie die Unterstützung in höchstens 500 Zeichen.")},
    )
    support_consent = forms.BooleanField(
        label=_(
            "Ich willige ein, dass das Team dieser Werkstatt meine Angaben zur Unterstützung erhält, um sie "
            "vorzubereiten. Die Angaben werden nach der Werkstatt gelöscht."
        ),
        required=False,
        help_text=_(
            "Nur nötig, wenn Sie oben etwas angegeben haben. Sie können die Einwilligung jederzeit widerrufen."
        ),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "Ich habe die Datenschutzhinweise gelesen und bin mit der Verarbeitung meiner Anmeldung einverstanden."
        ),
        error_messages={"required": _("Bitte stimmen Sie den Datenschutzhinweisen zu, um sich anzumelden.")},
    )
    status_updates_opt_in = forms.BooleanField(
        label=_("Informieren Sie mich per E-Mail, was aus den Ergebnissen der Werkstatt wird. (freiwillig)"),
        required=False,
    )
    # Honeypot: hidden from people (CSS and not in the tab order); bots fill it in.
    website = forms.CharField(
        label=_("Bitte lassen Sie dieses Feld leer"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    SUPPORT_FIELDS = (
        "support_step_free",
        "support_sign_language",
        "support_induction_loop",
        "support_easy_language",
        "support_childcare",
        "support_other",
    )

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        seats = cast(forms.TypedChoiceField, self.fields["seats"])
        seats.choices = [
            (
                n,
                ngettext("%(count)d Person (nur ich)", "%(count)d Personen (ich und %(others)d weitere)", n)
                % {"count": n, "others": n - 1},
            )
            for n in range(1, workshop.max_seats_per_registration + 1)
        ]
        seats.help_text = _("Sie können Begleitpersonen mit anmelden, zum Beispiel Familie oder Assistenz.")
        cast(forms.ModelChoiceField, self.fields["quarter"]).queryset = Quarter.objects.filter(
            district_id=workshop.district_id
        ).order_by("name")
        self.fields["privacy_consent"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("core:datenschutz"), _("Datenschutzhinweise lesen")
        )
        # A fresh timestamp every time the form is shown (also when shown again with errors).
        self.data_stamp = self.data.get(self.add_prefix("stamp"), "") if self.is_bound else ""
        self.initial["stamp"] = make_form_stamp(workshop_id=workshop.pk)
        if self.is_bound:
            # Show the fresh stamp when the form is rendered again, not the submitted one.
            data = cast(Any, self.data).copy()  # a QueryDict (or a dict in tests)
            data[self.add_prefix("stamp")] = self.initial["stamp"]
            self.data = data

    def clean(self):
        cleaned = super().clean()
        if self.has_support_needs() and not cleaned.get("support_consent"):
            self.add_error(
                "support_consent",
                _(
                    "Bitte willigen Sie ein, damit wir Ihre Angaben zur Unterstützung nutzen dürfen – "
                    "oder lassen Sie diese Angaben leer."
                ),
            )
        return cleaned

    def has_support_needs(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in self.SUPPORT_FIELDS)

    def is_bot(self) -> bool:
        """The honeypot was filled in."""
        return bool((self.data.get(self.add_prefix("website")) or "").strip())

    def too_fast(self, *, now: float | None = None) -> bool:
        """The form came back sooner than a person can fill it in, or without a valid timestamp."""
        started = read_form_stamp(self.data_stamp, workshop_id=self.workshop.pk)
        if started is None:
            return True
        minimum = settings.REGISTRATION_MIN_FILL_SECONDS
        return ((now or time.time()) - started) < minimum


def make_form_stamp(*, workshop_id: int, at: float | None = None) -> str:
    """A signed record of when the registration form of a workshop was shown."""
    return signing.dumps({"w": workshop_id, "t": at if at is not None else time.time()}, salt=FORM_STAMP_SALT)


def read_form_stamp(value: str, *, workshop_id: int) -> float | None:
    """The time the form was shown, or None for a missing, forged or foreign stamp. No maximum age: slow
    people are never punished."""
    try:
        data = signing.loads(value, salt=FORM_STAMP_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("w") != workshop_id or not isinstance(data.get("t"), int | float):
        return None
    return float(data["t"])


class CheckInSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name oder Code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "autocapitalize": "characters"}),
    )


class WorkshopCancelForm(forms.Form):
    """The reason asked for by the admin action "cancel workshop"; it goes into the mail to everyone registered."""

    reason = forms.CharField(
        label=_("Grund der Absage"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Dieser Text steht in der E-Mail an alle Angemeldeten."),
    )

"""Forms of the public workshop pages, the check-in view and the admin actions."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import fragments
from core.validators import PlainTextFormMixin
from districts.models import District, Quarter

from .models import Format, Workshop

# The form stamp (time trap, single use, maximum age) lives in workshops/stamps.py, shared with the API.
from .stamps import FORM_STAMP_SALT, make_form_stamp, next_stamp, read_form_stamp, stamp_problem  # noqa: F401


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
        choice = cast(dict[str, forms.ChoiceField], self.fields)
        choice["bezirk"].choices = [("", _("alle Stadtbezirke"))] + [(d.slug, d.name) for d in districts]
        grouped: dict[str, list[tuple[str, str]]] = {}
        for quarter in quarters:
            grouped.setdefault(quarter.district.name, []).append((quarter.slug, quarter.name))
        choice["stadtteil"].choices = [("", _("alle Stadtteile")), *grouped.items()]
        choice["format"].choices = [("", _("alle Formate"))] + [(f.slug, f.name) for f in formats]

    @classmethod
    def for_request(cls, data):
        """Bound to the query string, with the choices loaded in three queries (or none: they are kept a
        minute per process in the fragment cache)."""
        districts, quarters, formats = fragments.get_or_render(
            ("workshop-filter-choices",),
            lambda: (
                list(District.objects.order_by("number")),
                list(Quarter.objects.select_related("district").order_by("district__number", "name")),
                list(Format.objects.order_by("name")),
            ),
        )
        return cls(data, districts=districts, quarters=quarters, formats=formats)

    def filters(self) -> dict:
        """The valid filter values; fields with invalid values are dropped (a stale link still shows a list)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def support_consent_text(days: int) -> str:
    """The support-needs consent with the real retention period (WORKSHOPS_SUPPORT_RETENTION_DAYS)."""
    return ngettext(
        "Ich willige ein, dass das Team dieser Werkstatt meine Angaben zur Unterstützung erhält, um sie "
        "vorzubereiten. Die Angaben werden einen Tag nach der Werkstatt gelöscht.",
        "Ich willige ein, dass das Team dieser Werkstatt meine Angaben zur Unterstützung erhält, um sie "
        "vorzubereiten. Die Angaben werden %(days)d Tage nach der Werkstatt gelöscht.",
        days,
    ) % {"days": days}


class RegistrationForm(PlainTextFormMixin, forms.Form):
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
        free = workshop.seats_available
        if 0 < free < workshop.max_seats_per_registration:
            seats.help_text = "{} {}".format(
                seats.help_text,
                ngettext(
                    "Es ist nur noch %(free)d Platz frei. Für eine größere Gruppe können Sie danach wählen: "
                    "so viele Plätze anmelden, wie frei sind, oder die ganze Gruppe auf die Warteliste setzen.",
                    "Es sind nur noch %(free)d Plätze frei. Für eine größere Gruppe können Sie danach wählen: "
                    "so viele Plätze anmelden, wie frei sind, oder die ganze Gruppe auf die Warteliste setzen.",
                    free,
                )
                % {"free": free},
            )
        cast(forms.ModelChoiceField, self.fields["quarter"]).queryset = Quarter.objects.filter(
            district_id=workshop.district_id
        ).order_by("name")
        # The consent texts name the real retention periods (settings), not a vague "after the workshop".
        days = settings.WORKSHOPS_SUPPORT_RETENTION_DAYS
        self.fields["support_consent"].label = support_consent_text(days)
        months = settings.WORKSHOPS_ANONYMISE_AFTER_MONTHS
        self.fields["privacy_consent"].help_text = format_html(
            '{} <a href="{}">{}</a>',
            ngettext(
                "Name und E-Mail-Adresse anonymisieren wir einen Monat nach der Werkstatt.",
                "Name und E-Mail-Adresse anonymisieren wir %(months)d Monate nach der Werkstatt.",
                months,
            )
            % {"months": months},
            reverse("core:datenschutz"),
            _("Datenschutzhinweise lesen"),
        )
        # A fresh stamp every time the form is shown; shown again after a submission with a genuine stamp, a
        # retry stamp, so a person who was "too fast" (autofill) passes the next time (issue 10.9).
        self.data_stamp = self.data.get(self.add_prefix("stamp"), "") if self.is_bound else ""
        self.initial["stamp"] = (
            next_stamp(self.data_stamp, workshop_id=workshop.pk)
            if self.is_bound
            else make_form_stamp(workshop_id=workshop.pk)
        )
        if self.is_bound:
            # Show the fresh stamp when the form is rendered again, not the submitted one.
            data = cast(Any, self.data).copy()  # a QueryDict (or a dict in tests)
            data[self.add_prefix("stamp")] = self.initial["stamp"]
            self.data = data

    def keep_first_stamp(self) -> None:
        """Kept for callers: a form shown again after a genuine submission already carries a retry stamp, so
        the choice after a domain answer (a second step of the same form) is never "too fast"."""

    def clean(self):
        cleaned = super().clean() or {}
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

    def stamp_problem(self, *, now: float | None = None) -> str | None:
        """None when the stamp is good (and now used up); else why not (see workshops.stamps)."""
        return stamp_problem(self.data_stamp, workshop_id=self.workshop.pk, now=now)

    def too_fast(self, *, now: float | None = None) -> bool:
        """The form came back sooner than a person can fill it in, or without a valid (unused, fresh) stamp."""
        return self.stamp_problem(now=now) is not None


class CheckInSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name oder Code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "autocapitalize": "characters"}),
    )


class WalkInForm(PlainTextFormMixin, forms.Form):
    """People who come to the door without registering: a name is enough; an address only if they want mail."""

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("Ein Vorname genügt."),
        error_messages={"required": _("Bitte geben Sie einen Namen an.")},
    )
    seats = forms.TypedChoiceField(label=_("Personen"), coerce=int, initial=1)
    email = forms.EmailField(
        label=_("E-Mail-Adresse (freiwillig)"),
        required=False,
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de.")},
    )
    mail_consent = forms.BooleanField(
        label=_("Die Person möchte E-Mails zu dieser Werkstatt (Bestätigung mit Link zum Ändern und Absagen)."),
        required=False,
    )
    # As on the registration form: results and the documentation only with this consent (and an address).
    status_updates_opt_in = forms.BooleanField(
        label=_("Die Person möchte per E-Mail erfahren, was aus den Ergebnissen der Werkstatt wird. (freiwillig)"),
        required=False,
    )

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, prefix="walk_in", **kwargs)
        cast(forms.TypedChoiceField, self.fields["seats"]).choices = [
            (n, str(n)) for n in range(1, workshop.max_seats_per_registration + 1)
        ]

    def clean(self):
        data = super().clean() or {}
        if data.get("email") and not data.get("mail_consent"):
            self.add_error(
                "mail_consent", _("Bitte fragen Sie, ob die Person E-Mails zu dieser Werkstatt bekommen möchte.")
            )
        if data.get("status_updates_opt_in") and not data.get("email") and not self.has_error("email"):
            self.add_error("email", _("Für E-Mails über die Ergebnisse braucht es eine E-Mail-Adresse."))
        return data


class WorkshopCancelForm(forms.Form):
    """The reason asked for by the admin action "cancel workshop"; it goes into the mail to everyone registered."""

    reason = forms.CharField(
        label=_("Grund der Absage"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Dieser Text steht in der E-Mail an alle Angemeldeten."),
    )

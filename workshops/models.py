from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Format(models.Model):
    """A workshop format (e.g. Werkstattgespräch, Stadtteilspaziergang, World Café)."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Kennung"), unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    typical_duration_minutes = models.PositiveIntegerField(_("typische Dauer (Minuten)"), default=120)
    typical_group_size = models.PositiveIntegerField(_("typische Gruppengröße"), default=20)

    class Meta:
        verbose_name = _("Format")
        verbose_name_plural = _("Formate")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Method(TimeStampedModel):
    """An entry of the method library (Methodenkoffer)."""

    name = models.CharField(_("Name"), max_length=150, unique=True)
    slug = models.SlugField(_("Kennung"), unique=True)
    purpose = models.TextField(_("Wofür"))
    steps = models.TextField(_("Ablauf"), help_text=_("Ein Schritt pro Zeile."))
    duration_minutes = models.PositiveIntegerField(_("Dauer (Minuten)"))
    group_size_min = models.PositiveIntegerField(_("Gruppengröße von"), default=5)
    group_size_max = models.PositiveIntegerField(_("Gruppengröße bis"), default=30)
    materials = models.TextField(_("Material"), blank=True)
    accessibility_notes = models.TextField(_("Hinweise zur Barrierefreiheit"), blank=True)
    is_published = models.BooleanField(_("veröffentlicht"), default=True)

    class Meta:
        verbose_name = _("Methode")
        verbose_name_plural = _("Methoden (Methodenkoffer)")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(group_size_min__lte=F("group_size_max")), name="method_group_size_range")
        ]

    def __str__(self) -> str:
        return self.name


class WorkshopQuerySet(models.QuerySet):
    def public(self):
        """The one definition of the workshops the public may see (pages, API, feeds, reports): every one but
        drafts. Cancelled workshops stay visible, marked as cancelled, so people who registered learn of it
        (docs/adr/0007-public-workshops-and-cancelled.md)."""
        return self.filter(status__in=Workshop.PUBLIC_STATUSES)

    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now())

    def in_district(self, district):
        return self.filter(district=district)


class Workshop(TimeStampedModel):
    """A Bezirkswerkstatt: one session in a district.

    `seats_held` is the seat counter (DESIGN §5): it is changed only by the registration services, each
    change by one conditional UPDATE in the same transaction as the registration row it concerns.
    `seats_pending` is the part of it held by unconfirmed (pending) registrations: capped at
    WORKSHOPS_PENDING_HOLD_SHARE percent of the capacity and never shown to the public (ADR 0016)."""

    class ParticipationLevel(models.TextChoices):
        INFORMATION = "information", _("Information")
        KONSULTATION = "konsultation", _("Konsultation")
        KOOPERATION = "kooperation", _("Kooperation")
        MITENTSCHEIDUNG = "mitentscheidung", _("Mitentscheidung")

    class RunBy(models.TextChoices):
        PROTOTYPE = "prototype", _("Prototyp (Prozessteam)")
        TANDEM = "tandem", _("Tandem (mit dem Prozessteam)")
        EIGENREGIE = "eigenregie", _("Eigenregie (städtische Mitarbeitende)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")
        CANCELLED = "cancelled", _("abgesagt")
        HELD = "held", _("durchgeführt")
        DOCUMENTED = "documented", _("dokumentiert")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CANCELLED, Status.HELD, Status.DOCUMENTED)

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kennung"), max_length=220, unique=True)
    district = models.ForeignKey(
        "districts.District", verbose_name=_("Stadtbezirk"), on_delete=models.PROTECT, related_name="workshops"
    )
    quarters = models.ManyToManyField(
        "districts.Quarter", verbose_name=_("Stadtteile"), blank=True, related_name="workshops"
    )
    format = models.ForeignKey(Format, verbose_name=_("Format"), on_delete=models.PROTECT, related_name="workshops")
    topic = models.CharField(_("Thema"), max_length=200, blank=True)
    description = models.TextField(_("Beschreibung"))
    summary_easy = models.TextField(_("Kurz in Leichter Sprache"), blank=True)
    participation_level = models.CharField(
        _("Beteiligungsstufe"),
        max_length=20,
        choices=ParticipationLevel.choices,
        default=ParticipationLevel.KONSULTATION,
    )
    run_by = models.CharField(_("Durchführung"), max_length=20, choices=RunBy.choices, default=RunBy.PROTOTYPE)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    venue_name = models.CharField(_("Ort"), max_length=200)
    venue_address = models.CharField(_("Adresse"), max_length=300)
    venue_step_free = models.BooleanField(_("stufenloser Zugang"), default=False)
    venue_accessible_toilet = models.BooleanField(_("barrierefreies WC"), default=False)
    venue_induction_loop = models.BooleanField(_("Induktionsschleife"), default=False)
    venue_public_transport = models.CharField(_("Anfahrt mit Bus und Bahn"), max_length=300, blank=True)
    venue_notes = models.TextField(_("weitere Hinweise zum Ort"), blank=True)
    online_url = models.URLField(_("Online-Zugang"), blank=True)
    capacity = models.PositiveIntegerField(_("Plätze"))
    seats_held = models.PositiveIntegerField(_("belegte Plätze"), default=0, editable=False)
    seats_pending = models.PositiveIntegerField(_("unbestätigt reservierte Plätze"), default=0, editable=False)
    max_seats_per_registration = models.PositiveSmallIntegerField(_("max. Plätze pro Anmeldung"), default=4)
    registration_opens_at = models.DateTimeField(_("Anmeldung ab"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("Anmeldung bis"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    reminder_enabled = models.BooleanField(_("Erinnerung senden"), default=True)
    reminder_lead_hours = models.PositiveSmallIntegerField(_("Erinnerung (Stunden vorher)"), default=48)
    reminder_text = models.TextField(_("Zusatztext der Erinnerung"), blank=True)
    cancellation_reason = models.TextField(_("Grund der Absage"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("Bezirkswerkstatt")
        verbose_name_plural = _("Bezirkswerkstätten")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="workshop_ends_after_start"),
            models.CheckConstraint(condition=Q(seats_held__lte=F("capacity")), name="workshop_seats_within_capacity"),
            models.CheckConstraint(
                condition=Q(seats_pending__lte=F("seats_held")), name="workshop_pending_seats_within_held"
            ),
            models.CheckConstraint(condition=Q(max_seats_per_registration__gte=1), name="workshop_max_seats_positive"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="workshop_status_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:detail", kwargs={"slug": self.slug})

    @property
    def seats_available(self) -> int:
        """Free seats as the public sees them: unconfirmed holds are not subtracted (ADR 0016), so the count
        moves only when a person confirms (or takes an offer) — never for an unconfirmed registration, which
        a duplicate address would otherwise reveal."""
        return max(self.capacity - (self.seats_held - self.seats_pending), 0)

    @property
    def seats_free_now(self) -> int:
        """Seats nobody holds at all right now (confirmed, unconfirmed hold or offer): what a hold can take."""
        return max(self.capacity - self.seats_held, 0)


class WorkshopTeamMember(models.Model):
    """A member of the multiprofessional team of a workshop."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Moderation (Leitung)")
        CO = "co", _("Co-Moderation")
        TRAINEE = "trainee", _("Hospitation")
        DISTRICT_OFFICE = "district_office", _("Bezirksmanagement")
        EXPERT = "expert", _("Fachexpertise")
        NETWORK_PARTNER = "network_partner", _("Netzwerkpartner*in")
        POLITIK = "politik", _("Politik (Bezirksrat, Rat)")
        FACHBEREICH = "fachbereich", _("Fachbereich der Stadtverwaltung")

    FACILITATING_ROLES = (Role.LEAD, Role.CO, Role.TRAINEE)

    workshop = models.ForeignKey(Workshop, verbose_name=_("Werkstatt"), on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="workshop_roles"
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("Teammitglied")
        verbose_name_plural = _("Team")
        constraints = [models.UniqueConstraint(fields=["workshop", "user"], name="team_member_once_per_workshop")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class AgendaItem(models.Model):
    workshop = models.ForeignKey(Workshop, verbose_name=_("Werkstatt"), on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    start_time = models.TimeField(_("Uhrzeit"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("Dauer (Minuten)"), default=15)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    method = models.ForeignKey(
        Method, verbose_name=_("Methode"), null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items"
    )

    class Meta:
        verbose_name = _("Programmpunkt")
        verbose_name_plural = _("Programm")
        ordering = ["workshop", "order", "start_time"]

    def __str__(self) -> str:
        return self.title


def arrived_people():
    """People of a registration who came (a group may come in part): the expression for sums over checked-in
    registrations, `Sum(arrived_people(), filter=Q(checked_in_at__isnull=False))`."""
    return Coalesce("checked_in_seats", "seats")


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status__in=Registration.INACTIVE_STATUSES)


def support_label(name: str) -> str:
    """The label of a support-need field of Registration, in the active language."""
    field = Registration._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


class SupportStatus(models.TextChoices):
    OPEN = "open", _("wird geklärt")
    ARRANGED = "arranged", _("ist organisiert")
    NOT_POSSIBLE = "not_possible", _("ist leider nicht möglich")


class Registration(TimeStampedModel):
    """A person's registration for a workshop (`seats` = group size incl. companions).

    Tokens: only SHA-256 hashes are stored. The confirm token expires with the hold; the manage token
    opens the manage page (status, cancel, waiting list, offers, data export and erasure)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet auf Bestätigung")
        CONFIRMED = "confirmed", _("bestätigt")
        WAITLISTED = "waitlisted", _("auf der Warteliste")
        OFFERED = "offered", _("Platz angeboten")
        CANCELLED = "cancelled", _("storniert")
        EXPIRED = "expired", _("abgelaufen")
        DECLINED = "declined", _("abgelehnt")

    INACTIVE_STATUSES = (Status.CANCELLED, Status.EXPIRED, Status.DECLINED)
    SEAT_HOLDING_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.OFFERED)

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("Werkstatt"), on_delete=models.PROTECT, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    name = models.CharField(_("Name"), max_length=150)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)  # blank only for walk-ins without an address
    seats = models.PositiveSmallIntegerField(_("Plätze"), default=1)
    quarter = models.ForeignKey(
        "districts.Quarter",
        verbose_name=_("Stadtteil"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    # True while this registration's seats are counted in Workshop.seats_held.
    holds_seats = models.BooleanField(_("hält Plätze"), default=False)
    # Random seed of the confirm and manage tokens (HMAC under SECRET_KEY, see workshops.tokens); the
    # tokens themselves are never stored. Blank once anonymised: then no link works any more.
    token_seed = models.CharField(max_length=32, blank=True, editable=False)
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    manage_token_hash = models.CharField(max_length=64, unique=True)
    hold_expires_at = models.DateTimeField(_("Reservierung bis"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("Angebot bis"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("auf Warteliste seit"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("storniert am"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("eingecheckt am"), null=True, blank=True)
    # How many of the group came (2 of 4); empty while nobody is checked in. Counts as `seats` when empty
    # on an old row that was checked in before this field existed.
    checked_in_seats = models.PositiveSmallIntegerField(_("eingecheckte Personen"), null=True, blank=True)
    # Admitted at the door without registering (name only; an address only when the person gave one).
    walk_in = models.BooleanField(_("ohne Anmeldung gekommen"), default=False)
    check_in_code = models.CharField(_("Check-in-Code"), max_length=12, blank=True)
    status_updates_opt_in = models.BooleanField(_("möchte über Ergebnisse informiert werden"), default=False)
    # The language the person used to register (one of settings.LANGUAGES): every mail is written in it.
    language = models.CharField(_("Sprache"), max_length=8, default="de")
    # Support needs: asked as the support required, never a diagnosis; kept only with their own consent.
    support_step_free = models.BooleanField(_("stufenloser Zugang"), default=False)
    support_sign_language = models.BooleanField(_("Gebärdensprachdolmetschung (DGS)"), default=False)
    support_induction_loop = models.BooleanField(_("Induktionsschleife"), default=False)
    support_easy_language = models.BooleanField(_("Material in Leichter Sprache"), default=False)
    support_childcare = models.BooleanField(_("Kinderbetreuung"), default=False)
    support_other = models.TextField(_("andere Unterstützung"), blank=True)
    support_consent_at = models.DateTimeField(_("Einwilligung Unterstützungsbedarf"), null=True, blank=True)
    # The team's answer to the recorded needs (the person is told): open until marked arranged/not possible.
    support_status = models.CharField(
        _("Unterstützung"), max_length=12, choices=SupportStatus.choices, blank=True, default=""
    )
    support_note = models.TextField(_("Antwort des Teams zur Unterstützung"), blank=True)
    support_answered_at = models.DateTimeField(_("Unterstützung beantwortet am"), null=True, blank=True)
    # Needs entered less than WORKSHOPS_SUPPORT_URGENT_DAYS before the date (interpreters need weeks).
    support_urgent = models.BooleanField(_("Unterstützung dringend"), default=False)
    support_deleted_at = models.DateTimeField(_("Unterstützungsbedarf gelöscht am"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="registration_seats_positive"),
            # Duplicate detection that holds under concurrency: one active registration per address.
            models.UniqueConstraint(
                fields=["workshop", "email"],
                condition=~Q(status__in=["cancelled", "expired", "declined"]) & ~Q(email=""),
                name="registration_one_active_per_email",
            ),
        ]
        indexes = [
            models.Index(fields=["workshop", "status"], name="registration_workshop_status"),
            models.Index(fields=["workshop", "check_in_code"], name="registration_checkin_code"),
            models.Index(fields=["email"], name="registration_email"),
            # The admin's list (oldest first) and its check-in code search; name and e-mail substrings are
            # served by trigram indexes on PostgreSQL (migration 0009).
            models.Index(fields=["created_at"], name="registration_created"),
            models.Index(Upper("check_in_code"), name="registration_code_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.workshop}"

    def support_needs_labels(self) -> list[str]:
        """The recorded needs in words (the field labels, in the active language), the free text last."""
        names = (
            "support_step_free",
            "support_sign_language",
            "support_induction_loop",
            "support_easy_language",
            "support_childcare",
        )
        labels = [support_label(name) for name in names if getattr(self, name)]
        if self.support_other:
            labels.append(self.support_other)
        return labels

    @property
    def arrived_seats(self) -> int:
        """How many people of this registration are checked in."""
        if self.checked_in_at is None:
            return 0
        return self.seats if self.checked_in_seats is None else self.checked_in_seats

    @property
    def has_support_needs(self) -> bool:
        return any(
            [
                self.support_step_free,
                self.support_sign_language,
                self.support_induction_loop,
                self.support_easy_language,
                self.support_childcare,
                self.support_other,
            ]
        )


class ConsentRecord(models.Model):
    """Proof of a consent: purpose, the version of the text shown, and when it was given."""

    class Purpose(models.TextChoices):
        PRIVACY = "privacy", _("Datenschutzhinweise zur Anmeldung")
        SUPPORT_NEEDS = "support_needs", _("Verarbeitung der Unterstützungsbedarfe")
        STATUS_UPDATES = "status_updates", _("Information über Ergebnisse")

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("Anmeldung"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    purpose = models.CharField(_("Zweck"), max_length=20, choices=Purpose.choices)
    text_version = models.CharField(_("Textversion"), max_length=40)
    given_at = models.DateTimeField(_("erteilt am"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Einwilligung")
        verbose_name_plural = _("Einwilligungen")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.text_version})"

"""Quality criteria, facilitator reflections, commitments, participant feedback and result photos.

History is never lost: a criterion is retired (not deleted) and keeps its ratings; ratings, method uses and
feedback answers protect the criterion / method they point to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import RandomName, private_storage
from core.models import TimeStampedModel
from workshops.models import Workshop, WorkshopTeamMember

# Team roles that must reflect every held workshop (trainees may, but their reflection is optional).
REQUIRED_REFLECTION_ROLES = (WorkshopTeamMember.Role.LEAD, WorkshopTeamMember.Role.CO)
# Team roles that reflect from their own perspective (issue 12): the seven criteria with short questions and
# what they take back into their organisation. Their ratings are not facilitators' ratings (dashboard, reports).
PERSPECTIVE_ROLES = (
    WorkshopTeamMember.Role.DISTRICT_OFFICE,
    WorkshopTeamMember.Role.EXPERT,
    WorkshopTeamMember.Role.NETWORK_PARTNER,
    WorkshopTeamMember.Role.POLITIK,
    WorkshopTeamMember.Role.FACHBEREICH,
)
# Workshops that took place: they are reflected, documented and counted.
HELD_STATUSES = (Workshop.Status.HELD, Workshop.Status.DOCUMENTED)

RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


def _rating_range(field: str, name: str, *, nullable: bool = True) -> models.CheckConstraint:
    condition = Q(**{f"{field}__gte": 1}) & Q(**{f"{field}__lte": 5})
    if nullable:
        condition = condition | Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


class QualityCriterionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_feedback(self):
        return self.active().filter(asked_in_feedback=True)


class QualityCriterion(TimeStampedModel):
    """A quality criterion (Qualitätsmerkmal) that reflections rate. Retire instead of delete."""

    name = models.CharField(_("Name"), max_length=150, unique=True)
    slug = models.SlugField(_("Kennung"), max_length=160, unique=True)
    description = models.TextField(_("Kurzbeschreibung"))
    guiding_questions = models.TextField(_("Leitfragen"), blank=True, help_text=_("Eine Frage pro Zeile."))
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(
        _("aktiv"), default=True, help_text=_("Ausgeschiedene Merkmale bleiben an alten Reflexionen erhalten.")
    )
    retired_at = models.DateTimeField(_("ausgeschieden am"), null=True, blank=True)
    asked_in_feedback = models.BooleanField(
        _("in der Teilnehmenden-Rückmeldung gefragt"),
        default=False,
        help_text=_("Höchstens drei aktive Merkmale werden Teilnehmer*innen vorgelegt (in dieser Reihenfolge)."),
    )
    feedback_statement = models.CharField(
        _("Aussage für Teilnehmer*innen"),
        max_length=300,
        blank=True,
        help_text=_("In einfacher Sprache, z. B. „Alle wurden wertschätzend behandelt.“"),
    )

    objects = QualityCriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Qualitätsmerkmal")
        verbose_name_plural = _("Qualitätsmerkmale")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_active=True, retired_at__isnull=True) | Q(is_active=False),
                name="criterion_active_not_retired",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def guiding_question_list(self) -> list[str]:
        return [line.strip() for line in self.guiding_questions.splitlines() if line.strip()]


class ReflectionQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=Reflection.Status.SUBMITTED)

    def drafts(self):
        return self.filter(status=Reflection.Status.DRAFT)


class Reflection(TimeStampedModel):
    """One facilitator's reflection on one workshop (draft → submitted).

    `public_summary` is the joint public summary and is written by the lead; `internal_notes` and the free
    texts stay internal (team, Fachteam, district office)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("abgegeben")

    workshop = models.ForeignKey(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.PROTECT, related_name="reflections"
    )
    # Kept when the account is deleted: the reflection is the city's documentation, not personal data.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reflections",
    )
    author_role = models.CharField(_("Rolle im Team"), max_length=20, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("abgegeben am"), null=True, blank=True)
    attendance_count = models.PositiveIntegerField(_("tatsächlich Teilnehmende"), null=True, blank=True)
    what_worked = models.TextField(_("Was hat gut funktioniert?"), blank=True)
    what_did_not = models.TextField(_("Was hat nicht funktioniert?"), blank=True)
    surprises = models.TextField(_("Was hat überrascht?"), blank=True)
    not_reached = models.TextField(_("Wen haben wir nicht erreicht?"), blank=True)
    internal_notes = models.TextField(_("interne Notizen"), blank=True)
    public_summary = models.TextField(_("öffentliche Zusammenfassung"), blank=True)
    take_back = models.TextField(_("Was nehme ich in meine Organisation mit?"), blank=True)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Reflexion")
        verbose_name_plural = _("Reflexionen")
        ordering = ["workshop", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "author"], condition=Q(author__isnull=False), name="reflection_once_per_author"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="reflection_submitted_has_time"
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="reflection_status_submitted")]

    def __str__(self) -> str:
        return f"{self.workshop} – {self.author or _('ehemaliges Konto')}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_perspective(self) -> bool:
        """Written from a non-facilitating team role (short form: criteria and what to take back)."""
        return self.author_role in PERSPECTIVE_ROLES

    @property
    def author_role_label(self) -> str:
        from workshops.models import WorkshopTeamMember

        return str(dict(WorkshopTeamMember.Role.choices).get(self.author_role, self.author_role))


class Debrief(TimeStampedModel):
    """The team's joint debrief of a workshop: the agreed insights, marked done by the lead (audited)."""

    workshop = models.OneToOneField(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.CASCADE, related_name="debrief"
    )
    agreed_insights = models.TextField(_("gemeinsame Erkenntnisse"), blank=True)
    done_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("abgeschlossen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Nachbesprechung")
        verbose_name_plural = _("Nachbesprechungen")

    def __str__(self) -> str:
        return str(self.workshop)

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class FollowUpReflection(TimeStampedModel):
    """A team member's look back three months after the workshop: were the commitments kept, what changed."""

    class Kept(models.TextChoices):
        YES = "yes", _("ja, alle")
        PARTLY = "partly", _("teilweise")
        NO = "no", _("nein")
        UNKNOWN = "unknown", _("weiß ich nicht")

    workshop = models.ForeignKey(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_up_reflections",
    )
    author_role = models.CharField(_("Rolle im Team"), max_length=20, blank=True)
    commitments_kept = models.CharField(
        _("Wurden die Vereinbarungen eingehalten?"), max_length=10, choices=Kept.choices
    )
    commitments_note = models.TextField(_("Anmerkungen zu den Vereinbarungen"), blank=True)
    what_changed = models.TextField(_("Was hat sich seitdem verändert?"), blank=True)
    what_did_not = models.TextField(_("Was hat sich nicht verändert?"), blank=True)

    class Meta:
        verbose_name = _("Nachreflexion")
        verbose_name_plural = _("Nachreflexionen")
        ordering = ["workshop", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "author"], condition=Q(author__isnull=False), name="follow_up_once_per_author"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop} – {self.author or _('ehemaliges Konto')}"

    @property
    def author_role_label(self) -> str:
        return str(dict(WorkshopTeamMember.Role.choices).get(self.author_role, self.author_role))


class CriterionRating(models.Model):
    """Rating 1–5 and a note on one criterion within a reflection (rating empty while drafting)."""

    reflection = models.ForeignKey(
        Reflection, verbose_name=_("Reflexion"), on_delete=models.CASCADE, related_name="ratings"
    )
    criterion = models.ForeignKey(
        QualityCriterion, verbose_name=_("Qualitätsmerkmal"), on_delete=models.PROTECT, related_name="ratings"
    )
    rating = models.PositiveSmallIntegerField(_("Bewertung"), choices=RATING_CHOICES, null=True, blank=True)
    note = models.TextField(_("Notiz"), blank=True)

    class Meta:
        verbose_name = _("Bewertung eines Qualitätsmerkmals")
        verbose_name_plural = _("Bewertungen der Qualitätsmerkmale")
        ordering = ["criterion__order", "criterion__name"]
        constraints = [
            models.UniqueConstraint(fields=["reflection", "criterion"], name="rating_once_per_criterion"),
            _rating_range("rating", "rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.rating or '–'}"


class MethodUse(models.Model):
    """A method of the library used in the workshop, and how it worked."""

    reflection = models.ForeignKey(
        Reflection, verbose_name=_("Reflexion"), on_delete=models.CASCADE, related_name="method_uses"
    )
    method = models.ForeignKey(
        "workshops.Method", verbose_name=_("Methode"), on_delete=models.PROTECT, related_name="uses"
    )
    how_it_worked = models.TextField(_("Wie hat sie funktioniert?"), blank=True)
    rating = models.PositiveSmallIntegerField(_("Bewertung"), choices=RATING_CHOICES, null=True, blank=True)

    class Meta:
        verbose_name = _("eingesetzte Methode")
        verbose_name_plural = _("eingesetzte Methoden")
        ordering = ["reflection", "method__name"]
        constraints = [
            models.UniqueConstraint(fields=["reflection", "method"], name="method_use_once_per_reflection"),
            _rating_range("rating", "method_use_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return str(self.method)


class InsightQuerySet(models.QuerySet):
    def public(self):
        """Insights their authors marked public: only these appear as evidence (tracker, API, PDFs)."""
        return self.filter(public=True)


class Insight(TimeStampedModel):
    """One insight of a reflection; recommendations link to insights as their evidence. Only insights marked
    `public` are shown as evidence publicly (issue 15.6); the others stay internal to the team."""

    reflection = models.ForeignKey(
        Reflection, verbose_name=_("Reflexion"), on_delete=models.CASCADE, related_name="insights"
    )
    text = models.TextField(_("Erkenntnis"))
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    public = models.BooleanField(
        _("öffentlich"),
        default=False,
        help_text=_("Öffentliche Erkenntnisse sind Belege bei Empfehlungen, in der API und in PDFs."),
    )

    objects = InsightQuerySet.as_manager()

    class Meta:
        verbose_name = _("Erkenntnis")
        verbose_name_plural = _("Erkenntnisse")
        ordering = ["reflection", "order", "created_at"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="insight_text_not_empty")]

    def __str__(self) -> str:
        return self.text[:80]


class CommitmentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(public=True)

    def open(self):
        return self.filter(status__in=[Commitment.Status.OPEN, Commitment.Status.IN_PROGRESS])

    def overdue(self, *, today=None):
        """Open or in progress, with a due date before today."""
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def owned_by(self, user):
        """Commitments the user answers for: named as an owner, or a member of the responsible unit."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
            return self.none()
        return self.filter(Q(owners=user) | Q(unit__members=user)).distinct()


class Commitment(TimeStampedModel):
    """A binding agreement from a workshop: what, who (person or unit), by when, with its status."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        IN_PROGRESS = "in_progress", _("in Arbeit")
        DONE = "done", _("erledigt")
        DROPPED = "dropped", _("verworfen")

    workshop = models.ForeignKey(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.PROTECT, related_name="commitments"
    )
    reflection = models.ForeignKey(
        Reflection,
        verbose_name=_("aus Reflexion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    what = models.TextField(_("Was?"))
    who = models.CharField(_("Wer? (Person oder Stelle)"), max_length=200)
    due_date = models.DateField(_("Bis wann?"), null=True, blank=True)
    status = models.CharField(_("Stand"), max_length=12, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField(_("Stand geändert am"), default=timezone.now)
    public = models.BooleanField(_("öffentlich"), default=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    # Follow-through (issue 13): who answers for it, how far it is, what they say about it publicly.
    unit = models.ForeignKey(
        "accounts.OrganisationUnit",
        verbose_name=_("zuständige Stelle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("verantwortlich"), blank=True, related_name="owned_commitments"
    )
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    statement = models.TextField(_("Stellungnahme"), blank=True)
    drop_reason = models.TextField(_("Grund für das Verwerfen"), blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Vereinbarung")
        verbose_name_plural = _("Vereinbarungen")
        ordering = ["workshop", "order", "created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(what=""), name="commitment_what_not_empty"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="commitment_progress_max_100"),
        ]

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()


class CommitmentMilestone(models.Model):
    """A step on the way to fulfilling a commitment, added by its owners."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("Vereinbarung"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("Meilenstein"), max_length=200)
    due_date = models.DateField(_("geplant bis"), null=True, blank=True)
    done_on = models.DateField(_("erreicht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Meilenstein einer Vereinbarung")
        verbose_name_plural = _("Meilensteine von Vereinbarungen")
        ordering = ["commitment", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class CommitmentEvent(models.Model):
    """One change of a commitment: who, when, what, and a note. Never edited or deleted."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Stand geändert")
        PROGRESS = "progress", _("Fortschritt aktualisiert")
        STATEMENT = "statement", _("Stellungnahme")
        MILESTONE = "milestone", _("Meilenstein")
        OWNERS = "owners", _("Zuständigkeit geändert")
        DUE = "due", _("Frist geändert")

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("Vereinbarung"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices)
    from_status = models.CharField(_("von Stand"), max_length=12, choices=Commitment.Status.choices, blank=True)
    to_status = models.CharField(_("zu Stand"), max_length=12, choices=Commitment.Status.choices, blank=True)
    note = models.TextField(_("Anmerkung"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("am"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Verlaufseintrag einer Vereinbarung")
        verbose_name_plural = _("Verlauf der Vereinbarungen")
        ordering = ["commitment", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%d.%m.%Y})"


class ResultPhoto(TimeStampedModel):
    """A photo of results (flip charts, pin boards) for the public documentation page. Alt text is required."""

    workshop = models.ForeignKey(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.CASCADE, related_name="result_photos"
    )
    # Private storage with random names: served by reflections:photo_file after the permission check.
    image = models.ImageField(
        _("Foto"), upload_to=RandomName("photos", ("jpg", "png", "webp")), storage=private_storage
    )
    alt_text = models.CharField(
        _("Alternativtext"),
        max_length=300,
        help_text=_("Beschreiben Sie, was auf dem Foto zu sehen ist (für Screenreader)."),
    )
    caption = models.CharField(_("Bildunterschrift"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_public = models.BooleanField(_("öffentlich"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hochgeladen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Ergebnisfoto")
        verbose_name_plural = _("Ergebnisfotos")
        ordering = ["workshop", "order", "created_at"]
        constraints = [models.CheckConstraint(condition=~Q(alt_text=""), name="photo_alt_text_required")]

    def __str__(self) -> str:
        return self.alt_text[:80]

    def get_image_url(self) -> str:
        """The permission-checked address of the image (public photos of documented workshops for everyone)."""
        return reverse("reflections:photo_file", kwargs={"pk": self.pk})


class FeedbackInvitation(TimeStampedModel):
    """The survey invitation of one attendee: holds the token hash and whether it was used.

    The answer (FeedbackResponse) is stored without any link to this row or the person: `used` has no
    timestamp on purpose, so invitations and responses cannot be matched by time."""

    workshop = models.ForeignKey(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.CASCADE, related_name="feedback_invitations"
    )
    registration = models.OneToOneField(
        "workshops.Registration",
        verbose_name=_("Anmeldung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_invitation",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(_("beantwortet"), default=False)
    # The plain token, set on the instance that created it (for the invitation mail); never stored.
    token: str | None = None
    expires_at = models.DateTimeField(_("gültig bis"))

    class Meta:
        verbose_name = _("Einladung zur Rückmeldung")
        verbose_name_plural = _("Einladungen zur Rückmeldung")
        ordering = ["workshop", "created_at"]

    def __str__(self) -> str:
        return f"{self.workshop} #{self.pk}"


class FeedbackResponse(models.Model):
    """One anonymous participant answer (no link to a person or invitation)."""

    class Again(models.TextChoices):
        YES = "yes", _("ja")
        MAYBE = "maybe", _("vielleicht")
        NO = "no", _("nein")

    workshop = models.ForeignKey(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.PROTECT, related_name="feedback_responses"
    )
    submitted_on = models.DateField(_("eingegangen am"), default=timezone.localdate)
    overall = models.PositiveSmallIntegerField(_("Zufriedenheit insgesamt"), choices=RATING_CHOICES, null=True)
    felt_heard = models.PositiveSmallIntegerField(_("fühlte sich gehört"), choices=RATING_CHOICES, null=True)
    knows_next_steps = models.PositiveSmallIntegerField(
        _("weiß, was mit den Ergebnissen passiert"), choices=RATING_CHOICES, null=True
    )
    would_return = models.CharField(_("würde wieder teilnehmen"), max_length=5, choices=Again.choices, blank=True)
    comment = models.TextField(_("Kommentar"), blank=True)

    class Meta:
        verbose_name = _("Rückmeldung von Teilnehmenden")
        verbose_name_plural = _("Rückmeldungen von Teilnehmenden")
        ordering = ["workshop", "pk"]
        constraints = [
            _rating_range("overall", "feedback_overall_1_to_5"),
            _rating_range("felt_heard", "feedback_felt_heard_1_to_5"),
            _rating_range("knows_next_steps", "feedback_knows_next_steps_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.workshop} #{self.pk}"


class FeedbackCriterionAnswer(models.Model):
    """A participant's perception (1–5) of one quality criterion."""

    response = models.ForeignKey(
        FeedbackResponse, verbose_name=_("Rückmeldung"), on_delete=models.CASCADE, related_name="criterion_answers"
    )
    criterion = models.ForeignKey(
        QualityCriterion, verbose_name=_("Qualitätsmerkmal"), on_delete=models.PROTECT, related_name="feedback_answers"
    )
    rating = models.PositiveSmallIntegerField(_("Bewertung"), choices=RATING_CHOICES)

    class Meta:
        verbose_name = _("Einschätzung eines Qualitätsmerkmals")
        verbose_name_plural = _("Einschätzungen der Qualitätsmerkmale")
        constraints = [
            models.UniqueConstraint(fields=["response", "criterion"], name="feedback_answer_once_per_criterion"),
            _rating_range("rating", "feedback_answer_1_to_5", nullable=False),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.rating}"


class ParticipationRecord(models.Model):
    """A pseudonymous trace of who attended a held workshop, for first-time vs returning figures.

    Written when a workshop is marked held (before registrations are anonymised); `person_hash` is a keyed
    HMAC of the normalised e-mail address, so it survives the anonymisation of the registration but can be
    erased on request (the privacy provider recomputes the hash from the address)."""

    workshop = models.ForeignKey(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.CASCADE, related_name="participation"
    )
    person_hash = models.CharField(max_length=64, db_index=True)
    attended = models.BooleanField(_("teilgenommen"), default=False)

    class Meta:
        verbose_name = _("Teilnahme (pseudonym)")
        verbose_name_plural = _("Teilnahmen (pseudonym)")
        constraints = [models.UniqueConstraint(fields=["workshop", "person_hash"], name="participation_once")]

    def __str__(self) -> str:
        return f"{self.workshop} {self.person_hash[:8]}"


class DocumentationReview(TimeStampedModel):
    """Attendees review a workshop's draft documentation before it is published (issue 12).

    Opened by the lead: checked-in attendees who agreed to be contacted get a link through their registration's
    manage token. While open, the public page says the documentation is being reviewed; after the window the
    lead answers every flag and publishes it, and the public page says how many flags were raised and answered."""

    workshop = models.OneToOneField(
        "workshops.Workshop",
        verbose_name=_("Werkstatt"),
        on_delete=models.CASCADE,
        related_name="documentation_review",
    )
    opened_at = models.DateTimeField(_("geöffnet am"))
    closes_at = models.DateTimeField(_("Hinweise möglich bis"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geöffnet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited = models.PositiveIntegerField(_("eingeladene Teilnehmer*innen"), default=0)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("veröffentlicht von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Prüfung der Dokumentation")
        verbose_name_plural = _("Prüfungen der Dokumentation")

    def __str__(self) -> str:
        return str(self.workshop)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def accepts_comments(self, now=None) -> bool:
        return not self.is_published and (now or timezone.now()) < self.closes_at


class ReviewComment(TimeStampedModel):
    """An attendee's comment on the draft documentation, or a flag "that is not what we agreed", with the
    lead's answer. Attendees write plain text (shown escaped)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Anmerkung")
        FLAG = "flag", _("Das haben wir so nicht vereinbart")

    review = models.ForeignKey(
        DocumentationReview, verbose_name=_("Prüfung"), on_delete=models.CASCADE, related_name="comments"
    )
    # Kept when the registration is anonymised (the text stays, the person does not); erasure deletes it.
    registration = models.ForeignKey(
        "workshops.Registration",
        verbose_name=_("Anmeldung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_comments",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("zur Vereinbarung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_comments",
    )
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(_("Text"))
    answer = models.TextField(_("Antwort der Moderation"), blank=True)
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beantwortet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Hinweis zur Dokumentation")
        verbose_name_plural = _("Hinweise zur Dokumentation")
        ordering = ["review", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="review_comment_text_not_empty")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_flag(self) -> bool:
        return self.kind == self.Kind.FLAG

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

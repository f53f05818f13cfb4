"""Quality criteria, facilitator reflections, commitments, participant feedback and result photos.

History is never lost: a criterion is retired (not deleted) and keeps its ratings; ratings, method uses and
feedback answers protect the criterion / method they point to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

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
    def author_role_label(self) -> str:
        from workshops.models import WorkshopTeamMember

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


class Insight(TimeStampedModel):
    """One insight of a reflection; recommendations link to insights as their evidence."""

    reflection = models.ForeignKey(
        Reflection, verbose_name=_("Reflexion"), on_delete=models.CASCADE, related_name="insights"
    )
    text = models.TextField(_("Erkenntnis"))
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

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

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Vereinbarung")
        verbose_name_plural = _("Vereinbarungen")
        ordering = ["workshop", "order", "created_at"]
        constraints = [models.CheckConstraint(condition=~Q(what=""), name="commitment_what_not_empty")]

    def __str__(self) -> str:
        return self.what[:80]


class ResultPhoto(TimeStampedModel):
    """A photo of results (flip charts, pin boards) for the public documentation page. Alt text is required."""

    workshop = models.ForeignKey(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.CASCADE, related_name="result_photos"
    )
    image = models.ImageField(_("Foto"), upload_to="reflections/photos/%Y/%m/")
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

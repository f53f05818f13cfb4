"""Handlungsempfehlungen (recommendations) with their evidence, co-creation and history, and report jobs."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.files import RandomName, private_storage
from core.models import TimeStampedModel


class FieldOfAction(models.Model):
    """A field of action (Handlungsfeld), an editable list seeded by a data migration."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Kennung"), unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RecommendationQuerySet(models.QuerySet):
    def public(self):
        """Everything but drafts: what the public tracker shows."""
        return self.exclude(status=Recommendation.Status.DRAFT)

    def for_district(self, district):
        """City-wide recommendations and those whose scope names the district."""
        return self.filter(Q(city_wide=True) | Q(districts=district)).distinct()

    def in_follow_up(self):
        """Adopted or in progress: the recommendations whose due date is watched."""
        return self.filter(status__in=Recommendation.FOLLOW_UP)

    def overdue(self, *, today=None):
        from django.utils import timezone

        return self.in_follow_up().filter(due_date__lt=today or timezone.localdate())

    def owned_by(self, user):
        """Recommendations the user answers for: named as an owner, or a member of the responsible unit."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
            return self.none()
        return self.filter(Q(owners=user) | Q(owner_unit__members=user)).distinct()


class Recommendation(TimeStampedModel):
    """A Handlungsempfehlung: drafted co-creatively, linked to its evidence, followed up in public.

    The status changes only through `recommendation_transition` (services), which keeps the history."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        CONSULTATION = "consultation", _("In Abstimmung")
        ADOPTED = "adopted", _("Beschlossen")
        IN_PROGRESS = "in_progress", _("In Umsetzung")
        IMPLEMENTED = "implemented", _("Umgesetzt")
        REJECTED = "rejected", _("Verworfen")

    class Addressee(models.TextChoices):
        ADMINISTRATION = "administration", _("Verwaltungseinheit")
        BEZIRKSRAT = "bezirksrat", _("Bezirksrat")
        RAT = "rat", _("Rat der Landeshauptstadt")
        FACHTEAM = "fachteam", _("Fachteam Beteiligung")

    class Priority(models.TextChoices):
        HIGH = "high", _("hoch")
        MEDIUM = "medium", _("mittel")
        LOW = "low", _("niedrig")

    # Allowed transitions; Verworfen always needs a reason. A rejected or consulted draft can be reopened.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.DRAFT: (Status.CONSULTATION, Status.REJECTED),
        Status.CONSULTATION: (Status.ADOPTED, Status.DRAFT, Status.REJECTED),
        Status.ADOPTED: (Status.IN_PROGRESS, Status.REJECTED),
        Status.IN_PROGRESS: (Status.IMPLEMENTED, Status.REJECTED),
        Status.IMPLEMENTED: (),
        Status.REJECTED: (Status.DRAFT,),
    }
    # Drafts and recommendations in consultation are open for comments and endorsements.
    OPEN_FOR_COMMENTS = (Status.DRAFT, Status.CONSULTATION)
    # Adopted and in progress: owners work on it, the due date is watched, reminders go out.
    FOLLOW_UP = (Status.ADOPTED, Status.IN_PROGRESS)
    # Statuses that record a decision (body, date, reference; Decision).
    DECIDED = (Status.ADOPTED, Status.REJECTED)
    # Implemented or rejected: the record is closed. Wording, progress, statement and milestones stay as they
    # were (a rejected recommendation is reopened as a draft first); reaching a planned milestone may still be
    # recorded.
    CLOSED = (Status.IMPLEMENTED, Status.REJECTED)

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kennung"), max_length=220, unique=True)
    text = models.TextField(_("Empfehlung"))
    rationale = models.TextField(_("Begründung"), blank=True)
    field = models.ForeignKey(
        FieldOfAction, verbose_name=_("Handlungsfeld"), on_delete=models.PROTECT, related_name="recommendations"
    )
    addressee = models.CharField(_("Adressat*in"), max_length=20, choices=Addressee.choices)
    responsible_unit = models.CharField(
        _("zuständige Stelle"), max_length=200, blank=True, help_text=_("z. B. Fachbereich oder Team")
    )
    city_wide = models.BooleanField(_("stadtweit"), default=False)
    districts = models.ManyToManyField(
        "districts.District", verbose_name=_("Stadtbezirke"), blank=True, related_name="recommendations"
    )
    priority = models.CharField(_("Priorität"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    due_date = models.DateField(_("Frist"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0, validators=[MaxValueValidator(100)])
    status = models.CharField(_("Status"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(_("Status seit"), null=True, blank=True)
    rejection_reason = models.TextField(_("Grund für das Verwerfen"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Follow-through (issue 13): the unit and people who answer for it, and what they say publicly.
    owner_unit = models.ForeignKey(
        "accounts.OrganisationUnit",
        verbose_name=_("zuständige Organisationseinheit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("verantwortlich"), blank=True, related_name="owned_recommendations"
    )
    statement = models.TextField(_("Stellungnahme"), blank=True)
    council_reference = models.CharField(
        _("Drucksache"), max_length=60, blank=True, db_index=True, help_text=_("z. B. 1234/2026")
    )
    council_paper = models.ForeignKey(
        "recommendations.Paper",
        verbose_name=_("Drucksache (Ratsinformationssystem)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
    )
    # Evidence: where the recommendation came from.
    workshops = models.ManyToManyField(
        "workshops.Workshop", verbose_name=_("Werkstätten"), blank=True, related_name="recommendations"
    )
    insights = models.ManyToManyField(
        "reflections.Insight",
        verbose_name=_("Erkenntnisse"),
        blank=True,
        related_name="recommendations",
        help_text=_("Verknüpfte Erkenntnisse erscheinen als Beleg im öffentlichen Tracker."),
    )
    reflections = models.ManyToManyField(
        "reflections.Reflection", verbose_name=_("Reflexionen"), blank=True, related_name="recommendations"
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Handlungsempfehlung")
        verbose_name_plural = _("Handlungsempfehlungen")
        ordering = ["field__order", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="recommendation_progress_max_100"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="recommendation_rejected_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["status", "field"], name="recommendation_status_field")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("recommendations:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def allowed_transitions(self) -> tuple[str, ...]:
        return self.TRANSITIONS[self.status]

    @property
    def open_for_comments(self) -> bool:
        return self.status in self.OPEN_FOR_COMMENTS

    @property
    def in_follow_up(self) -> bool:
        return self.status in self.FOLLOW_UP

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.in_follow_up and self.due_date is not None and self.due_date < timezone.localdate()


class Milestone(models.Model):
    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("Empfehlung"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("Meilenstein"), max_length=200)
    due_date = models.DateField(_("geplant bis"), null=True, blank=True)
    done_on = models.DateField(_("erreicht am"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["recommendation", "order", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class RecommendationVersion(models.Model):
    """The wording of a recommendation at one point: every edit of title, text or rationale adds one."""

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("Empfehlung"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("Version"))
    title = models.CharField(_("Titel"), max_length=200)
    text = models.TextField(_("Empfehlung"))
    rationale = models.TextField(_("Begründung"), blank=True)
    note = models.CharField(_("Anmerkung"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Fassung")
        verbose_name_plural = _("Fassungen")
        ordering = ["recommendation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "number"], name="recommendation_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} – {self.number}"


class HistoryEntry(models.Model):
    """One change of a recommendation: who, when, what, and a note. Never edited or deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("angelegt")
        EDITED = "edited", _("Text überarbeitet")
        CHANGED = "changed", _("Angaben geändert")
        STATUS = "status", _("Status geändert")
        PROGRESS = "progress", _("Fortschritt aktualisiert")
        MILESTONE = "milestone", _("Meilenstein")
        EVIDENCE = "evidence", _("Belege geändert")
        STATEMENT = "statement", _("Stellungnahme")
        OWNERS = "owners", _("Zuständigkeit geändert")
        DECISION = "decision", _("Beschluss")

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("Empfehlung"), on_delete=models.CASCADE, related_name="history"
    )
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices)
    from_status = models.CharField(_("von Status"), max_length=15, choices=Recommendation.Status.choices, blank=True)
    to_status = models.CharField(_("zu Status"), max_length=15, choices=Recommendation.Status.choices, blank=True)
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
        verbose_name = _("Verlaufseintrag")
        verbose_name_plural = _("Verlauf")
        ordering = ["recommendation", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%d.%m.%Y})"


class Comment(TimeStampedModel):
    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("Empfehlung"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendation_comments",
    )
    text = models.TextField(_("Kommentar"), max_length=4000)

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["recommendation", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Endorsement(models.Model):
    """A network member or the Fachteam supports a recommendation; one per person."""

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("Empfehlung"), on_delete=models.CASCADE, related_name="endorsements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("von"),
        on_delete=models.CASCADE,
        related_name="recommendation_endorsements",
    )
    created_at = models.DateTimeField(_("am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Unterstützung")
        verbose_name_plural = _("Unterstützungen")
        constraints = [models.UniqueConstraint(fields=["recommendation", "user"], name="endorsement_once_per_person")]

    def __str__(self) -> str:
        return f"{self.user} → {self.recommendation}"


class Proposal(TimeStampedModel):
    """A proposed recommendation (issue 12): anyone involved proposes, the Fachteam accepts it into drafting (a
    draft Recommendation) or declines it with a reason. The proposer is told either way."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        ACCEPTED = "accepted", _("in Ausarbeitung übernommen")
        DECLINED = "declined", _("nicht übernommen")

    title = models.CharField(_("Titel"), max_length=200)
    text = models.TextField(_("Vorschlag"), max_length=8000)
    rationale = models.TextField(_("Begründung"), max_length=8000, blank=True)
    field = models.ForeignKey(
        FieldOfAction, verbose_name=_("Handlungsfeld"), on_delete=models.PROTECT, related_name="proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vorgeschlagen von"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="recommendation_proposals",
    )
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("Antwort des Fachteams"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beantwortet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)
    recommendation = models.OneToOneField(
        Recommendation,
        verbose_name=_("Entwurf"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
    )

    class Meta:
        verbose_name = _("Vorschlag")
        verbose_name_plural = _("Vorschläge")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(answer=""), name="proposal_declined_has_answer"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("recommendations:proposal", kwargs={"pk": self.pk})


class Consultation(models.Model):
    """An open consultation on one version of a draft: invited roles contribute between `starts_at` and
    `ends_at`; afterwards every contribution gets a documented response before the recommendation can be
    adopted (services.recommendation_transition)."""

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("Empfehlung"), on_delete=models.CASCADE, related_name="consultations"
    )
    version = models.ForeignKey(
        RecommendationVersion,
        verbose_name=_("Fassung in der Konsultation"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    invited_roles = models.JSONField(_("eingeladene Rollen"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("von"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Konsultation")
        verbose_name_plural = _("Konsultationen")
        ordering = ["recommendation", "-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="consultation_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} ({self.starts_at:%d.%m.%Y}–{self.ends_at:%d.%m.%Y})"

    def is_open_at(self, when) -> bool:
        return self.starts_at <= when < self.ends_at

    def has_ended_at(self, when) -> bool:
        return when >= self.ends_at


class Contribution(TimeStampedModel):
    """A contribution to a consultation: a comment (on the whole text or one paragraph), a wording suggestion or
    an endorsement. Comments and suggestions get a documented response (ContributionResponse)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Kommentar")
        SUGGESTION = "suggestion", _("Formulierungsvorschlag")
        ENDORSEMENT = "endorsement", _("Unterstützung")

    NEEDS_RESPONSE = (Kind.COMMENT, Kind.SUGGESTION)

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("Konsultation"), on_delete=models.CASCADE, related_name="contributions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("von"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="consultation_contributions",
    )
    # Kept with the contribution: the organisation shown publicly, even after the account is gone.
    author_organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    author_role = models.CharField(_("Rolle"), max_length=40, blank=True)
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices, default=Kind.COMMENT)
    # 1-based number of the paragraph of the consulted text; None: the whole text.
    paragraph = models.PositiveSmallIntegerField(_("Absatz"), null=True, blank=True)
    paragraph_text = models.TextField(_("Absatz (Wortlaut)"), blank=True)
    text = models.TextField(_("Beitrag"), max_length=4000, blank=True)
    suggested_wording = models.TextField(_("vorgeschlagene Formulierung"), max_length=4000, blank=True)
    # Moderation (Fachteam, in the admin): a hidden contribution stays stored but is not shown and needs no
    # response; the public sees that a contribution was hidden and why.
    hidden_at = models.DateTimeField(_("ausgeblendet am"), null=True, blank=True)
    hidden_reason = models.CharField(_("Grund für das Ausblenden"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ausgeblendet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Beiträge")
        ordering = ["consultation", "paragraph", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "author"],
                condition=Q(kind="endorsement"),
                name="contribution_endorse_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def needs_response(self) -> bool:
        return self.kind in self.NEEDS_RESPONSE and self.hidden_at is None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ContributionResponse(models.Model):
    """The Fachteam's documented answer to one contribution: taken up, partly, or not, with a reason."""

    class Outcome(models.TextChoices):
        TAKEN_UP = "taken_up", _("übernommen")
        PARTLY = "partly", _("teilweise übernommen")
        NOT_TAKEN_UP = "not_taken_up", _("nicht übernommen")

    contribution = models.OneToOneField(
        Contribution, verbose_name=_("Beitrag"), on_delete=models.CASCADE, related_name="response"
    )
    outcome = models.CharField(_("Ergebnis"), max_length=15, choices=Outcome.choices)
    reason = models.TextField(_("Begründung"), max_length=4000)
    # The version that took the contribution up (the newest one when the response was given, if newer than
    # the consulted version): the version history shows which suggestion led to which change.
    version = models.ForeignKey(
        RecommendationVersion,
        verbose_name=_("Fassung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("von"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(_("am"))

    class Meta:
        verbose_name = _("Antwort auf einen Beitrag")
        verbose_name_plural = _("Antworten auf Beiträge")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="contribution_response_has_reason")]

    def __str__(self) -> str:
        return self.get_outcome_display()


class ReportJob(models.Model):
    """A PDF report requested by someone: the source of truth for the background job (DESIGN §5)."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Werkstattdokumentation")
        DISTRICT = "district", _("Bezirksbericht")
        RECOMMENDATIONS = "recommendations", _("Handlungsempfehlungen")
        ANNUAL = "annual", _("Jahresauswertung")

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("läuft")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")
        # The run stopped sending heartbeats (its worker died); staff may retry, a redelivered message takes over.
        STALLED = "stalled", _("unterbrochen")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    parameters = models.JSONField(_("Parameter"), default=dict, blank=True)
    title = models.CharField(_("Titel"), max_length=250, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    # Private storage with random names: only report_download serves it, after the permission check.
    file = models.FileField(_("Datei"), upload_to=RandomName("reports", ("pdf",)), storage=private_storage, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    # Identifies the run that owns the row while it is running; a late duplicate run cannot overwrite it.
    run_token = models.UUIDField(null=True, blank=True, editable=False, default=None)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angefordert von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_jobs",
    )
    created_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestartet"), null=True, blank=True)
    # Running: written every REPORT_JOB_HEARTBEAT_SECONDS by the run; queued: when the task was last published.
    heartbeat_at = models.DateTimeField(_("letztes Lebenszeichen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("beendet"), null=True, blank=True)
    timings = models.JSONField(_("Zeiten (s)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Berichtsauftrag")
        verbose_name_plural = _("Berichtsaufträge")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "started_at"], name="reportjob_status_started")]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="reportjob_progress_max_100")]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    def get_absolute_url(self) -> str:
        return reverse("recommendations:report_detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        """No run is working on the job (the page stops polling): done, failed, or stalled."""
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.STALLED)

    @property
    def is_retryable(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.STALLED)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @staticmethod
    def new_run_token() -> uuid.UUID:
        return uuid.uuid4()


# --- decisions and council documents (modelled on OParl 1.1, ADR 0012) ----------------------------------------


class OParlObject(models.Model):
    """Fields every imported OParl object has: its id (a URL, the key for upserts), its web page and its
    modification time in the source system."""

    oparl_id = models.URLField(_("OParl-ID"), max_length=500, unique=True)
    name = models.CharField(_("Name"), max_length=500, blank=True)
    web = models.URLField(_("Webseite"), max_length=500, blank=True)
    modified = models.DateTimeField(_("geändert (Quelle)"), null=True, blank=True)
    imported_at = models.DateTimeField(_("importiert am"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name or self.oparl_id


class Body(OParlObject):
    """oparl:Body — a municipality with a council information system (e.g. Landeshauptstadt Hannover)."""

    short_name = models.CharField(_("Kurzname"), max_length=200, blank=True)
    website = models.URLField(_("Website"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Körperschaft (OParl)")
        verbose_name_plural = _("Körperschaften (OParl)")
        ordering = ["name"]


class Meeting(OParlObject):
    """oparl:Meeting — a session of the Rat, a Stadtbezirksrat or a committee."""

    body = models.ForeignKey(
        Body, verbose_name=_("Körperschaft"), null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    start = models.DateTimeField(_("Beginn"), null=True, blank=True)
    end = models.DateTimeField(_("Ende"), null=True, blank=True)
    cancelled = models.BooleanField(_("abgesagt"), default=False)

    class Meta:
        verbose_name = _("Sitzung (OParl)")
        verbose_name_plural = _("Sitzungen (OParl)")
        ordering = ["-start", "pk"]


class Paper(OParlObject):
    """oparl:Paper — a Drucksache; `reference` is its number, by which recommendations are linked."""

    body = models.ForeignKey(
        Body, verbose_name=_("Körperschaft"), null=True, blank=True, on_delete=models.SET_NULL, related_name="papers"
    )
    reference = models.CharField(_("Drucksachennummer"), max_length=60, blank=True, db_index=True)
    date = models.DateField(_("Datum"), null=True, blank=True)
    paper_type = models.CharField(_("Art"), max_length=200, blank=True)
    main_file_url = models.URLField(_("Hauptdokument"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Drucksache (OParl)")
        verbose_name_plural = _("Drucksachen (OParl)")
        ordering = ["-date", "reference"]

    @property
    def link(self) -> str:
        return self.web or self.main_file_url or ""


class AgendaItem(OParlObject):
    """oparl:AgendaItem — an item of a meeting's agenda; `result` says what was decided."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("Sitzung"), null=True, blank=True, on_delete=models.CASCADE, related_name="agenda_items"
    )
    paper = models.ForeignKey(
        Paper,
        verbose_name=_("Drucksache"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    number = models.CharField(_("Nummer"), max_length=50, blank=True)
    public = models.BooleanField(_("öffentlich"), default=True)
    result = models.CharField(_("Ergebnis"), max_length=300, blank=True)
    resolution_text = models.TextField(_("Beschlusstext"), blank=True)

    class Meta:
        verbose_name = _("Tagesordnungspunkt (OParl)")
        verbose_name_plural = _("Tagesordnungspunkte (OParl)")
        ordering = ["meeting", "number", "pk"]


class Decision(TimeStampedModel):
    """How a recommendation was decided ("Beschlossen" or "Verworfen"): the deciding body, the date and the
    reference (Drucksache number and link). Recorded by `decision_record` together with the status change."""

    class BodyKind(models.TextChoices):
        BEZIRKSRAT = "bezirksrat", _("Stadtbezirksrat")
        RAT = "rat", _("Rat der Landeshauptstadt")
        VERWALTUNGSVORSTAND = "verwaltungsvorstand", _("Verwaltungsvorstand")
        FACHTEAM = "fachteam", _("Fachteam Beteiligung")

    # Councils decide on a Drucksache, which has a public link; internal bodies may have none.
    COUNCILS = (BodyKind.BEZIRKSRAT, BodyKind.RAT)

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Beschlossen")
        REJECTED = "rejected", _("Verworfen")

    recommendation = models.OneToOneField(
        Recommendation, verbose_name=_("Empfehlung"), on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("Ergebnis"), max_length=10, choices=Outcome.choices)
    body_kind = models.CharField(_("beschließendes Gremium"), max_length=20, choices=BodyKind.choices)
    body_name = models.CharField(
        _("Name des Gremiums"), max_length=200, help_text=_("z. B. Stadtbezirksrat Linden-Limmer")
    )
    decided_on = models.DateField(_("Datum des Beschlusses"))
    reference = models.CharField(_("Drucksache / Aktenzeichen"), max_length=60)
    url = models.URLField(_("Link zur Drucksache"), max_length=500, blank=True)
    paper = models.ForeignKey(
        Paper,
        verbose_name=_("Drucksache (OParl)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("Sitzung (OParl)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Beschluss")
        verbose_name_plural = _("Beschlüsse")
        constraints = [
            models.CheckConstraint(condition=~Q(reference=""), name="decision_has_reference"),
            models.CheckConstraint(
                condition=~Q(body_kind__in=["bezirksrat", "rat"]) | ~Q(url=""), name="decision_council_has_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body_name}, {self.decided_on:%d.%m.%Y} ({self.reference})"

    @property
    def link(self) -> str:
        return self.url or (self.paper.link if self.paper_id and self.paper else "")

"""Handlungsempfehlungen (recommendations) with their evidence, co-creation and history, and report jobs."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    parameters = models.JSONField(_("Parameter"), default=dict, blank=True)
    title = models.CharField(_("Titel"), max_length=250, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    file = models.FileField(_("Datei"), upload_to="reports/%Y/%m/", blank=True)
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
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @staticmethod
    def new_run_token() -> uuid.UUID:
        return uuid.uuid4()

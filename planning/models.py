"""Concepts (versioned workshop prototypes), the planning workspace, the facilitation record and stages.

Planning sits above workshops and reflections (DESIGN §3): it links a workshop to the concept version it
was planned from (WorkshopPlan), reads the reflections' points for the next version (ChangePoint), and
derives who ran a workshop (Eigenregie / Tandem / Prototyp) from the facilitation record. The workshop
itself stays the workshops app's model; `Workshop.run_by` is only a cache written by planning.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from workshops.models import Workshop


class Stage(models.TextChoices):
    """A person's stage on the coaching path, in order."""

    OBSERVER = "observer", _("Hospitation")
    CO_FACILITATOR = "co_facilitator", _("Co-Moderation")
    TANDEM_LEAD = "tandem_lead", _("Leitung im Tandem")
    LEAD = "lead", _("Leitung")


STAGE_ORDER: list[str] = [Stage.OBSERVER, Stage.CO_FACILITATOR, Stage.TANDEM_LEAD, Stage.LEAD]


class DistrictStage(models.TextChoices):
    """A district's stage on the path to Eigenregie (API values are stable: DESIGN §6)."""

    PROTOTYP = "prototyp", _("Prototyp")
    TANDEM = "tandem", _("Tandem")
    EIGENREGIE = "eigenregie", _("Eigenregie")


DISTRICT_STAGE_ORDER: list[str] = [DistrictStage.PROTOTYP, DistrictStage.TANDEM, DistrictStage.EIGENREGIE]


class FacilitationRole(models.TextChoices):
    """The role a person actually took in a workshop, in ascending order of responsibility."""

    OBSERVER = "observer", _("Hospitation")
    CO_FACILITATION = "co_facilitation", _("Co-Moderation")
    TANDEM_LEAD = "tandem_lead", _("Leitung im Tandem mit dem Prozessteam")
    LEAD = "lead", _("Leitung")


ROLE_ORDER: list[str] = [
    FacilitationRole.OBSERVER,
    FacilitationRole.CO_FACILITATION,
    FacilitationRole.TANDEM_LEAD,
    FacilitationRole.LEAD,
]
LEADING_ROLES = (FacilitationRole.TANDEM_LEAD, FacilitationRole.LEAD)


# --- concepts --------------------------------------------------------------------------------------------------


class ConceptQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class Concept(TimeStampedModel):
    """A Werkstattkonzept: the reusable design of a workshop. Its content lives in its versions."""

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kennung"), max_length=220, unique=True)
    summary = models.TextField(_("Kurzbeschreibung"), blank=True)
    is_public = models.BooleanField(_("öffentlich"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ConceptQuerySet.as_manager()

    class Meta:
        verbose_name = _("Werkstattkonzept")
        verbose_name_plural = _("Werkstattkonzepte")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:concept_detail", kwargs={"slug": self.slug})


class ConceptVersion(TimeStampedModel):
    """One version of a concept. Immutable once a workshop was planned from it (services create a new
    version instead), so every run keeps the design it was run with."""

    concept = models.ForeignKey(Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("Version"))
    goal = models.TextField(_("Ziel"))
    participation_level = models.CharField(
        _("Beteiligungsstufe"),
        max_length=20,
        choices=Workshop.ParticipationLevel.choices,
        default=Workshop.ParticipationLevel.KONSULTATION,
    )
    format = models.ForeignKey(
        "workshops.Format", verbose_name=_("Format"), on_delete=models.PROTECT, related_name="concept_versions"
    )
    duration_minutes = models.PositiveIntegerField(_("Dauer (Minuten)"), default=120)
    target_groups = models.TextField(_("Zielgruppen"), blank=True)
    roles_needed = models.TextField(_("benötigte Rollen"), blank=True, help_text=_("Eine Rolle pro Zeile."))
    materials = models.TextField(_("Material"), blank=True)
    accessibility_checklist = models.TextField(
        _("Checkliste Barrierefreiheit"), blank=True, help_text=_("Ein Punkt pro Zeile.")
    )
    invitation_text = models.TextField(_("Einladungstext"), blank=True)
    change_log = models.TextField(_("Änderungen gegenüber der Vorversion"), blank=True)
    taken_up: models.ManyToManyField = models.ManyToManyField(
        "ChangePoint", verbose_name=_("aufgegriffene Punkte"), blank=True, related_name="taken_up_in"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The text fields shown in the version diff, in this order.
    DIFF_FIELDS = (
        "goal",
        "target_groups",
        "roles_needed",
        "materials",
        "accessibility_checklist",
        "invitation_text",
    )

    class Meta:
        verbose_name = _("Konzeptversion")
        verbose_name_plural = _("Konzeptversionen")
        ordering = ["concept", "number"]
        constraints = [models.UniqueConstraint(fields=["concept", "number"], name="concept_version_number_once")]

    def __str__(self) -> str:
        return f"{self.concept} – V{self.number}"

    @property
    def roles_list(self) -> list[str]:
        return [line.strip() for line in self.roles_needed.splitlines() if line.strip()]

    @property
    def checklist_list(self) -> list[str]:
        return [line.strip() for line in self.accessibility_checklist.splitlines() if line.strip()]


class ConceptAgendaItem(models.Model):
    """A step of the concept's agenda, usually a method from the library, with its duration."""

    version = models.ForeignKey(
        ConceptVersion, verbose_name=_("Version"), on_delete=models.CASCADE, related_name="agenda"
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    title = models.CharField(_("Titel"), max_length=200)
    method = models.ForeignKey(
        "workshops.Method",
        verbose_name=_("Methode"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concept_agenda_items",
    )
    duration_minutes = models.PositiveIntegerField(_("Dauer (Minuten)"), default=15)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Programmpunkt des Konzepts")
        verbose_name_plural = _("Programm des Konzepts")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class TaskRole(models.TextChoices):
    PLANNER = "planner", _("Planende Stelle")
    LEAD = "lead", _("Moderation")
    FACHTEAM = "fachteam", _("Fachteam Beteiligung")


class ConceptTask(models.Model):
    """A task of the planning timeline: due `offset_days` relative to the workshop date (negative = before)."""

    version = models.ForeignKey(
        ConceptVersion, verbose_name=_("Version"), on_delete=models.CASCADE, related_name="timeline"
    )
    title = models.CharField(_("Aufgabe"), max_length=200)
    offset_days = models.SmallIntegerField(
        _("Tage relativ zum Termin"), help_text=_("Negativ: vor dem Termin, positiv: danach.")
    )
    role = models.CharField(_("wer"), max_length=12, choices=TaskRole.choices, default=TaskRole.PLANNER)

    class Meta:
        verbose_name = _("Aufgabe im Zeitplan")
        verbose_name_plural = _("Zeitplan")
        ordering = ["version", "offset_days", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> int:
        return abs(self.offset_days)


class ChangePoint(TimeStampedModel):
    """A "what do we change next time" point after a run of a concept; a later version may take it up."""

    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="change_points"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop",
        verbose_name=_("aus Werkstatt"),
        on_delete=models.CASCADE,
        related_name="concept_change_points",
    )
    reflection = models.ForeignKey(
        "reflections.Reflection",
        verbose_name=_("aus Reflexion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concept_change_points",
    )
    text = models.TextField(_("Was ändern wir beim nächsten Mal?"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notiert von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Änderungspunkt")
        verbose_name_plural = _("Änderungspunkte")
        ordering = ["concept", "created_at"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="change_point_text_not_empty")]

    def __str__(self) -> str:
        return self.text[:80]


# --- venues and plans ------------------------------------------------------------------------------------------


class Venue(TimeStampedModel):
    """A place where workshops can be held, with its accessibility facts."""

    name = models.CharField(_("Name"), max_length=200)
    address = models.CharField(_("Adresse"), max_length=300)
    district = models.ForeignKey(
        "districts.District", verbose_name=_("Stadtbezirk"), on_delete=models.PROTECT, related_name="venues"
    )
    capacity = models.PositiveIntegerField(_("Plätze"), default=30)
    step_free = models.BooleanField(_("stufenloser Zugang"), default=False)
    accessible_toilet = models.BooleanField(_("barrierefreies WC"), default=False)
    induction_loop = models.BooleanField(_("Induktionsschleife"), default=False)
    public_transport = models.CharField(_("Anfahrt mit Bus und Bahn"), max_length=300, blank=True)
    notes = models.TextField(_("weitere Hinweise"), blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Veranstaltungsort")
        verbose_name_plural = _("Veranstaltungsorte")
        ordering = ["district__number", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="venue_name_once_per_district")]

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("zur Prüfung eingereicht")
    CHANGES_REQUESTED = "changes_requested", _("Änderungen erbeten")
    APPROVED = "approved", _("freigegeben")
    PUBLISHED = "published", _("veröffentlicht")


EDITABLE_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.CHANGES_REQUESTED)


class WorkshopPlanQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=PlanStatus.PUBLISHED)


class WorkshopPlan(TimeStampedModel):
    """The planning of one workshop from a concept version, by a district office or network partner.

    The workshop is created as a draft when planning starts (not public until published), so agenda and
    team are the workshop's own; the plan holds the workflow state, the venue booking and the checklist."""

    workshop = models.OneToOneField(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.CASCADE, related_name="plan"
    )
    concept_version = models.ForeignKey(
        ConceptVersion, verbose_name=_("Konzeptversion"), on_delete=models.PROTECT, related_name="plans"
    )
    district = models.ForeignKey(
        "districts.District", verbose_name=_("Stadtbezirk"), on_delete=models.PROTECT, related_name="plans"
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("Ort"), null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    planner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geplant von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshop_plans",
    )
    status = models.CharField(_("Status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    approved_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("freigegeben von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    without_review = models.BooleanField(_("ohne Prüfung veröffentlicht (Eigenregie)"), default=False)

    objects = WorkshopPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("Planung")
        verbose_name_plural = _("Planungen")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["district", "status"], name="plan_district_status")]

    def __str__(self) -> str:
        return str(self.workshop)

    def get_absolute_url(self) -> str:
        return reverse("planning:plan_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_PLAN_STATUSES


class PlanComment(TimeStampedModel):
    """A review comment on a plan (a plain comment, a change request or the approval note)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Kommentar")
        CHANGES = "changes", _("Änderungen erbeten")
        APPROVAL = "approval", _("Freigabe")
        SUBMISSION = "submission", _("Einreichung")

    plan = models.ForeignKey(WorkshopPlan, verbose_name=_("Planung"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(_("Text"), blank=True)

    class Meta:
        verbose_name = _("Kommentar zur Planung")
        verbose_name_plural = _("Kommentare zur Planung")
        ordering = ["plan", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class PlanTask(models.Model):
    """A task of the plan's checklist, generated from the concept version's timeline."""

    plan = models.ForeignKey(WorkshopPlan, verbose_name=_("Planung"), on_delete=models.CASCADE, related_name="tasks")
    source = models.ForeignKey(
        ConceptTask, verbose_name=_("aus Zeitplan"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("Aufgabe"), max_length=200)
    role = models.CharField(_("wer"), max_length=12, choices=TaskRole.choices, default=TaskRole.PLANNER)
    due_date = models.DateField(_("fällig am"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zuständig"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planning_tasks",
    )
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erledigt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Aufgabe der Planung")
        verbose_name_plural = _("Checkliste")
        ordering = ["plan", "due_date", "pk"]
        indexes = [models.Index(fields=["done_at", "due_date"], name="plan_task_open_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


# --- facilitation record and coaching ------------------------------------------------------------------------


class FacilitationRecord(TimeStampedModel):
    """The role a person actually took in a workshop; recorded from the team, confirmed afterwards.

    Only confirmed records count for stages and for the Eigenregie derivation."""

    workshop = models.ForeignKey(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.CASCADE, related_name="facilitation"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="facilitation_records",
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=FacilitationRole.choices)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bestätigt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Moderationsnachweis")
        verbose_name_plural = _("Moderationsnachweise")
        ordering = ["workshop", "person"]
        constraints = [models.UniqueConstraint(fields=["workshop", "person"], name="facilitation_once_per_workshop")]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} ({self.workshop})"


class CoachingNote(TimeStampedModel):
    """A coach's short note for a person after a workshop; visible to that person and the Fachteam only."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("für"), on_delete=models.CASCADE, related_name="coaching_notes"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", verbose_name=_("Werkstatt"), on_delete=models.CASCADE, related_name="coaching_notes"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Coach"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coaching_notes_written",
    )
    text = models.TextField(_("Notiz"))

    class Meta:
        verbose_name = _("Coaching-Notiz")
        verbose_name_plural = _("Coaching-Notizen")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="coaching_note_text_not_empty")]

    def __str__(self) -> str:
        return f"{self.person} ({self.workshop})"


class StageThreshold(models.Model):
    """What a stage needs: at least `min_count` confirmed records at `role` or above (with a coaching note
    for that workshop, if `with_coaching`). A stage needs all its rows and every lower stage. Editable in
    the admin; counts only grow when records are added, so a derived stage never goes backwards."""

    stage = models.CharField(
        _("Stufe"),
        max_length=20,
        choices=[(v, label) for v, label in Stage.choices if v != Stage.OBSERVER],
    )
    role = models.CharField(_("Rolle mindestens"), max_length=20, choices=FacilitationRole.choices)
    min_count = models.PositiveSmallIntegerField(_("Anzahl"), default=1)
    with_coaching = models.BooleanField(_("mit Coaching"), default=False)

    class Meta:
        verbose_name = _("Schwelle einer Stufe")
        verbose_name_plural = _("Schwellen der Stufen")
        ordering = ["stage", "role"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "role", "with_coaching"], name="stage_threshold_once"),
            models.CheckConstraint(condition=Q(min_count__gte=1), name="stage_threshold_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.min_count} × {self.get_role_display()}"

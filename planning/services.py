"""Every write of the planning app: concepts and versions, plans and their review, checklists and
reminders, the facilitation record, coaching notes, and the `Workshop.run_by` cache.

`Workshop.run_by` is derived (planning.derivation.classify_workshop); `run_by_refresh` is the only writer of
the stored copy and is called by every service that changes what the derivation reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role, user_is_fachteam
from core.exceptions import ApplicationError, NotAllowed
from core.services import mail_enqueue
from districts.models import District
from workshops import services as workshop_services
from workshops.models import AgendaItem, Workshop, WorkshopTeamMember

from . import selectors
from .models import (
    ChangePoint,
    CoachingNote,
    Concept,
    ConceptAgendaItem,
    ConceptTask,
    ConceptVersion,
    FacilitationRecord,
    FacilitationRole,
    PlanComment,
    PlanStatus,
    PlanTask,
    StageThreshold,
    TaskRole,
    Venue,
    WorkshopPlan,
)

MAIL = "planning/mail/"

# --- errors -------------------------------------------------------------------------------------------------


class DateInPast(ApplicationError):
    default_message = gettext_lazy("Der Termin liegt in der Vergangenheit. Bitte wählen Sie einen späteren Termin.")
    default_code = "date_in_past"


class InvalidTimes(ApplicationError):
    default_message = gettext_lazy("Das Ende muss nach dem Beginn liegen.")
    default_code = "invalid_times"


class VenueBooked(ApplicationError):
    default_message = gettext_lazy("Der Ort ist zu dieser Zeit bereits für eine andere Werkstatt gebucht.")
    default_code = "venue_booked"


class PlannerNotInDistrict(NotAllowed):
    default_message = gettext_lazy(
        "Die planende Person ist nicht mehr für diesen Stadtbezirk zuständig. Die Planung bleibt erhalten; "
        "das Fachteam kann sie einer anderen Person übertragen."
    )
    default_code = "planner_not_in_district"


class PlanNotEditable(NotAllowed):
    default_message = gettext_lazy("Diese Planung kann im aktuellen Status nicht bearbeitet werden.")
    default_code = "plan_not_editable"


class TransitionNotAllowed(NotAllowed):
    default_message = gettext_lazy("Dieser Schritt ist im aktuellen Status der Planung nicht möglich.")
    default_code = "transition_not_allowed"


class TextRequired(ApplicationError):
    default_message = gettext_lazy("Bitte schreiben Sie, was geändert werden soll.")
    default_code = "text_required"


class NotOnTeam(ApplicationError):
    default_message = gettext_lazy("Diese Person gehört nicht zum Team dieser Werkstatt.")
    default_code = "not_on_team"


class NotYetHeld(NotAllowed):
    default_message = gettext_lazy("Rollen werden erst nach Beginn der Werkstatt bestätigt.")
    default_code = "not_yet_held"


class NoConcept(ApplicationError):
    default_message = gettext_lazy("Diese Werkstatt wurde nicht aus einem Werkstattkonzept geplant.")
    default_code = "no_concept"


def _actor(by: Any) -> User | None:
    return by if isinstance(by, User) and by.pk else None


# --- concepts -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaStep:
    title: str
    duration_minutes: int
    method_id: int | None = None
    description: str = ""


@dataclass(frozen=True)
class TimelineTask:
    title: str
    offset_days: int
    role: str = TaskRole.PLANNER


VERSION_FIELDS = (
    "goal",
    "participation_level",
    "format",
    "duration_minutes",
    "target_groups",
    "roles_needed",
    "materials",
    "accessibility_checklist",
    "invitation_text",
)


def _unique_concept_slug(title: str) -> str:
    base = slugify(title)[:200] or "konzept"
    slug, n = base, 2
    while Concept.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def concept_create(
    *,
    title: str,
    summary: str = "",
    by: Any = None,
    agenda: list[AgendaStep] | None = None,
    timeline: list[TimelineTask] | None = None,
    **version_fields: Any,
) -> Concept:
    """Create a concept with its first version."""
    with transaction.atomic():
        concept = Concept.objects.create(
            title=title, slug=_unique_concept_slug(title), summary=summary, created_by=_actor(by)
        )
        concept_version_create(
            concept=concept, by=by, agenda=agenda or [], timeline=timeline or [], fields=version_fields
        )
    return concept


def concept_version_create(
    *,
    concept: Concept,
    fields: dict[str, Any],
    by: Any = None,
    base: ConceptVersion | None = None,
    agenda: list[AgendaStep] | None = None,
    timeline: list[TimelineTask] | None = None,
    change_log: str = "",
    taken_up: list[ChangePoint] | None = None,
) -> ConceptVersion:
    """Add the next version of a concept. Fields, agenda and timeline not given are copied from `base`
    (default: the latest version). `taken_up`: the change points of earlier runs this version answers."""
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise ValueError(f"unknown version fields: {sorted(unknown)}")
    with transaction.atomic():
        Concept.objects.select_for_update().get(pk=concept.pk)  # serialise version numbers per concept
        if base is None:
            base = concept.versions.order_by("-number").first()
        values: dict[str, Any] = {name: getattr(base, name) for name in VERSION_FIELDS} if base else {}
        values.update(fields)
        number = (concept.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ConceptVersion.objects.create(
            concept=concept, number=number, change_log=change_log, created_by=_actor(by), **values
        )
        if agenda is None and base is not None:
            agenda = [AgendaStep(i.title, i.duration_minutes, i.method_id, i.description) for i in base.agenda.all()]
        if timeline is None and base is not None:
            timeline = [TimelineTask(t.title, t.offset_days, t.role) for t in base.timeline.all()]
        ConceptAgendaItem.objects.bulk_create(
            [
                ConceptAgendaItem(
                    version=version,
                    order=index,
                    title=step.title,
                    duration_minutes=step.duration_minutes,
                    method_id=step.method_id,
                    description=step.description,
                )
                for index, step in enumerate(agenda or [])
            ]
        )
        ConceptTask.objects.bulk_create(
            [
                ConceptTask(version=version, title=t.title, offset_days=t.offset_days, role=t.role)
                for t in timeline or []
            ]
        )
        if taken_up:
            foreign = [p for p in taken_up if p.concept_id != concept.pk]
            if foreign:
                raise ApplicationError(_("Aufgegriffene Punkte müssen zu diesem Konzept gehören."))
            version.taken_up.set(taken_up)
    return version


def concept_version_update(
    *, version: ConceptVersion, fields: dict[str, Any], by: Any = None, change_log: str = ""
) -> tuple[ConceptVersion, bool]:
    """Change a version. A version that workshops were planned from is never changed (their runs keep the
    design they ran with): the change becomes a new version instead. Returns (version, created_new)."""
    with transaction.atomic():
        locked = ConceptVersion.objects.select_for_update().get(pk=version.pk)
        if locked.plans.exists():
            new = concept_version_create(
                concept=locked.concept, fields=fields, by=by, base=locked, change_log=change_log
            )
            return new, True
        for name, value in fields.items():
            if name not in VERSION_FIELDS:
                raise ValueError(f"unknown version field: {name}")
            setattr(locked, name, value)
        if change_log:
            locked.change_log = change_log
        locked.save()
    return locked, False


def concept_version_save(*, version: ConceptVersion, by: Any = None) -> ConceptVersion:
    """Save a version edited in the admin: a new one gets the next number; a used one is never changed."""
    with transaction.atomic():
        if version.pk is None:
            Concept.objects.select_for_update().get(pk=version.concept_id)
            version.number = (version.concept.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version.created_by = _actor(by)
        elif ConceptVersion.objects.filter(pk=version.pk, plans__isnull=False).exists():
            raise NotAllowed(_("Nach dieser Version wurden bereits Werkstätten geplant; legen Sie eine neue an."))
        version.save()
    return version


def stage_threshold_save(*, threshold: StageThreshold, by: Any = None) -> StageThreshold:
    """Save a threshold (admin) and re-derive every workshop's classification: stages depend on it."""
    with transaction.atomic():
        threshold.full_clean()
        threshold.save()
        run_by_refresh()
    return threshold


def stage_threshold_delete(*, threshold: StageThreshold, by: Any = None) -> None:
    with transaction.atomic():
        StageThreshold.objects.filter(pk=threshold.pk).delete()
        run_by_refresh()


def change_point_add(*, workshop: Workshop, text: str, by: Any = None, reflection: Any = None) -> ChangePoint:
    """Note a "what do we change next time" point after a run; it is listed on the concept's page."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Bitte beschreiben Sie, was beim nächsten Mal anders sein soll."))
    plan = WorkshopPlan.objects.select_related("concept_version").filter(workshop=workshop).first()
    if plan is None:
        raise NoConcept()
    return ChangePoint.objects.create(
        concept_id=plan.concept_version.concept_id,
        workshop=workshop,
        reflection=reflection,
        text=text,
        created_by=_actor(by),
    )


# --- plans --------------------------------------------------------------------------------------------------


def _may_plan_for(user: Any, district: District) -> bool:
    if user_is_fachteam(user):
        return True
    return user is not None and user.pk is not None and user.districts.filter(pk=district.pk).exists()


def _check_times(starts_at: datetime, ends_at: datetime, *, now: datetime | None = None) -> None:
    if starts_at <= (now or timezone.now()):
        raise DateInPast()
    if ends_at <= starts_at:
        raise InvalidTimes()


def _check_venue(venue: Venue | None, starts_at: datetime, ends_at: datetime, *, exclude_plan: int | None) -> None:
    if venue is None:
        return
    clash = (
        WorkshopPlan.objects.filter(venue=venue, workshop__starts_at__lt=ends_at, workshop__ends_at__gt=starts_at)
        .exclude(workshop__status=Workshop.Status.CANCELLED)
        .exclude(pk=exclude_plan or 0)
        .select_related("workshop")
        .first()
    )
    if clash is not None:
        raise VenueBooked(
            _(
                "„%(venue)s“ ist zu dieser Zeit bereits für „%(title)s“ gebucht (%(start)s). Bitte wählen Sie "
                "einen anderen Ort oder eine andere Zeit."
            )
            % {
                "venue": venue.name,
                "title": clash.workshop.title,
                "start": timezone.localtime(clash.workshop.starts_at).strftime("%d.%m.%Y %H:%M"),
            }
        )


def _check_planner(plan: WorkshopPlan) -> None:
    if plan.planner is None or not _may_plan_for(plan.planner, plan.district):
        raise PlannerNotInDistrict()


def _unique_workshop_slug(title: str, starts_at: datetime) -> str:
    base = slugify(f"{title}-{timezone.localtime(starts_at):%Y-%m-%d}")[:200] or "werkstatt"
    slug, n = base, 2
    while Workshop.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _venue_values(venue: Venue | None) -> dict[str, Any]:
    """The workshop's venue fields from a venue of the list (the workshop keeps its own copy)."""
    if venue is None:
        return {}
    return {
        "venue_name": venue.name,
        "venue_address": venue.address,
        "venue_step_free": venue.step_free,
        "venue_accessible_toilet": venue.accessible_toilet,
        "venue_induction_loop": venue.induction_loop,
        "venue_public_transport": venue.public_transport,
        "venue_notes": venue.notes,
    }


def plan_create(
    *,
    concept_version: ConceptVersion,
    district: District,
    planner: User,
    starts_at: datetime,
    ends_at: datetime | None = None,
    venue: Venue | None = None,
    title: str = "",
    capacity: int | None = None,
    now: datetime | None = None,
) -> WorkshopPlan:
    """Start planning a workshop from a concept version for a district: a draft workshop (not public) with
    the concept's texts and agenda, and the checklist from its timeline."""
    if not _may_plan_for(planner, district):
        raise PlannerNotInDistrict(_("Sie können nur für Ihre eigenen Stadtbezirke planen."))
    ends_at = ends_at or starts_at + timedelta(minutes=concept_version.duration_minutes)
    _check_times(starts_at, ends_at, now=now)
    with transaction.atomic():
        _check_venue(venue, starts_at, ends_at, exclude_plan=None)
        title = title.strip() or concept_version.concept.title
        values: dict[str, Any] = {
            "title": title[:200],
            "slug": _unique_workshop_slug(title, starts_at),
            "district": district,
            "format": concept_version.format,
            "description": concept_version.invitation_text or concept_version.goal,
            "participation_level": concept_version.participation_level,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue_name": _("Ort folgt"),
            "venue_address": _("wird noch bekannt gegeben"),
            "capacity": capacity or (venue.capacity if venue else 20),
            "status": Workshop.Status.DRAFT,
            **_venue_values(venue),
        }
        workshop = workshop_services.workshop_create(values=values, by=planner)
        for item in concept_version.agenda.all():
            workshop_services.agenda_item_save(
                item=AgendaItem(
                    workshop=workshop,
                    order=item.order,
                    duration_minutes=item.duration_minutes,
                    title=item.title,
                    description=item.description,
                    method_id=item.method_id,
                ),
                by=planner,
            )
        plan = WorkshopPlan.objects.create(
            workshop=workshop, concept_version=concept_version, district=district, venue=venue, planner=planner
        )
        checklist_generate(plan=plan)
    return plan


PLAN_FIELDS = ("title", "description", "capacity")


def plan_update(
    *,
    plan: WorkshopPlan,
    by: Any,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    venue: Venue | None = None,
    clear_venue: bool = False,
    now: datetime | None = None,
    **fields: Any,
) -> WorkshopPlan:
    """Change date, venue and texts of a plan in draft (or with changes requested)."""
    with transaction.atomic():
        plan = (
            WorkshopPlan.objects.select_for_update(of=("self",))
            .select_related("workshop", "planner", "district")
            .get(pk=plan.pk)
        )
        if not plan.is_editable:
            raise PlanNotEditable()
        if not user_is_fachteam(by):
            _check_planner(plan)
        workshop = plan.workshop
        new_start = starts_at or workshop.starts_at
        if ends_at is None:
            ends_at = new_start + (workshop.ends_at - workshop.starts_at)
        if starts_at is not None or ends_at != workshop.ends_at:
            _check_times(new_start, ends_at, now=now)
        new_venue = None if clear_venue else (venue or plan.venue)
        _check_venue(new_venue, new_start, ends_at, exclude_plan=plan.pk)
        moved = new_start != workshop.starts_at
        unknown = set(fields) - set(PLAN_FIELDS)
        if unknown:
            raise ValueError(f"unknown plan fields: {sorted(unknown)}")
        changes: dict[str, Any] = {"starts_at": new_start, "ends_at": ends_at, **fields}
        if new_venue is not None and new_venue != plan.venue:
            changes.update(_venue_values(new_venue))
        plan.workshop = workshop_services.workshop_update(workshop=workshop, changes=changes, by=by)
        plan.venue = new_venue
        plan.save(update_fields=["venue", "updated_at"])
        if moved:
            _reschedule(plan)
    return plan


def plan_agenda_set(*, plan: WorkshopPlan, by: Any, items: list[AgendaStep]) -> None:
    """Replace the workshop's agenda (adapting the concept's agenda for this run)."""
    with transaction.atomic():
        plan = WorkshopPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
        if not plan.is_editable:
            raise PlanNotEditable()
        for old in AgendaItem.objects.filter(workshop_id=plan.workshop_id):
            workshop_services.agenda_item_delete(item=old, by=by)
        for index, step in enumerate(items):
            workshop_services.agenda_item_save(
                item=AgendaItem(
                    workshop_id=plan.workshop_id,
                    order=index,
                    duration_minutes=step.duration_minutes,
                    title=step.title,
                    description=step.description,
                    method_id=step.method_id,
                ),
                by=by,
            )


class NotATeamCandidate(ApplicationError):
    default_message = gettext_lazy(
        "Ins Team können nur Personen mit einer Rolle im Beteiligungsprozess (Fachteam, Bezirksmanagement, "
        "Moderation, Beteiligungsnetzwerk). Das Fachteam kann eine Rolle vergeben."
    )
    default_code = "not_a_team_candidate"


def plan_team_add(*, plan: WorkshopPlan, by: Any, user: User, role: str) -> WorkshopTeamMember:
    """Add a person to the workshop's team (or change their team role). Team members see the attendee list
    and support needs, so only people with a role in the process can be added here."""
    if not user.is_active or not user.groups.filter(name__in=[r.value for r in Role]).exists():
        raise NotATeamCandidate()
    with transaction.atomic():
        plan = WorkshopPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
        if not plan.is_editable and plan.status != PlanStatus.APPROVED:
            raise PlanNotEditable()
        member = WorkshopTeamMember.objects.filter(workshop_id=plan.workshop_id, user=user).first() or (
            WorkshopTeamMember(workshop_id=plan.workshop_id, user=user)
        )
        member.role = role
        workshop_services.workshop_team_member_save(member=member, by=by)
        _assign_lead_tasks(plan)
    return member


def plan_submit(*, plan: WorkshopPlan, by: Any, note: str = "") -> WorkshopPlan:
    """Submit a draft for review by the Fachteam."""
    with transaction.atomic():
        plan = (
            WorkshopPlan.objects.select_for_update(of=("self",)).select_related("planner", "district").get(pk=plan.pk)
        )
        if not plan.is_editable:
            raise TransitionNotAllowed()
        _check_planner(plan)
        plan.status = PlanStatus.SUBMITTED
        plan.submitted_at = timezone.now()
        plan.save(update_fields=["status", "submitted_at", "updated_at"])
        PlanComment.objects.create(plan=plan, author=_actor(by), kind=PlanComment.Kind.SUBMISSION, text=note.strip())
    return plan


def plan_comment(*, plan: WorkshopPlan, by: Any, text: str) -> PlanComment:
    """A comment in the review thread (Fachteam or planner), in any status."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Bitte schreiben Sie einen Kommentar."))
    return PlanComment.objects.create(plan=plan, author=_actor(by), kind=PlanComment.Kind.COMMENT, text=text)


def plan_request_changes(*, plan: WorkshopPlan, by: Any, text: str) -> WorkshopPlan:
    """The Fachteam asks for changes to a submitted plan (with what to change)."""
    text = (text or "").strip()
    if not text:
        raise TextRequired()
    with transaction.atomic():
        plan = WorkshopPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
        if plan.status != PlanStatus.SUBMITTED:
            raise TransitionNotAllowed()
        plan.status = PlanStatus.CHANGES_REQUESTED
        plan.save(update_fields=["status", "updated_at"])
        PlanComment.objects.create(plan=plan, author=_actor(by), kind=PlanComment.Kind.CHANGES, text=text)
    return plan


def plan_approve(*, plan: WorkshopPlan, by: Any, text: str = "") -> WorkshopPlan:
    """The Fachteam approves a submitted plan; the planner publishes it."""
    with transaction.atomic():
        plan = WorkshopPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
        if plan.status != PlanStatus.SUBMITTED:
            raise TransitionNotAllowed()
        plan.status = PlanStatus.APPROVED
        plan.approved_at = timezone.now()
        plan.approved_by = _actor(by)
        plan.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
        PlanComment.objects.create(plan=plan, author=_actor(by), kind=PlanComment.Kind.APPROVAL, text=text.strip())
    return plan


def plan_may_publish_without_review(plan: WorkshopPlan) -> bool:
    return selectors.district_stage_of(district=plan.district) == "eigenregie"


def plan_publish(*, plan: WorkshopPlan, by: Any, now: datetime | None = None) -> WorkshopPlan:
    """Publish the workshop of an approved plan — or of a draft, when its district works in Eigenregie
    (no review needed; the Fachteam still sees and can comment on it)."""
    with transaction.atomic():
        plan = (
            WorkshopPlan.objects.select_for_update(of=("self",))
            .select_related("workshop", "planner", "district", "venue")
            .get(pk=plan.pk)
        )
        without_review = False
        if plan.status != PlanStatus.APPROVED:
            if plan.is_editable and plan_may_publish_without_review(plan):
                without_review = True
            else:
                raise TransitionNotAllowed(
                    _("Diese Planung muss erst vom Fachteam freigegeben werden, bevor sie veröffentlicht wird.")
                )
        if not user_is_fachteam(by):
            _check_planner(plan)
        workshop = plan.workshop
        _check_times(workshop.starts_at, workshop.ends_at, now=now)
        _check_venue(plan.venue, workshop.starts_at, workshop.ends_at, exclude_plan=plan.pk)
        workshop_services.workshop_update(workshop=workshop, changes={"status": Workshop.Status.PUBLISHED}, by=by)
        plan.status = PlanStatus.PUBLISHED
        plan.published_at = timezone.now()
        plan.without_review = without_review
        plan.save(update_fields=["status", "published_at", "without_review", "updated_at"])
    return plan


def plan_reassign(*, plan: WorkshopPlan, by: Any, planner: User) -> WorkshopPlan:
    """Hand an open plan to another planner of the district (e.g. when the planner left the district)."""
    with transaction.atomic():
        plan = WorkshopPlan.objects.select_for_update(of=("self",)).select_related("district").get(pk=plan.pk)
        if not _may_plan_for(planner, plan.district):
            raise PlannerNotInDistrict(_("Diese Person ist nicht für den Stadtbezirk zuständig."))
        plan.planner = planner
        plan.save(update_fields=["planner", "updated_at"])
        PlanTask.objects.filter(plan=plan, role=TaskRole.PLANNER, done_at__isnull=True).update(assignee=planner)
    return plan


def plan_duplicate(*, plan: WorkshopPlan, by: User, starts_at: datetime) -> WorkshopPlan:
    """Plan another run from the same concept version (the duplicate keeps its concept link)."""
    source = WorkshopPlan.objects.select_related("workshop", "concept_version", "district", "venue").get(pk=plan.pk)
    workshop = source.workshop
    return plan_create(
        concept_version=source.concept_version,
        district=source.district,
        planner=by,
        starts_at=starts_at,
        ends_at=starts_at + (workshop.ends_at - workshop.starts_at),
        venue=source.venue,
        title=workshop.title,
        capacity=workshop.capacity,
    )


def plan_link_duplicate(*, source: Workshop, copy: Workshop, by: Any = None) -> WorkshopPlan | None:
    """Give a workshop duplicated elsewhere (the admin's "duplicate") the concept link of its source: a
    draft plan from the same version, with its checklist. Nothing when the source had no plan."""
    plan = WorkshopPlan.objects.filter(workshop=source).select_related("concept_version").first()
    if plan is None or WorkshopPlan.objects.filter(workshop=copy).exists():
        return None
    copy_plan = WorkshopPlan.objects.create(
        workshop=copy,
        concept_version=plan.concept_version,
        district=copy.district,
        venue=None,  # the same room on another day is booked anew in the plan
        planner=_actor(by) or plan.planner,
    )
    checklist_generate(plan=copy_plan)
    return copy_plan


# --- checklist ----------------------------------------------------------------------------------------------


def _due(plan: WorkshopPlan, offset_days: int) -> date:
    return timezone.localtime(plan.workshop.starts_at).date() + timedelta(days=offset_days)


def _lead_of(workshop_id: int) -> int | None:
    return (
        WorkshopTeamMember.objects.filter(workshop_id=workshop_id, role=WorkshopTeamMember.Role.LEAD)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )


def checklist_generate(*, plan: WorkshopPlan) -> int:
    """Create the plan's checklist from the concept version's timeline (idempotent: existing tasks stay)."""
    existing = set(PlanTask.objects.filter(plan=plan, source__isnull=False).values_list("source_id", flat=True))
    lead = _lead_of(plan.workshop_id)
    tasks = []
    for source in ConceptTask.objects.filter(version_id=plan.concept_version_id).order_by("offset_days", "pk"):
        if source.pk in existing:
            continue
        assignee: int | None = {str(TaskRole.PLANNER): plan.planner_id, str(TaskRole.LEAD): lead}.get(source.role)
        tasks.append(
            PlanTask(
                plan=plan,
                source=source,
                title=source.title,
                role=source.role,
                due_date=_due(plan, source.offset_days),
                assignee_id=assignee,
            )
        )
    PlanTask.objects.bulk_create(tasks)
    return len(tasks)


def _reschedule(plan: WorkshopPlan) -> None:
    tasks = list(
        PlanTask.objects.filter(plan=plan, done_at__isnull=True, source__isnull=False).select_related("source")
    )
    for task in tasks:
        task.due_date = _due(plan, task.source.offset_days)  # type: ignore[union-attr]
    PlanTask.objects.bulk_update(tasks, ["due_date"])


def _assign_lead_tasks(plan: WorkshopPlan) -> None:
    lead = _lead_of(plan.workshop_id)
    if lead is not None:
        PlanTask.objects.filter(plan=plan, role=TaskRole.LEAD, assignee__isnull=True).update(assignee_id=lead)


def plan_task_set_done(*, task: PlanTask, by: Any, done: bool = True) -> PlanTask:
    """Tick (or untick) a checklist task."""
    with transaction.atomic():
        task = PlanTask.objects.select_for_update().get(pk=task.pk)
        if done and task.done_at is None:
            task.done_at, task.done_by = timezone.now(), _actor(by)
        elif not done:
            task.done_at, task.done_by = None, None
        task.save(update_fields=["done_at", "done_by"])
    return task


def checklist_reminders_send(*, today: date | None = None, lead_days: int = 2) -> int:
    """Mail each assignee of an open task due within `lead_days` (once per due date) and once more when it
    is overdue. Idempotent through the outbox's dedupe keys; a moved date gets a fresh reminder."""
    today = today or timezone.localdate()
    tasks = (
        PlanTask.objects.filter(
            done_at__isnull=True, assignee__isnull=False, due_date__lte=today + timedelta(days=lead_days)
        )
        .exclude(plan__workshop__status=Workshop.Status.CANCELLED)
        .exclude(assignee__email="")
        .select_related("plan__workshop", "assignee")
    )
    sent = 0
    with transaction.atomic():
        for task in tasks:
            overdue = task.due_date < today
            phase = "overdue" if overdue else "due"
            mail = mail_enqueue(
                to=task.assignee.email,  # type: ignore[union-attr]
                template=MAIL + "task_reminder",
                context={"task": task, "overdue": overdue, "workshop": task.plan.workshop, "plan": task.plan},
                dedupe_key=f"planning:task:{task.pk}:{task.due_date.isoformat()}:{phase}",
            )
            sent += mail is not None
    return sent


# --- facilitation record and coaching -----------------------------------------------------------------------

TEAM_TO_FACILITATION = {
    WorkshopTeamMember.Role.LEAD: FacilitationRole.LEAD,
    WorkshopTeamMember.Role.CO: FacilitationRole.CO_FACILITATION,
    WorkshopTeamMember.Role.TRAINEE: FacilitationRole.OBSERVER,
}


def facilitation_records_from_team(*, workshop: Workshop) -> int:
    """Propose (unconfirmed) records from the team's facilitating roles; existing records stay. A city or
    district lead beside a facilitating process-team member is proposed as "lead in tandem"."""
    members = list(
        WorkshopTeamMember.objects.filter(workshop=workshop, role__in=list(TEAM_TO_FACILITATION)).select_related("user")
    )
    process_team = any(selectors.is_process_team(m.user) for m in members)
    existing = set(FacilitationRecord.objects.filter(workshop=workshop).values_list("person_id", flat=True))
    records = []
    for member in members:
        if member.user_id in existing:
            continue
        role = TEAM_TO_FACILITATION[WorkshopTeamMember.Role(member.role)]
        if role == FacilitationRole.LEAD and process_team and not selectors.is_process_team(member.user):
            role = FacilitationRole.TANDEM_LEAD
        records.append(FacilitationRecord(workshop=workshop, person=member.user, role=role))
    FacilitationRecord.objects.bulk_create(records)
    return len(records)


def _on_team(workshop: Workshop, person: User) -> bool:
    return (
        WorkshopTeamMember.objects.filter(workshop=workshop, user=person).exists()
        or FacilitationRecord.objects.filter(workshop=workshop, person=person).exists()
    )


def facilitation_record_set(
    *, workshop: Workshop, person: User, role: str, by: Any, confirm: bool = False, now: datetime | None = None
) -> FacilitationRecord:
    """Record (or correct) the role a team member actually took; `confirm` marks it confirmed."""
    if role not in FacilitationRole.values:
        raise ApplicationError(_("Unbekannte Rolle."))
    if not WorkshopTeamMember.objects.filter(workshop=workshop, user=person).exists():
        raise NotOnTeam()
    if confirm and workshop.starts_at > (now or timezone.now()):
        raise NotYetHeld()
    with transaction.atomic():
        record, _created = FacilitationRecord.objects.update_or_create(
            workshop=workshop, person=person, defaults={"role": role}
        )
        if confirm:
            record.confirmed_at, record.confirmed_by = now or timezone.now(), _actor(by)
            record.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
        run_by_refresh_for_people(person_ids=[person.pk], since=workshop.starts_at)
    return record


def facilitation_confirm_workshop(*, workshop: Workshop, by: Any, now: datetime | None = None) -> int:
    """Confirm every record of a workshop after it took place and refresh the derived classification."""
    now = now or timezone.now()
    if workshop.starts_at > now:
        raise NotYetHeld()
    with transaction.atomic():
        facilitation_records_from_team(workshop=workshop)
        people = list(FacilitationRecord.objects.filter(workshop=workshop).values_list("person_id", flat=True))
        count = FacilitationRecord.objects.filter(workshop=workshop, confirmed_at__isnull=True).update(
            confirmed_at=now, confirmed_by=_actor(by), updated_at=now
        )
        run_by_refresh_for_people(person_ids=people, since=workshop.starts_at)
        run_by_refresh(workshop_ids=[workshop.pk])
    return count


def coaching_note_add(*, person: User, workshop: Workshop, coach: User, text: str) -> CoachingNote:
    """A coach's note for a person after a workshop. The person must have been on that workshop's team."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Bitte schreiben Sie eine Notiz."))
    if not _on_team(workshop, person):
        raise NotOnTeam(
            _("%(person)s gehört nicht zum Team von „%(workshop)s“. Coaching-Notizen gibt es nur für Teammitglieder.")
            % {"person": person, "workshop": workshop.title}
        )
    with transaction.atomic():
        note = CoachingNote.objects.create(person=person, workshop=workshop, coach=coach, text=text)
        # A coaching note can complete a "with coaching" threshold: later classifications may change.
        run_by_refresh_for_people(person_ids=[person.pk], since=workshop.starts_at)
    return note


# --- the run_by cache ---------------------------------------------------------------------------------------


def run_by_refresh(*, workshop_ids: list[int] | None = None) -> int:
    """Write the derived classification into `Workshop.run_by` where the stored copy differs (the only
    writer of that field). Returns the number of workshops changed."""
    derived = selectors.derived_run_by(workshop_ids=workshop_ids)
    current = dict(
        (
            Workshop.objects.filter(pk__in=list(derived)) if workshop_ids is not None else Workshop.objects.all()
        ).values_list("pk", "run_by")
    )
    changed = 0
    for run_by in ("prototype", "tandem", "eigenregie"):
        ids = [pk for pk, value in derived.items() if value == run_by and current.get(pk) != run_by]
        if ids:
            changed += Workshop.objects.filter(pk__in=ids).update(run_by=run_by)
    return changed


def run_by_refresh_for_people(*, person_ids: list[int], since: datetime) -> int:
    """Refresh every workshop from `since` on in which one of these people has a record (their stage may
    have changed for those workshops)."""
    ids = list(
        Workshop.objects.filter(Q(facilitation__person_id__in=person_ids), starts_at__gte=since)
        .values_list("pk", flat=True)
        .distinct()
    )
    return run_by_refresh(workshop_ids=ids) if ids else 0

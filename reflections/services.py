"""Services of the reflections app: every write with side effects (DESIGN §4).

Transitions: criterion active ⇄ retired; reflection (none) → draft → submitted → (reopened) draft;
workshop published → held (after its end) → documented (every lead/co reflection submitted) and back to
held when one is reopened; commitment open → in_progress → done | dropped (any order); feedback invitation
created → used."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrganisationUnit
from core.exceptions import ApplicationError, NotAllowed
from core.images import image_reencode
from core.links import absolute_url
from core.services import audit_log, mail_enqueue
from workshops.models import Registration, Workshop, WorkshopTeamMember, arrived_people

from . import selectors
from .models import (
    HELD_STATUSES,
    PERSPECTIVE_ROLES,
    REQUIRED_REFLECTION_ROLES,
    Commitment,
    CommitmentEvent,
    CommitmentMilestone,
    CriterionRating,
    Debrief,
    DocumentationReview,
    FeedbackCriterionAnswer,
    FeedbackInvitation,
    FeedbackResponse,
    FollowUpReflection,
    Insight,
    MethodUse,
    ParticipationRecord,
    QualityCriterion,
    Reflection,
    ResultPhoto,
    ReviewComment,
)
from .selectors import Debt, documentation_debts
from .tokens import participant_hash, token_hash

# --- errors ------------------------------------------------------------------------------------------------


class ReflectionIncomplete(ApplicationError):
    """Submitting needs the attendance, a rating for every criterion and (lead) the public summary."""

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message, code="reflection_incomplete", extra={"missing": missing})


class FeedbackTokenInvalid(ApplicationError):
    default_message = gettext_lazy("Dieser Link zur Rückmeldung ist ungültig.")
    default_code = "feedback_token_invalid"


class FeedbackAlreadyGiven(ApplicationError):
    default_message = gettext_lazy("Mit diesem Link wurde bereits eine Rückmeldung abgegeben.")
    default_code = "feedback_already_given"


class FeedbackExpired(ApplicationError):
    default_message = gettext_lazy("Die Frist für diese Rückmeldung ist abgelaufen.")
    default_code = "feedback_expired"


class CommitmentClosed(NotAllowed):
    default_message = gettext_lazy(
        "Die Vereinbarung ist abgeschlossen (erledigt oder verworfen); Fortschritt, Stellungnahme, Termin und "
        "Meilensteine bleiben, wie sie sind."
    )
    default_code = "closed"


# --- helpers -----------------------------------------------------------------------------------------------


def _team_role(workshop: Workshop, user) -> str:
    role = WorkshopTeamMember.objects.filter(workshop=workshop, user=user).values_list("role", flat=True).first()
    return role or ""


# --- quality criteria ---------------------------------------------------------------------------------------


def criterion_retire(*, criterion: QualityCriterion, by=None, now: datetime | None = None) -> QualityCriterion:
    """Retire a criterion: new reflections no longer ask it; old ratings and aggregates keep it."""
    if not criterion.is_active:
        return criterion
    criterion.is_active = False
    criterion.retired_at = now or timezone.now()
    criterion.save(update_fields=["is_active", "retired_at", "updated_at"])
    return criterion


def criterion_reactivate(*, criterion: QualityCriterion, by=None) -> QualityCriterion:
    """Ask a retired criterion again in new reflections."""
    if criterion.is_active:
        return criterion
    criterion.is_active = True
    criterion.retired_at = None
    criterion.save(update_fields=["is_active", "retired_at", "updated_at"])
    return criterion


# --- reflections -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingData:
    criterion_id: int
    rating: int | None = None
    note: str = ""


@dataclass(frozen=True)
class MethodUseData:
    method_id: int
    how_it_worked: str = ""
    rating: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class InsightData:
    text: str
    id: int | None = None
    public: bool = False


@dataclass(frozen=True)
class CommitmentData:
    what: str
    who: str = ""
    due_date: date | None = None
    status: str = Commitment.Status.OPEN
    public: bool = True
    id: int | None = None


@dataclass(frozen=True)
class ReflectionData:
    """Everything the reflection form holds. `public_summary=None` leaves it unchanged (not the lead)."""

    attendance_count: int | None = None
    what_worked: str = ""
    what_did_not: str = ""
    surprises: str = ""
    not_reached: str = ""
    internal_notes: str = ""
    public_summary: str | None = None
    take_back: str | None = None  # None leaves it unchanged (the full form does not ask it)
    ratings: list[RatingData] = field(default_factory=list)
    method_uses: list[MethodUseData] = field(default_factory=list)
    insights: list[InsightData] = field(default_factory=list)
    commitments: list[CommitmentData] = field(default_factory=list)


@dataclass(frozen=True)
class SavedRows:
    """Ids of the saved child rows in the order they were given (None for a blank row that was dropped)."""

    method_uses: list[int | None]
    insights: list[int | None]
    commitments: list[int | None]


def checked_in_count(*, workshop: Workshop) -> int | None:
    """People checked in (group sizes summed), or None when nobody was checked in."""
    total = workshop.registrations.filter(checked_in_at__isnull=False).aggregate(total=Sum(arrived_people()))["total"]
    return total or None


def reflection_start(*, workshop: Workshop, author, now: datetime | None = None) -> Reflection:
    """The author's reflection on the workshop: the existing one, or a new draft prefilled with the
    attendance from check-ins, an empty rating for every active criterion and the agenda's methods."""
    now = now or timezone.now()
    existing = Reflection.objects.filter(workshop=workshop, author=author).first()
    if existing is not None:
        return existing
    if workshop.status in (Workshop.Status.DRAFT, Workshop.Status.CANCELLED):
        raise NotAllowed(_("Für diese Werkstatt ist keine Reflexion möglich."))
    if workshop.starts_at > now:
        raise NotAllowed(_("Die Reflexion ist erst nach Beginn der Werkstatt möglich."))
    role = _team_role(workshop, author)
    try:
        with transaction.atomic():
            reflection = Reflection.objects.create(
                workshop=workshop,
                author=author,
                author_role=role,
                attendance_count=None if role in PERSPECTIVE_ROLES else checked_in_count(workshop=workshop),
            )
            CriterionRating.objects.bulk_create(
                [CriterionRating(reflection=reflection, criterion=c) for c in QualityCriterion.objects.active()]
            )
            if role in PERSPECTIVE_ROLES:  # the short form asks no methods
                return reflection
            method_ids = list(
                workshop.agenda.filter(method__isnull=False).values_list("method_id", flat=True).distinct()
            )
            MethodUse.objects.bulk_create(
                [MethodUse(reflection=reflection, method_id=method_id) for method_id in dict.fromkeys(method_ids)]
            )
    except IntegrityError:  # a parallel request (autosave) created it first
        return Reflection.objects.get(workshop=workshop, author=author)
    return reflection


def _sync_ratings(reflection: Reflection, ratings: list[RatingData]) -> None:
    by_criterion = {r.criterion_id: r for r in ratings}
    existing = {r.criterion_id: r for r in reflection.ratings.select_related("criterion")}
    active_ids = set(QualityCriterion.objects.active().values_list("pk", flat=True))
    # A criterion activated while drafting is asked too; one retired while drafting is dropped if unused.
    for criterion_id in active_ids - existing.keys():
        existing[criterion_id] = CriterionRating.objects.create(reflection=reflection, criterion_id=criterion_id)
    for criterion_id, row in list(existing.items()):
        data = by_criterion.get(criterion_id)
        if data is not None and (row.rating, row.note) != (data.rating, data.note):
            row.rating, row.note = data.rating, data.note
            row.save(update_fields=["rating", "note"])
        if criterion_id not in active_ids and row.rating is None and not row.note:
            row.delete()


def _sync_rows(
    model, reflection: Reflection, rows: list, *, build, update_fields: list[str], blank
) -> list[int | None]:
    """Update rows by id, create new ones, delete the ones not given; keeps ids stable (recommendations
    link to insights). Returns the ids in the given order (None where a blank row was dropped)."""
    existing = {obj.pk: obj for obj in model.objects.filter(reflection=reflection)}
    kept: set[int] = set()
    ids: list[int | None] = []
    for data in rows:
        if blank(data):
            ids.append(None)
            continue
        obj = existing.get(data.id) if data.id else None
        if obj is None or obj.pk in kept:
            obj = build(data)
            obj.save()
        else:
            changed = False
            new = build(data)
            for name in update_fields:
                if getattr(obj, name) != getattr(new, name):
                    setattr(obj, name, getattr(new, name))
                    changed = True
            if changed:
                obj.save()
        kept.add(obj.pk)
        ids.append(obj.pk)
    model.objects.filter(reflection=reflection).exclude(pk__in=kept).delete()
    return ids


def reflection_save_draft(*, reflection: Reflection, data: ReflectionData, by=None) -> SavedRows:
    """Save the form of a draft reflection (manual save and autosave alike); nothing is required yet.

    Child rows keep their ids; rows left blank are dropped. Raises NotAllowed for a submitted reflection."""
    with transaction.atomic():
        reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
        if reflection.status != Reflection.Status.DRAFT:
            raise NotAllowed(_("Die Reflexion ist bereits abgegeben. Öffnen Sie sie erneut, um sie zu ändern."))
        reflection.attendance_count = data.attendance_count
        reflection.what_worked = data.what_worked
        reflection.what_did_not = data.what_did_not
        reflection.surprises = data.surprises
        reflection.not_reached = data.not_reached
        reflection.internal_notes = data.internal_notes
        if data.public_summary is not None:
            reflection.public_summary = data.public_summary
        if data.take_back is not None:
            reflection.take_back = data.take_back
        reflection.save()
        _sync_ratings(reflection, data.ratings)

        # Method uses are not referenced from elsewhere: replace them (one row per method, the last wins).
        last: dict[int, int] = {use.method_id: index for index, use in enumerate(data.method_uses) if use.method_id}
        MethodUse.objects.filter(reflection=reflection).delete()
        created = {
            use.method_id: MethodUse.objects.create(
                reflection=reflection, method_id=use.method_id, how_it_worked=use.how_it_worked, rating=use.rating
            ).pk
            for index, use in enumerate(data.method_uses)
            if use.method_id and last[use.method_id] == index
        }
        method_ids = [
            created[use.method_id] if use.method_id and last[use.method_id] == index else None
            for index, use in enumerate(data.method_uses)
        ]
        insight_ids = _sync_rows(
            Insight,
            reflection,
            [InsightData(text=i.text.strip(), id=i.id, public=i.public) for i in data.insights],
            build=lambda d: Insight(reflection=reflection, text=d.text, order=0, public=d.public),
            update_fields=["text", "public"],
            blank=lambda d: not d.text,
        )
        for order, pk in enumerate(i for i in insight_ids if i):
            Insight.objects.filter(pk=pk).exclude(order=order).update(order=order)

        now = timezone.now()

        def build_commitment(d: CommitmentData) -> Commitment:
            return Commitment(
                workshop_id=reflection.workshop_id,
                reflection=reflection,
                what=d.what.strip(),
                who=d.who.strip(),
                due_date=d.due_date,
                status=d.status,
                public=d.public,
                status_changed_at=now,
            )

        previous_status = dict(Commitment.objects.filter(reflection=reflection).values_list("pk", "status"))
        commitment_ids = _sync_rows(
            Commitment,
            reflection,
            data.commitments,
            build=build_commitment,
            update_fields=["what", "who", "due_date", "status", "public"],
            blank=lambda d: not d.what.strip(),
        )
        for order, pk in enumerate(i for i in commitment_ids if i):
            updates: dict[str, object] = {"order": order}
            status = next(d.status for d, i in zip(data.commitments, commitment_ids, strict=True) if i == pk)
            if pk in previous_status and previous_status[pk] != status:
                updates["status_changed_at"] = now
            Commitment.objects.filter(pk=pk).update(**updates)
    return SavedRows(method_uses=method_ids, insights=insight_ids, commitments=commitment_ids)


def reflection_missing(*, reflection: Reflection) -> list[str]:
    """What still prevents submitting: labels of the missing parts (empty list = complete)."""
    missing = []
    if reflection.attendance_count is None and not reflection.is_perspective:
        missing.append(str(Reflection._meta.get_field("attendance_count").verbose_name))
    for rating in reflection.ratings.select_related("criterion").order_by("criterion__order"):
        if rating.rating is None:
            missing.append(_("Bewertung: %(criterion)s") % {"criterion": rating.criterion.name})
    if reflection.author_role == WorkshopTeamMember.Role.LEAD and not reflection.public_summary.strip():
        missing.append(str(Reflection._meta.get_field("public_summary").verbose_name))
    return missing


def workshop_update_documented(*, workshop_id: int) -> None:
    """Set held ⇄ documented: documented ⇔ every lead/co of the team has submitted (and at least one
    reflection is in). Other statuses stay as they are. Idempotent."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
    if workshop.status not in HELD_STATUSES:
        return
    required = set(
        WorkshopTeamMember.objects.filter(workshop=workshop, role__in=REQUIRED_REFLECTION_ROLES).values_list(
            "user_id", flat=True
        )
    )
    submitted = set(
        Reflection.objects.submitted()
        .filter(workshop=workshop)
        .exclude(author_role__in=PERSPECTIVE_ROLES)
        .values_list("author_id", flat=True)
    )
    complete = bool(submitted) and required <= submitted
    target = Workshop.Status.DOCUMENTED if complete else Workshop.Status.HELD
    if workshop.status != target:
        Workshop.objects.filter(pk=workshop.pk).update(status=target, updated_at=timezone.now())


def reflection_submit(*, reflection: Reflection, by=None, now: datetime | None = None) -> Reflection:
    """Submit a draft: needs the attendance, a rating for every criterion on it and, from the lead, the
    public summary (raises ReflectionIncomplete listing what is missing). Idempotent for a submitted one.
    Marks the workshop documented when every lead/co reflection is in."""
    with transaction.atomic():
        reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
        if reflection.status == Reflection.Status.SUBMITTED:
            return reflection
        missing = reflection_missing(reflection=reflection)
        if missing:
            raise ReflectionIncomplete(_("Bitte ergänzen Sie noch: %s") % ", ".join(missing), missing=missing)
        reflection.status = Reflection.Status.SUBMITTED
        reflection.submitted_at = now or timezone.now()
        reflection.save(update_fields=["status", "submitted_at", "updated_at"])
        workshop_update_documented(workshop_id=reflection.workshop_id)
    return reflection


def reflection_reopen(*, reflection: Reflection, by=None) -> Reflection:
    """Back to draft for corrections (by its author or the Fachteam); the workshop is no longer documented."""
    with transaction.atomic():
        reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
        if reflection.status == Reflection.Status.DRAFT:
            return reflection
        reflection.status = Reflection.Status.DRAFT
        reflection.submitted_at = None
        reflection.save(update_fields=["status", "submitted_at", "updated_at"])
        workshop_update_documented(workshop_id=reflection.workshop_id)
    return reflection


# --- commitments and photos ----------------------------------------------------------------------------------


class CommitmentReasonRequired(ApplicationError):
    default_message = gettext_lazy("Bitte geben Sie öffentlich an, warum die Vereinbarung verworfen wird.")
    default_code = "reason"


def _commitment_event(*, commitment: Commitment, kind: str, by, note: str = "", **extra) -> CommitmentEvent:
    return CommitmentEvent.objects.create(commitment=commitment, kind=kind, actor=_actor(by), note=note, **extra)


def _actor(by):
    return by if by is not None and getattr(by, "is_authenticated", False) and by.pk else None


def _audit_commitment(*, by, action: str, commitment: Commitment, **details) -> None:
    audit_log(actor=_actor(by), action=action, obj=commitment, details={"commitment": commitment.pk, **details})


@transaction.atomic
def commitment_set_status(
    *, commitment: Commitment, status: str, by=None, now: datetime | None = None, reason: str = "", note: str = ""
) -> Commitment:
    """Record the progress of a commitment (shown publicly when the commitment is public).

    Dropping needs a public reason. Done sets the progress to 100 %. Every change is kept in the commitment's
    history and in the audit log."""
    if status not in Commitment.Status.values:
        raise ApplicationError(_("Unbekannter Stand."), code="invalid_status")
    reason = (reason or "").strip()
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if status == Commitment.Status.DROPPED and not reason:
        raise CommitmentReasonRequired()
    if commitment.status == status:
        return commitment
    from_status = commitment.status
    commitment.status = status
    commitment.status_changed_at = now or timezone.now()
    commitment.drop_reason = reason if status == Commitment.Status.DROPPED else ""
    if status == Commitment.Status.DONE:
        commitment.progress = 100
    commitment.save(update_fields=["status", "status_changed_at", "drop_reason", "progress", "updated_at"])
    _commitment_event(
        commitment=commitment,
        kind=CommitmentEvent.Kind.STATUS,
        by=by,
        note="\n\n".join(part for part in (note.strip(), reason) if part),
        from_status=from_status,
        to_status=status,
    )
    _audit_commitment(by=by, action="commitment.status", commitment=commitment, to=status)
    return commitment


# Audit actions of the admin's edits (the change of a public commitment or of a photo's visibility is
# something the Fachteam must be able to trace back to a person).
AUDIT_COMMITMENT_CREATE = "commitment.create"
AUDIT_COMMITMENT_UPDATE = "commitment.update"
AUDIT_PHOTO_UPDATE = "result_photo.update"
COMMITMENT_EDITABLE_FIELDS = ("workshop", "reflection", "what", "who", "due_date", "public", "order")
PHOTO_EDITABLE_FIELDS = ("alt_text", "caption", "order", "is_public")


def _apply_changes(obj, changes: dict, allowed: tuple[str, ...]) -> list[str]:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, changes[name])
    return changed


@transaction.atomic
def commitment_create(
    *,
    workshop: Workshop,
    what: str,
    who: str,
    reflection: Reflection | None = None,
    due_date: date | None = None,
    status: str = Commitment.Status.OPEN,
    public: bool = True,
    order: int = 0,
    by=None,
) -> Commitment:
    """A commitment entered without a reflection (the Fachteam in the admin); audited like its edits."""
    what = (what or "").strip()
    if not what:
        raise ApplicationError(_("Bitte beschreiben Sie die Vereinbarung."), code="what_required")
    if reflection is not None and reflection.workshop_id != workshop.pk:
        raise ApplicationError(
            _("Die Reflexion gehört zu einer anderen Werkstatt."), code="reflection_of_other_workshop"
        )
    if status not in Commitment.Status.values:
        raise ApplicationError(_("Unbekannter Stand."), code="invalid_status")
    commitment = Commitment.objects.create(
        workshop=workshop,
        reflection=reflection,
        what=what,
        who=(who or "").strip(),
        due_date=due_date,
        status=status,
        public=public,
        order=order,
    )
    audit_log(actor=by, action=AUDIT_COMMITMENT_CREATE, obj=commitment, details={"workshop": workshop.pk})
    return commitment


@transaction.atomic
def commitment_update(*, commitment: Commitment, by=None, **changes) -> Commitment:
    """Change what a commitment says (not its status: see `commitment_set_status`).

    Writes only the changed fields, so a status set meanwhile is kept; each edit is audited."""
    if "what" in changes:
        changes["what"] = (changes["what"] or "").strip()
        if not changes["what"]:
            raise ApplicationError(_("Bitte beschreiben Sie die Vereinbarung."), code="what_required")
    if "who" in changes:
        changes["who"] = (changes["who"] or "").strip()
    reflection = changes.get("reflection", commitment.reflection)
    workshop = changes.get("workshop", commitment.workshop)
    if reflection is not None and reflection.workshop_id != workshop.pk:
        raise ApplicationError(
            _("Die Reflexion gehört zu einer anderen Werkstatt."), code="reflection_of_other_workshop"
        )
    changed = _apply_changes(commitment, changes, COMMITMENT_EDITABLE_FIELDS)
    if changed:
        commitment.save(update_fields=[*changed, "updated_at"])
        audit_log(actor=by, action=AUDIT_COMMITMENT_UPDATE, obj=commitment, details={"fields": changed})
    return commitment


@transaction.atomic
def commitment_report_progress(
    *,
    commitment: Commitment,
    by=None,
    progress: int | None = None,
    statement: str | None = None,
    due_date: date | None = None,
    note: str = "",
) -> Commitment:
    """An owner (or the Fachteam) updates progress, the public statement (Stellungnahme) or the due date.

    Each changed value becomes one history entry; nothing is recorded when nothing changed. Refused once the
    commitment is closed (done or dropped)."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if not commitment.is_open:
        raise CommitmentClosed()
    changed: list[str] = []
    if progress is not None:
        progress = int(progress)
        if not 0 <= progress <= 100:
            raise ApplicationError(_("Der Fortschritt muss zwischen 0 und 100 % liegen."), code="progress")
        if progress != commitment.progress:
            old = commitment.progress
            commitment.progress = progress
            changed.append("progress")
            _commitment_event(
                commitment=commitment,
                kind=CommitmentEvent.Kind.PROGRESS,
                by=by,
                note=f"{old} % → {progress} %" + (f" – {note}" if note else ""),
            )
    if statement is not None and statement.strip() != commitment.statement:
        commitment.statement = statement.strip()
        changed.append("statement")
        _commitment_event(commitment=commitment, kind=CommitmentEvent.Kind.STATEMENT, by=by, note=commitment.statement)
    if due_date is not None and due_date != commitment.due_date:
        old_due = commitment.due_date
        commitment.due_date = due_date
        changed.append("due_date")
        _commitment_event(
            commitment=commitment,
            kind=CommitmentEvent.Kind.DUE,
            by=by,
            note=f"{old_due:%d.%m.%Y} → {due_date:%d.%m.%Y}" if old_due else f"→ {due_date:%d.%m.%Y}",
        )
    if changed:
        if commitment.status == Commitment.Status.OPEN and "progress" in changed and commitment.progress > 0:
            commitment.status = Commitment.Status.IN_PROGRESS
            commitment.status_changed_at = timezone.now()
            changed += ["status", "status_changed_at"]
        commitment.save(update_fields=[*changed, "updated_at"])
        _audit_commitment(by=by, action="commitment.progress", commitment=commitment, fields=changed)
    return commitment


@transaction.atomic
def result_photo_update(*, photo: ResultPhoto, by=None, **changes) -> ResultPhoto:
    """Change a photo's texts, position or visibility; writes only the changed fields, audited.

    The alternative text stays required; making a photo public or private is recorded with its new state."""
    if "alt_text" in changes:
        changes["alt_text"] = (changes["alt_text"] or "").strip()
        if not changes["alt_text"]:
            raise ApplicationError(_("Bitte beschreiben Sie das Foto (Alternativtext)."), code="alt_text_required")
    if "caption" in changes:
        changes["caption"] = (changes["caption"] or "").strip()
    changed = _apply_changes(photo, changes, PHOTO_EDITABLE_FIELDS)
    if changed:
        photo.save(update_fields=[*changed, "updated_at"])
        details: dict[str, object] = {"fields": changed}
        if "is_public" in changed:
            details["is_public"] = photo.is_public
        audit_log(actor=by, action=AUDIT_PHOTO_UPDATE, obj=photo, details=details)
    return photo


@transaction.atomic
def commitment_assign(
    *, commitment: Commitment, unit: OrganisationUnit | None, owners: list, by=None, note: str = ""
) -> Commitment:
    """Name the responsible unit and people (the Fachteam, e.g. when an owner left the city). The commitment,
    its history and its milestones stay as they are; only who answers for it changes."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    old_owner_ids = set(commitment.owners.values_list("pk", flat=True))
    new_owner_ids = {user.pk for user in owners}
    if commitment.unit_id == (unit.pk if unit else None) and old_owner_ids == new_owner_ids:
        return commitment
    commitment.unit = unit
    commitment.save(update_fields=["unit", "updated_at"])
    commitment.owners.set(owners)
    names = ", ".join(sorted(str(user) for user in owners)) or "–"
    _commitment_event(
        commitment=commitment,
        kind=CommitmentEvent.Kind.OWNERS,
        by=by,
        note=(_("zuständig: %(unit)s; verantwortlich: %(names)s") % {"unit": unit or "–", "names": names})
        + (f" – {note}" if note else ""),
    )
    _audit_commitment(
        by=by,
        action="commitment.assign",
        commitment=commitment,
        unit=unit.pk if unit else None,
        owners=sorted(new_owner_ids),
        previous_owners=sorted(old_owner_ids),
    )
    return commitment


@transaction.atomic
def commitment_milestone_add(
    *, commitment: Commitment, title: str, due_date: date | None = None, by=None
) -> CommitmentMilestone:
    """Add a milestone to a commitment (kept in the history); refused once the commitment is closed."""
    if not Commitment.objects.select_for_update().get(pk=commitment.pk).is_open:
        raise CommitmentClosed()
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Bitte benennen Sie den Meilenstein."), code="empty")
    milestone = CommitmentMilestone.objects.create(commitment=commitment, title=title[:200], due_date=due_date)
    _commitment_event(
        commitment=commitment,
        kind=CommitmentEvent.Kind.MILESTONE,
        by=by,
        note=_("Meilenstein geplant: %(title)s") % {"title": milestone.title},
    )
    _audit_commitment(by=by, action="commitment.milestone_add", commitment=commitment, milestone=milestone.pk)
    return milestone


@transaction.atomic
def commitment_milestone_complete(
    *, milestone: CommitmentMilestone, by=None, done_on: date | None = None
) -> CommitmentMilestone:
    """Mark a milestone of a commitment as reached (idempotent)."""
    if milestone.done_on:
        return milestone
    milestone.done_on = done_on or timezone.localdate()
    milestone.save(update_fields=["done_on"])
    _commitment_event(
        commitment=milestone.commitment,
        kind=CommitmentEvent.Kind.MILESTONE,
        by=by,
        note=_("Meilenstein erreicht: %(title)s") % {"title": milestone.title},
    )
    _audit_commitment(
        by=by, action="commitment.milestone_complete", commitment=milestone.commitment, milestone=milestone.pk
    )
    return milestone


def result_photo_add(
    *, workshop: Workshop, image, alt_text: str, caption: str = "", is_public: bool = True, by=None
) -> ResultPhoto:
    """Add a photo of results; the alternative text is required. The upload is re-encoded (core.images):
    only JPEG/PNG/WebP pixels are stored, without EXIF/GPS, under a random name; raises InvalidImage."""
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise ApplicationError(_("Bitte beschreiben Sie das Foto (Alternativtext)."), code="alt_text_required")
    image = image_reencode(image)
    order = workshop.result_photos.count()
    return ResultPhoto.objects.create(
        workshop=workshop,
        image=image,
        alt_text=alt_text,
        caption=caption.strip(),
        is_public=is_public,
        order=order,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )


def result_photo_remove(*, photo: ResultPhoto, by=None) -> None:
    """Delete a photo and its file."""
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)


# --- workshop lifecycle and participation --------------------------------------------------------------------


def participation_record(*, workshop: Workshop) -> int:
    """Write the pseudonymous participation trace of a held workshop (idempotent; updates `attended`).

    Runs before registrations are anonymised, so first-time vs returning figures survive anonymisation."""
    rows: dict[str, bool] = {}
    registrations = workshop.registrations.filter(
        anonymised_at__isnull=True, status=Registration.Status.CONFIRMED
    ).values_list("email", "checked_in_at")
    for email, checked_in_at in registrations:
        if email:
            person = participant_hash(email)
            rows[person] = rows.get(person, False) or checked_in_at is not None
    if not rows:
        return 0
    ParticipationRecord.objects.bulk_create(
        [ParticipationRecord(workshop=workshop, person_hash=h, attended=a) for h, a in rows.items()],
        update_conflicts=True,
        unique_fields=["workshop", "person_hash"],
        update_fields=["attended"],
    )
    return len(rows)


def workshops_mark_held(*, now: datetime | None = None) -> int:
    """Mark published workshops whose end has passed as held (one conditional update each) and record
    their participation. Idempotent; returns how many changed."""
    now = now or timezone.now()
    changed = 0
    for pk in Workshop.objects.filter(status=Workshop.Status.PUBLISHED, ends_at__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            updated = Workshop.objects.filter(pk=pk, status=Workshop.Status.PUBLISHED).update(
                status=Workshop.Status.HELD, updated_at=now
            )
            if updated:
                participation_record(workshop=Workshop.objects.get(pk=pk))
                changed += 1
    return changed


# --- participant feedback ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackAnswers:
    overall: int | None = None
    felt_heard: int | None = None
    knows_next_steps: int | None = None
    would_return: str = ""
    criteria: dict[int, int] = field(default_factory=dict)  # criterion id -> 1..5
    comment: str = ""


def feedback_criteria() -> list[QualityCriterion]:
    """The (at most three) criteria participants are asked about."""
    return list(QualityCriterion.objects.in_feedback().order_by("order", "name")[:3])


def feedback_invitation_create(*, registration: Registration, now: datetime | None = None) -> FeedbackInvitation | None:
    """Invite one checked-in attendee (once): store the token hash and enqueue the survey mail.
    Returns None when the registration was invited before."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    workshop = registration.workshop
    try:
        with transaction.atomic():
            invitation = FeedbackInvitation.objects.create(
                workshop=workshop,
                registration=registration,
                token_hash=token_hash(token),
                expires_at=now + timedelta(days=settings.FEEDBACK_VALID_DAYS),
            )
            mail_enqueue(
                to=registration.email,
                template="reflections/mail/feedback_invitation",
                context={
                    "name": registration.name,
                    "workshop": workshop,
                    "url": absolute_url("reflections:feedback", token=token),
                    "expires_at": invitation.expires_at,
                    "documentation_url": absolute_url("reflections:documentation", slug=workshop.slug),
                },
                dedupe_key=f"reflections:feedback:{registration.pk}",
                topic="feedback_invitation",
            )
    except IntegrityError:  # invited in parallel
        return None
    invitation.token = token  # for the caller only; never stored
    return invitation


def feedback_invitations_send(*, now: datetime | None = None, workshop_id: int | None = None) -> int:
    """Invite every checked-in attendee of recently held workshops to the anonymous survey (once each).

    Idempotent: the invitation is one-to-one with the registration and the mail has a dedupe key."""
    now = now or timezone.now()
    workshops = Workshop.objects.filter(
        status__in=HELD_STATUSES,
        ends_at__lte=now - timedelta(hours=settings.FEEDBACK_SEND_AFTER_HOURS),
        ends_at__gte=now - timedelta(days=settings.FEEDBACK_SEND_WINDOW_DAYS),
    )
    if workshop_id is not None:
        workshops = workshops.filter(pk=workshop_id)
    sent = 0
    for workshop in workshops:
        participation_record(workshop=workshop)
        registrations = (
            workshop.registrations.filter(
                checked_in_at__isnull=False, anonymised_at__isnull=True, feedback_invitation__isnull=True
            )
            .exclude(email="")
            .select_related("workshop")
        )
        for registration in registrations:
            if feedback_invitation_create(registration=registration, now=now) is not None:
                sent += 1
    return sent


def feedback_submit(*, token: str, answers: FeedbackAnswers, now: datetime | None = None) -> FeedbackResponse:
    """Store one anonymous answer for the token's workshop and use the token up.

    Raises FeedbackTokenInvalid (unknown token), FeedbackAlreadyGiven, FeedbackExpired. The response has
    no link to the invitation or person; the invitation is marked used with a plain UPDATE, which leaves
    its timestamps alone so the two rows cannot be matched by time."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = FeedbackInvitation.objects.select_for_update().filter(token_hash=token_hash(token or "")).first()
        if invitation is None:
            raise FeedbackTokenInvalid()
        if invitation.used:
            raise FeedbackAlreadyGiven()
        if invitation.expires_at < now:
            raise FeedbackExpired()
        allowed = {c.pk for c in feedback_criteria()}
        response = FeedbackResponse.objects.create(
            workshop_id=invitation.workshop_id,
            submitted_on=timezone.localdate(now),
            overall=answers.overall,
            felt_heard=answers.felt_heard,
            knows_next_steps=answers.knows_next_steps,
            would_return=answers.would_return,
            comment=answers.comment.strip(),
        )
        FeedbackCriterionAnswer.objects.bulk_create(
            [
                FeedbackCriterionAnswer(response=response, criterion_id=cid, rating=rating)
                for cid, rating in answers.criteria.items()
                if cid in allowed and rating is not None
            ]
        )
        FeedbackInvitation.objects.filter(pk=invitation.pk).update(used=True)
    return response


# --- documentation debt --------------------------------------------------------------------------------------


def documentation_debt_remind(*, now: datetime | None = None) -> dict:
    """Remind facilitators whose reflection is missing N days after the workshop; tell the Fachteam after 2N.

    Each mail once (dedupe keys). Returns {"reminded": n, "escalated": m}."""
    now = now or timezone.now()
    days = settings.REFLECTION_REMINDER_DAYS
    reminded = escalated = 0
    for debt in documentation_debts(now=now):
        if debt.days_since_end < days:
            continue
        with transaction.atomic():
            for person in debt.missing:
                if not person.email:
                    continue
                mail = mail_enqueue(
                    to=person.email,
                    template="reflections/mail/reflection_reminder",
                    context={
                        "name": person.get_short_name(),
                        "workshop": debt.workshop,
                        "days": debt.days_since_end,
                        "url": absolute_url("reflections:reflection_edit", slug=debt.workshop.slug),
                    },
                    dedupe_key=selectors.debt_reminder_keys(Debt(debt.workshop, [person], 0, 0))[0],
                    topic="reflection_reminder",
                )
                reminded += mail is not None
            if debt.days_since_end >= 2 * days:
                mail = mail_enqueue(
                    to=settings.FACHTEAM_EMAIL,
                    template="reflections/mail/documentation_debt",
                    context={
                        "workshop": debt.workshop,
                        "missing": debt.missing,
                        "days": debt.days_since_end,
                        "url": absolute_url("reflections:documentation_debts"),
                    },
                    dedupe_key=selectors.debt_escalation_key(debt),
                    topic="documentation_debt",
                )
                escalated += mail is not None
    return {"reminded": reminded, "escalated": escalated}


# --- joint debrief and follow-up reflection (issue 12) ---------------------------------------------------------

AUDIT_DEBRIEF_DONE = "debrief.done"
AUDIT_DEBRIEF_REOPEN = "debrief.reopen"


class DebriefDone(ApplicationError):
    default_message = gettext_lazy(
        "Die Nachbesprechung ist abgeschlossen. Öffnen Sie sie erneut, um die Erkenntnisse zu ändern."
    )
    default_code = "debrief_done"


def _debrief_for_update(workshop: Workshop) -> Debrief:
    Debrief.objects.get_or_create(workshop=workshop)
    return Debrief.objects.select_for_update().get(workshop=workshop)


def _require_held(workshop: Workshop) -> None:
    if workshop.status not in HELD_STATUSES:
        raise NotAllowed(_("Das ist erst möglich, wenn die Werkstatt stattgefunden hat."))


@transaction.atomic
def debrief_save(*, workshop: Workshop, agreed_insights: str, by=None) -> Debrief:
    """Record the insights the team agreed on in the joint debrief (refused once the debrief is done)."""
    _require_held(workshop)
    debrief = _debrief_for_update(workshop)
    if debrief.is_done:
        raise DebriefDone()
    text = (agreed_insights or "").strip()
    if text != debrief.agreed_insights:
        debrief.agreed_insights = text
        debrief.save(update_fields=["agreed_insights", "updated_at"])
    return debrief


@transaction.atomic
def debrief_complete(*, workshop: Workshop, by=None, now: datetime | None = None) -> Debrief:
    """The lead marks the debrief done (idempotent; audited with the number of reflections behind it)."""
    _require_held(workshop)
    debrief = _debrief_for_update(workshop)
    if debrief.is_done:
        return debrief
    if not debrief.agreed_insights:
        raise ApplicationError(
            _("Bitte halten Sie zuerst die gemeinsamen Erkenntnisse fest."), code="agreed_insights_required"
        )
    debrief.done_at = now or timezone.now()
    debrief.done_by = _actor(by)
    debrief.save(update_fields=["done_at", "done_by", "updated_at"])
    audit_log(
        actor=_actor(by),
        action=AUDIT_DEBRIEF_DONE,
        obj=debrief,
        details={
            "workshop": workshop.pk,
            "reflections": Reflection.objects.submitted().filter(workshop=workshop).count(),
        },
    )
    return debrief


@transaction.atomic
def debrief_reopen(*, workshop: Workshop, by=None) -> Debrief:
    """Open a finished debrief again for corrections (audited)."""
    debrief = _debrief_for_update(workshop)
    if not debrief.is_done:
        return debrief
    debrief.done_at = None
    debrief.done_by = None
    debrief.save(update_fields=["done_at", "done_by", "updated_at"])
    audit_log(actor=_actor(by), action=AUDIT_DEBRIEF_REOPEN, obj=debrief, details={"workshop": workshop.pk})
    return debrief


@dataclass(frozen=True)
class FollowUpData:
    commitments_kept: str
    commitments_note: str = ""
    what_changed: str = ""
    what_did_not: str = ""


def follow_up_due_at(workshop: Workshop) -> datetime:
    """When the follow-up reflection of a workshop is asked for (N days after its end)."""
    return workshop.ends_at + timedelta(days=settings.FOLLOW_UP_REFLECTION_DAYS)


@transaction.atomic
def follow_up_submit(*, workshop: Workshop, author, data: FollowUpData) -> FollowUpReflection:
    """A team member's follow-up reflection on a held workshop (one per person; a second call updates it)."""
    _require_held(workshop)
    if data.commitments_kept not in FollowUpReflection.Kept.values:
        raise ApplicationError(_("Bitte geben Sie an, ob die Vereinbarungen eingehalten wurden."), code="kept")
    values = {
        "commitments_kept": data.commitments_kept,
        "commitments_note": data.commitments_note.strip(),
        "what_changed": data.what_changed.strip(),
        "what_did_not": data.what_did_not.strip(),
    }
    follow_up, created = FollowUpReflection.objects.select_for_update().get_or_create(
        workshop=workshop,
        author=author,
        defaults={**values, "author_role": _team_role(workshop, author)},
    )
    if not created:
        for name, value in values.items():
            setattr(follow_up, name, value)
        follow_up.save()
    return follow_up


def follow_up_reminder_key(*, workshop_id: int, user_id: int) -> str:
    return f"reflections:follow-up:{workshop_id}:{user_id}"


def follow_up_remind(*, now: datetime | None = None) -> int:
    """Ask the lead and co-facilitators of workshops held N days ago (FOLLOW_UP_REFLECTION_DAYS) for the
    follow-up reflection, once each (outbox dedupe key); who has answered is not asked. Returns the count."""
    now = now or timezone.now()
    days = settings.FOLLOW_UP_REFLECTION_DAYS
    workshops = Workshop.objects.filter(
        status__in=HELD_STATUSES,
        ends_at__lte=now - timedelta(days=days),
        ends_at__gte=now - timedelta(days=days + settings.FOLLOW_UP_REFLECTION_WINDOW_DAYS),
    ).select_related("district")
    sent = 0
    for workshop in workshops:
        answered = set(FollowUpReflection.objects.filter(workshop=workshop).values_list("author_id", flat=True))
        members = (
            WorkshopTeamMember.objects.filter(workshop=workshop, role__in=REQUIRED_REFLECTION_ROLES)
            .exclude(user_id__in=answered)
            .select_related("user")
        )
        open_commitments = workshop.commitments.open().count()
        for member in members:
            if not member.user.email or not member.user.is_active:
                continue
            with transaction.atomic():
                mail = mail_enqueue(
                    to=member.user.email,
                    template="reflections/mail/follow_up_reminder",
                    context={
                        "name": member.user.get_short_name(),
                        "workshop": workshop,
                        "open_commitments": open_commitments,
                        "url": absolute_url("reflections:follow_up", slug=workshop.slug),
                    },
                    dedupe_key=follow_up_reminder_key(workshop_id=workshop.pk, user_id=member.user_id),
                    topic="follow_up_reminder",
                )
            sent += mail is not None
    return sent


# --- attendees review the documentation (issue 12) -----------------------------------------------------------

AUDIT_REVIEW_OPEN = "documentation_review.open"
AUDIT_REVIEW_ANSWER = "documentation_review.answer"
AUDIT_SUMMARY_REVISE = "documentation_review.revise_summary"
AUDIT_DOCUMENTATION_PUBLISH = "documentation.publish"
REVIEW_COMMENT_MAX_LENGTH = 3000


class ReviewClosed(ApplicationError):
    default_message = gettext_lazy(
        "Die Frist für Hinweise ist leider vorbei. Vielen Dank für Ihr Interesse – die Dokumentation "
        "erscheint bald auf der Seite der Werkstatt."
    )
    default_code = "review_closed"


class ReviewFlagsUnanswered(ApplicationError):
    def __init__(self, count: int) -> None:
        super().__init__(
            _("Bitte beantworten Sie zuerst alle Hinweise „Das haben wir so nicht vereinbart“ (%(count)s offen).")
            % {"count": count},
            code="review_flags_unanswered",
            extra={"unanswered": count},
        )


def review_reviewers(*, workshop: Workshop):
    """Who is asked to review: checked in, agreed to hear about the results, not anonymised (link intact)."""
    return (
        workshop.registrations.filter(
            status=Registration.Status.CONFIRMED,
            checked_in_at__isnull=False,
            anonymised_at__isnull=True,
            status_updates_opt_in=True,
        )
        .exclude(token_seed="")
        .exclude(email="")
    )


def review_url(registration: Registration) -> str:
    """The attendee's review page, opened with the registration's existing manage token (no account)."""
    from workshops.tokens import tokens_for

    return absolute_url("reflections:review", token=tokens_for(registration).manage)


def registration_may_review(*, registration: Registration) -> bool:
    return review_reviewers(workshop=registration.workshop).filter(pk=registration.pk).exists()


def documentation_review_open(*, workshop: Workshop, by=None, now: datetime | None = None) -> DocumentationReview:
    """Open the attendees' review of the draft documentation for DOCUMENTATION_REVIEW_DAYS and mail each
    reviewer their link (once each). Needs a held workshop with a submitted public summary. Audited."""
    now = now or timezone.now()
    _require_held(workshop)
    with transaction.atomic():
        existing = DocumentationReview.objects.select_for_update().filter(workshop=workshop).first()
        if existing is not None:
            return existing
        has_summary = Reflection.objects.submitted().filter(workshop=workshop).exclude(public_summary="").exists()
        if not has_summary:
            raise ApplicationError(
                _("Zum Prüfen braucht es zuerst die öffentliche Zusammenfassung in einer abgegebenen Reflexion."),
                code="summary_missing",
            )
        review = DocumentationReview.objects.create(
            workshop=workshop,
            opened_at=now,
            closes_at=now + timedelta(days=settings.DOCUMENTATION_REVIEW_DAYS),
            opened_by=_actor(by),
        )
        invited = 0
        from workshops.services.mails import mail_language

        for registration in review_reviewers(workshop=workshop).select_related("workshop"):
            mail = mail_enqueue(
                to=registration.email,
                language=mail_language(registration),
                template="reflections/mail/review_invitation",
                context={
                    "name": registration.name,
                    "workshop": workshop,
                    "url": review_url(registration),
                    "closes_at": review.closes_at,
                },
                dedupe_key=f"reflections:review:{registration.pk}",
                topic="documentation_review",
            )
            invited += mail is not None
        review.invited = invited
        review.save(update_fields=["invited", "updated_at"])
        audit_log(
            actor=_actor(by),
            action=AUDIT_REVIEW_OPEN,
            obj=review,
            details={"workshop": workshop.pk, "invited": invited},
        )
    return review


def review_comment_add(
    *,
    registration: Registration,
    text: str,
    kind: str = ReviewComment.Kind.COMMENT,
    commitment_id: int | None = None,
    now: datetime | None = None,
) -> ReviewComment:
    """An attendee comments on the draft or flags a point. Refused (kindly) after the window or publication,
    and for registrations that are not asked (anonymised, not checked in, no contact consent)."""
    now = now or timezone.now()
    review = DocumentationReview.objects.filter(workshop_id=registration.workshop_id).first()
    if review is None or not registration_may_review(registration=registration):
        raise NotAllowed(_("Für diese Anmeldung ist keine Prüfung der Dokumentation vorgesehen."))
    if not review.accepts_comments(now):
        raise ReviewClosed()
    if kind not in ReviewComment.Kind.values:
        raise ApplicationError(_("Bitte wählen Sie die Art Ihres Hinweises."), code="kind")
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Bitte schreiben Sie Ihren Hinweis."), code="text_required")
    if len(text) > REVIEW_COMMENT_MAX_LENGTH:
        raise ApplicationError(_("Ihr Hinweis ist zu lang."), code="text_too_long")
    commitment = None
    if commitment_id:
        commitment = Commitment.objects.public().filter(pk=commitment_id, workshop_id=registration.workshop_id).first()
        if commitment is None:
            raise ApplicationError(_("Diese Vereinbarung gibt es in der Dokumentation nicht."), code="commitment")
    return ReviewComment.objects.create(
        review=review, registration=registration, commitment=commitment, kind=kind, text=text
    )


@transaction.atomic
def review_comment_answer(
    *, comment: ReviewComment, answer: str, by=None, now: datetime | None = None
) -> ReviewComment:
    """The lead answers an attendee's comment or flag (the attendee sees it on their review page). Audited."""
    answer = (answer or "").strip()
    if not answer:
        raise ApplicationError(_("Bitte schreiben Sie eine Antwort."), code="answer_required")
    comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
    if comment.review.is_published:
        raise NotAllowed(_("Die Dokumentation ist bereits veröffentlicht."))
    comment.answer = answer
    comment.answered_at = now or timezone.now()
    comment.answered_by = _actor(by)
    comment.save(update_fields=["answer", "answered_at", "answered_by", "updated_at"])
    audit_log(
        actor=_actor(by),
        action=AUDIT_REVIEW_ANSWER,
        obj=comment,
        details={"workshop": comment.review.workshop_id, "kind": comment.kind},
    )
    registration = comment.registration
    if registration is not None and registration_may_review(registration=registration):
        from workshops.services.mails import mail_language

        # Once per hint: a corrected answer is read on the review page, not mailed again.
        mail_enqueue(
            to=registration.email,
            language=mail_language(registration),
            template="reflections/mail/review_answered",
            context={
                "name": registration.name,
                "workshop": comment.review.workshop,
                "url": review_url(registration),
            },
            dedupe_key=f"reflections:review-answered:{comment.pk}",
            topic="documentation_review_answer",
        )
    return comment


@transaction.atomic
def public_summary_revise(*, workshop: Workshop, text: str, by=None) -> Reflection:
    """The lead revises the joint public summary after the attendees' hints (audited; the reflection stays
    submitted)."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Die Zusammenfassung darf nicht leer sein."), code="summary_required")
    reflection = (
        Reflection.objects.submitted()
        .select_for_update()
        .filter(workshop=workshop, author_role=WorkshopTeamMember.Role.LEAD)
        .exclude(public_summary="")
        .first()
    )
    if reflection is None:
        raise ApplicationError(_("Es gibt noch keine Zusammenfassung der Leitung."), code="summary_missing")
    if reflection.public_summary != text:
        reflection.public_summary = text
        reflection.save(update_fields=["public_summary", "updated_at"])
        audit_log(actor=_actor(by), action=AUDIT_SUMMARY_REVISE, obj=reflection, details={"workshop": workshop.pk})
    return reflection


@transaction.atomic
def documentation_publish(*, workshop: Workshop, by=None, now: datetime | None = None) -> DocumentationReview:
    """Publish the reviewed documentation: after the review window, with every flag answered. Audited with
    the counts the public page shows. Idempotent."""
    now = now or timezone.now()
    review = DocumentationReview.objects.select_for_update().filter(workshop=workshop).first()
    if review is None:
        raise ApplicationError(_("Die Dokumentation wurde noch nicht zur Prüfung gegeben."), code="no_review")
    if review.is_published:
        return review
    if now < review.closes_at:
        raise ApplicationError(
            _("Die Teilnehmer*innen können noch bis %(date)s Hinweise geben.")
            % {"date": timezone.localtime(review.closes_at).strftime("%d.%m.%Y %H:%M")},
            code="review_running",
        )
    flags = review.comments.filter(kind=ReviewComment.Kind.FLAG)
    unanswered = flags.filter(answered_at__isnull=True).count()
    if unanswered:
        raise ReviewFlagsUnanswered(unanswered)
    review.published_at = now
    review.published_by = _actor(by)
    review.save(update_fields=["published_at", "published_by", "updated_at"])
    audit_log(
        actor=_actor(by),
        action=AUDIT_DOCUMENTATION_PUBLISH,
        obj=review,
        details={"workshop": workshop.pk, "flags": flags.count(), "comments": review.comments.count()},
    )
    return review

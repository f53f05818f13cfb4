"""Services of the reflections app: every write with side effects (DESIGN §4).

Transitions: criterion active ⇄ retired; reflection (none) → draft → submitted → (reopened) draft;
workshop published → held (after its end) → documented (every lead/co reflection submitted) and back to
held when one is reopened; commitment open → in_progress → done | dropped (any order); feedback invitation
created → used."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError, NotAllowed
from core.services import mail_enqueue
from workshops.models import Registration, Workshop, WorkshopTeamMember

from .models import (
    Commitment,
    CriterionRating,
    FeedbackCriterionAnswer,
    FeedbackInvitation,
    FeedbackResponse,
    Insight,
    MethodUse,
    ParticipationRecord,
    QualityCriterion,
    Reflection,
    ResultPhoto,
)

# Team roles that must reflect every held workshop (trainees may, but their reflection is optional).
REQUIRED_REFLECTION_ROLES = (WorkshopTeamMember.Role.LEAD, WorkshopTeamMember.Role.CO)
HELD_STATUSES = (Workshop.Status.HELD, Workshop.Status.DOCUMENTED)


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


# --- helpers -----------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def participant_hash(email: str) -> str:
    """Keyed pseudonym of an e-mail address (normalised), stable across workshops."""
    key = settings.PARTICIPANT_HASH_KEY.encode("utf-8")
    return hmac.new(key, email.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()


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
    total = workshop.registrations.filter(checked_in_at__isnull=False).aggregate(total=Sum("seats"))["total"]
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
    try:
        with transaction.atomic():
            reflection = Reflection.objects.create(
                workshop=workshop,
                author=author,
                author_role=_team_role(workshop, author),
                attendance_count=checked_in_count(workshop=workshop),
            )
            CriterionRating.objects.bulk_create(
                [CriterionRating(reflection=reflection, criterion=c) for c in QualityCriterion.objects.active()]
            )
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
            [InsightData(text=i.text.strip(), id=i.id) for i in data.insights],
            build=lambda d: Insight(reflection=reflection, text=d.text, order=0),
            update_fields=["text"],
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
            updates = {"order": order}
            status = next(d.status for d, i in zip(data.commitments, commitment_ids, strict=True) if i == pk)
            if pk in previous_status and previous_status[pk] != status:
                updates["status_changed_at"] = now
            Commitment.objects.filter(pk=pk).update(**updates)
    return SavedRows(method_uses=method_ids, insights=insight_ids, commitments=commitment_ids)


def reflection_missing(*, reflection: Reflection) -> list[str]:
    """What still prevents submitting: labels of the missing parts (empty list = complete)."""
    missing = []
    if reflection.attendance_count is None:
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
    submitted = set(Reflection.objects.submitted().filter(workshop=workshop).values_list("author_id", flat=True))
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


def commitment_set_status(*, commitment: Commitment, status: str, by=None, now: datetime | None = None) -> Commitment:
    """Record the progress of a commitment (shown publicly when the commitment is public)."""
    if status not in Commitment.Status.values:
        raise ApplicationError(_("Unbekannter Stand."), code="invalid_status")
    if commitment.status != status:
        commitment.status = status
        commitment.status_changed_at = now or timezone.now()
        commitment.save(update_fields=["status", "status_changed_at", "updated_at"])
    return commitment


def result_photo_add(
    *, workshop: Workshop, image, alt_text: str, caption: str = "", is_public: bool = True, by=None
) -> ResultPhoto:
    """Add a photo of results; the alternative text is required."""
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise ApplicationError(_("Bitte beschreiben Sie das Foto (Alternativtext)."), code="alt_text_required")
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
                    "url": f"{settings.SITE_URL}/rueckmeldung/{token}/",
                    "expires_at": invitation.expires_at,
                    "documentation_url": f"{settings.SITE_URL}/werkstaetten/{workshop.slug}/dokumentation/",
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
    from . import selectors
    from .selectors import Debt, documentation_debts

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
                        "url": f"{settings.SITE_URL}/moderation/werkstaetten/{debt.workshop.slug}/reflexion/",
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
                        "url": f"{settings.SITE_URL}/moderation/dokumentation-offen/",
                    },
                    dedupe_key=selectors.debt_escalation_key(debt),
                    topic="documentation_debt",
                )
                escalated += mail is not None
    return {"reminded": reminded, "escalated": escalated}

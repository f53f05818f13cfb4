"""Services of the recommendations app: recommendations (edit, status, evidence, co-creation) and report jobs.

Every write goes through one of these functions; views, admin, API, commands and tasks call them."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError, NotAllowed
from core.links import absolute_path, absolute_url
from core.models import AuditLog
from core.services import audit_log, mail_enqueue

from .models import (
    Comment,
    Consultation,
    Contribution,
    ContributionResponse,
    Decision,
    Endorsement,
    FieldOfAction,
    HistoryEntry,
    Milestone,
    Proposal,
    Recommendation,
    RecommendationVersion,
    ReportJob,
)

logger = logging.getLogger(__name__)

Status = Recommendation.Status

# Fields whose change makes a new version (the wording); other changes are recorded as "changed".
WORDING_FIELDS = ("title", "text", "rationale")
DETAIL_FIELDS = ("field", "addressee", "responsible_unit", "city_wide", "priority", "due_date")


class ReasonRequired(ApplicationError):
    default_message = gettext_lazy("Bitte geben Sie einen Grund an, warum die Empfehlung verworfen wird.")
    default_code = "reason"


class TransitionNotAllowed(NotAllowed):
    pass


class DecisionRequired(ApplicationError):
    default_message = gettext_lazy(
        "Bitte erfassen Sie den Beschluss: beschließendes Gremium, Datum und Drucksache (bei Rat und Stadtbezirksrat "
        "mit Link)."
    )
    default_code = "decision"


@dataclass(frozen=True)
class DecisionData:
    """The decision behind "Beschlossen" or "Verworfen" (modelled on OParl, ADR 0012)."""

    body_kind: str
    body_name: str
    decided_on: date
    reference: str
    url: str = ""
    paper_id: int | None = None


class CommentsClosed(NotAllowed):
    pass


class RecommendationClosed(NotAllowed):
    default_message = gettext_lazy(
        "Die Empfehlung ist abgeschlossen (umgesetzt oder verworfen); Fortschritt, Stellungnahme und Meilensteine "
        "bleiben, wie sie sind."
    )
    default_code = "closed"


def _check_not_closed(recommendation: Recommendation) -> None:
    if recommendation.is_closed:
        raise RecommendationClosed()


class ReportJobNotRetryable(NotAllowed):
    pass


# --- recommendations --------------------------------------------------------------------------------------


RESERVED_SLUGS = {"mitwirken", "neu", "export-csv", "export-xlsx", "vorschlagen", "vorschlaege"}


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "empfehlung"
    if base in RESERVED_SLUGS:
        base = f"empfehlung-{base}"
    slug, n = base, 2
    while Recommendation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _next_version_number(recommendation: Recommendation) -> int:
    last = recommendation.versions.aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def _add_version(*, recommendation: Recommendation, by, note: str = "") -> RecommendationVersion:
    return RecommendationVersion.objects.create(
        recommendation=recommendation,
        number=_next_version_number(recommendation),
        title=recommendation.title,
        text=recommendation.text,
        rationale=recommendation.rationale,
        note=note[:300],
        created_by=by,
    )


def _history(*, recommendation: Recommendation, kind: str, by, note: str = "", **extra) -> HistoryEntry:
    return HistoryEntry.objects.create(recommendation=recommendation, kind=kind, actor=by, note=note, **extra)


def _field_label(name: str) -> str:
    return str(getattr(Recommendation._meta.get_field(name), "verbose_name", name))


def _user(by):
    return by if by is not None and getattr(by, "is_authenticated", False) and by.pk else None


@transaction.atomic
def recommendation_create(
    *,
    title: str,
    text: str,
    field: FieldOfAction,
    addressee: str,
    by=None,
    rationale: str = "",
    responsible_unit: str = "",
    city_wide: bool = False,
    districts: Iterable = (),
    priority: str = Recommendation.Priority.MEDIUM,
    due_date: date | None = None,
    workshops: Iterable = (),
    insights: Iterable = (),
    reflections: Iterable = (),
    note: str = "",
) -> Recommendation:
    """Create a recommendation as a draft with its first version and a "created" history entry."""
    by = _user(by)
    districts = list(districts)
    if not city_wide and not districts:
        raise ApplicationError(_("Bitte wählen Sie „stadtweit“ oder mindestens einen Stadtbezirk."), code="scope")
    recommendation = Recommendation.objects.create(
        title=title.strip(),
        slug=_unique_slug(title),
        text=text.strip(),
        rationale=rationale.strip(),
        field=field,
        addressee=addressee,
        responsible_unit=responsible_unit.strip(),
        city_wide=city_wide,
        priority=priority,
        due_date=due_date,
        status=Status.DRAFT,
        status_changed_at=timezone.now(),
        created_by=by,
    )
    recommendation.districts.set(districts)
    _set_evidence(recommendation, workshops=workshops, insights=insights, reflections=reflections)
    _add_version(recommendation=recommendation, by=by, note=note or _("erste Fassung"))
    _history(recommendation=recommendation, kind=HistoryEntry.Kind.CREATED, by=by, note=note, to_status=Status.DRAFT)
    return recommendation


def _set_evidence(recommendation, *, workshops=None, insights=None, reflections=None) -> None:
    if workshops is not None:
        recommendation.workshops.set(list(workshops))
    if insights is not None and hasattr(recommendation, "insights"):
        recommendation.insights.set(list(insights))
    if reflections is not None and hasattr(recommendation, "reflections"):
        recommendation.reflections.set(list(reflections))


@transaction.atomic
def recommendation_update(
    *,
    recommendation: Recommendation,
    by=None,
    note: str = "",
    districts: Iterable | None = None,
    **changes,
) -> Recommendation:
    """Change a recommendation. An edit of the wording (title, text, rationale) adds a version; other changes
    add a "changed" history entry naming the fields. Nothing is recorded when nothing changed.

    Implemented or rejected recommendations are closed for edits of their wording."""
    by = _user(by)
    unknown = set(changes) - set(WORDING_FIELDS) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    districts = list(districts) if districts is not None else None
    wording_changed = [
        name
        for name in WORDING_FIELDS
        if name in changes and (changes[name] or "").strip() != getattr(recommendation, name)
    ]
    if wording_changed and recommendation.is_closed:
        raise NotAllowed(_("Der Text einer umgesetzten oder verworfenen Empfehlung kann nicht mehr geändert werden."))
    detail_changed = [
        name for name in DETAIL_FIELDS if name in changes and changes[name] != getattr(recommendation, name)
    ]
    for name in wording_changed:
        setattr(recommendation, name, changes[name].strip())
    for name in detail_changed:
        setattr(recommendation, name, changes[name])
    current_ids = set(recommendation.districts.values_list("pk", flat=True))
    districts_changed = districts is not None and {d.pk for d in districts} != current_ids
    has_districts = bool(districts) if districts is not None else bool(current_ids)
    if not recommendation.city_wide and not has_districts:
        raise ApplicationError(_("Bitte wählen Sie „stadtweit“ oder mindestens einen Stadtbezirk."), code="scope")
    if not (wording_changed or detail_changed or districts_changed):
        return recommendation
    recommendation.full_clean(exclude=["slug"])
    recommendation.save()
    if districts_changed and districts is not None:
        recommendation.districts.set(districts)
    if wording_changed:
        version = _add_version(recommendation=recommendation, by=by, note=note)
        _history(
            recommendation=recommendation,
            kind=HistoryEntry.Kind.EDITED,
            by=by,
            note=note or _("Fassung %(number)s") % {"number": version.number},
        )
    if detail_changed or districts_changed:
        names = [_field_label(n) for n in detail_changed]
        if districts_changed:
            names.append(_field_label("districts"))
        _history(
            recommendation=recommendation,
            kind=HistoryEntry.Kind.CHANGED,
            by=by,
            note=(note + " – " if note else "") + _("geändert: %(fields)s") % {"fields": ", ".join(names)},
        )
    return recommendation


@transaction.atomic
def recommendation_set_evidence(
    *,
    recommendation: Recommendation,
    by=None,
    workshops: Iterable | None = None,
    insights: Iterable | None = None,
    reflections: Iterable | None = None,
    note: str = "",
) -> Recommendation:
    """Replace the evidence links (workshops, insights, reflections) and record it in the history."""
    _set_evidence(recommendation, workshops=workshops, insights=insights, reflections=reflections)
    _history(recommendation=recommendation, kind=HistoryEntry.Kind.EVIDENCE, by=_user(by), note=note)
    return recommendation


@transaction.atomic
def recommendation_transition(
    *,
    recommendation: Recommendation,
    to_status: str,
    by=None,
    note: str = "",
    reason: str = "",
    notify: bool = True,
    decision: DecisionData | None = None,
) -> Recommendation:
    """Move a recommendation to another status, if the transition is allowed (Recommendation.TRANSITIONS).

    Beschlossen and Verworfen need the decision (`decision`: body, date, reference; a council's decision
    also its link), recorded as the recommendation's Decision. Verworfen needs a public reason. The change is
    kept in the history and the audit log, and people who registered for a linked workshop and asked for
    status updates get a mail (once per recommendation, status and address); `notify=False` only for bulk
    and demo data."""
    by = _user(by)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    from_status = recommendation.status
    if to_status not in Recommendation.Status.values:
        raise TransitionNotAllowed(_("Unbekannter Status."))
    if to_status not in Recommendation.TRANSITIONS[from_status]:
        raise TransitionNotAllowed(
            _("Von „%(from)s“ kann die Empfehlung nicht zu „%(to)s“ wechseln.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )
    reason = (reason or "").strip()
    if to_status == Status.REJECTED and not reason:
        raise ReasonRequired()
    if to_status == Status.ADOPTED:
        check_ready_for_adoption(recommendation=recommendation)
    if to_status in Recommendation.DECIDED:
        _validate_decision(decision)
    recommendation.status = to_status
    recommendation.status_changed_at = timezone.now()
    if to_status == Status.REJECTED:
        recommendation.rejection_reason = reason
    elif from_status == Status.REJECTED:
        recommendation.rejection_reason = ""
    if to_status == Status.IMPLEMENTED:
        recommendation.progress = 100
    recommendation.save(update_fields=["status", "status_changed_at", "rejection_reason", "progress", "updated_at"])
    _history(
        recommendation=recommendation,
        kind=HistoryEntry.Kind.STATUS,
        by=by,
        note="\n\n".join(part for part in (note.strip(), reason) if part),
        from_status=from_status,
        to_status=to_status,
    )
    if to_status in Recommendation.DECIDED and decision is not None:
        _decision_save(recommendation=recommendation, outcome=to_status, data=decision, by=by)
    audit_log(
        actor=by,
        action="recommendation.status",
        obj=recommendation,
        details={"from": from_status, "to": to_status},
    )
    if notify and to_status != Status.DRAFT:
        _notify_status_change(recommendation=recommendation, note=note.strip(), reason=reason)
    return recommendation


def status_update_recipients(*, recommendation: Recommendation) -> list[tuple[str, str]]:
    """(email, name) of people who registered for a linked workshop and asked to be told about results.

    Only confirmed (or checked-in) registrations that are not anonymised; one entry per address."""
    from workshops.models import Registration

    rows = (
        Registration.objects.filter(
            workshop__recommendations=recommendation,
            status_updates_opt_in=True,
            anonymised_at__isnull=True,
            status=Registration.Status.CONFIRMED,
        )
        .exclude(email="")
        .order_by("email", "pk")
        .values_list("email", "name")
    )
    seen: dict[str, str] = {}
    for email, name in rows:
        seen.setdefault(email.strip().lower(), name)
    return list(seen.items())


def _notify_status_change(*, recommendation: Recommendation, note: str, reason: str) -> int:
    sent = 0
    url = absolute_path(recommendation.get_absolute_url())
    for email, name in status_update_recipients(recommendation=recommendation):
        digest = hashlib.sha256(email.encode()).hexdigest()[:40]
        mail = mail_enqueue(
            to=email,
            template="recommendations/mail/status_changed",
            context={
                "name": name,
                "recommendation": recommendation,
                "status_label": recommendation.get_status_display(),
                "note": note,
                "reason": reason,
                "url": url,
            },
            dedupe_key=f"rec-status:{recommendation.pk}:{recommendation.status}:{digest}",
            topic="recommendation_status",
        )
        sent += mail is not None
    return sent


@transaction.atomic
def recommendation_set_progress(
    *, recommendation: Recommendation, progress: int, by=None, note: str = ""
) -> Recommendation:
    """Update the progress (0–100 %) and record it in the history; refused once the recommendation is closed."""
    if not 0 <= int(progress) <= 100:
        raise ApplicationError(_("Der Fortschritt muss zwischen 0 und 100 % liegen."), code="progress")
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.progress == int(progress):
        return recommendation
    _check_not_closed(recommendation)
    old = recommendation.progress
    recommendation.progress = int(progress)
    recommendation.save(update_fields=["progress", "updated_at"])
    _history(
        recommendation=recommendation,
        kind=HistoryEntry.Kind.PROGRESS,
        by=_user(by),
        note=(f"{old} % → {progress} %" + (f" – {note}" if note else "")),
    )
    return recommendation


@transaction.atomic
def milestone_add(*, recommendation: Recommendation, title: str, due_date: date | None = None, by=None) -> Milestone:
    """Add a milestone to a recommendation (kept in the history); refused once the recommendation is closed."""
    _check_not_closed(Recommendation.objects.select_for_update().get(pk=recommendation.pk))
    order = (recommendation.milestones.aggregate(n=Max("order"))["n"] or 0) + 1
    milestone = Milestone.objects.create(
        recommendation=recommendation, title=title.strip(), due_date=due_date, order=order
    )
    _history(
        recommendation=recommendation,
        kind=HistoryEntry.Kind.MILESTONE,
        by=_user(by),
        note=_("Meilenstein geplant: %(title)s") % {"title": milestone.title},
    )
    return milestone


@transaction.atomic
def milestone_complete(*, milestone: Milestone, done_on: date | None = None, by=None) -> Milestone:
    """Mark a milestone as reached (idempotent) and record it in the history."""
    if milestone.done_on:
        return milestone
    milestone.done_on = done_on or timezone.localdate()
    milestone.save(update_fields=["done_on"])
    _history(
        recommendation=milestone.recommendation,
        kind=HistoryEntry.Kind.MILESTONE,
        by=_user(by),
        note=_("Meilenstein erreicht: %(title)s") % {"title": milestone.title},
    )
    return milestone


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, title: str, due_date: date | None = None, order: int | None = None, by=None
) -> Milestone:
    """Change a milestone's title, due date or position; a change of title or date is kept in the history.

    Writes only the fields it changes; reaching a milestone goes through `milestone_complete`. Refused once
    the recommendation is closed."""
    changes: dict[str, object] = {"title": title.strip(), "due_date": due_date}
    if order is not None:
        changes["order"] = order
    changed = [name for name, value in changes.items() if getattr(milestone, name) != value]
    if not changed:
        return milestone
    _check_not_closed(Recommendation.objects.select_for_update().get(pk=milestone.recommendation_id))
    previous_title = milestone.title
    for name in changed:
        setattr(milestone, name, changes[name])
    milestone.save(update_fields=changed)
    if set(changed) - {"order"}:
        _history(
            recommendation=milestone.recommendation,
            kind=HistoryEntry.Kind.MILESTONE,
            by=_user(by),
            note=_("Meilenstein geändert: %(title)s") % {"title": milestone.title}
            + (f" ({previous_title})" if previous_title != milestone.title else ""),
        )
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, by=None) -> None:
    """Delete a milestone and record the removal in the history; refused once the recommendation is closed."""
    _check_not_closed(Recommendation.objects.select_for_update().get(pk=milestone.recommendation_id))
    _history(
        recommendation=milestone.recommendation,
        kind=HistoryEntry.Kind.MILESTONE,
        by=_user(by),
        note=_("Meilenstein entfernt: %(title)s") % {"title": milestone.title},
    )
    milestone.delete()


# --- decisions ------------------------------------------------------------------------------------------------


def _validate_decision(decision: DecisionData | None) -> None:
    if decision is None:
        raise DecisionRequired()
    if decision.body_kind not in Decision.BodyKind.values:
        raise DecisionRequired()
    if not decision.body_name.strip() or not decision.reference.strip() or decision.decided_on is None:
        raise DecisionRequired()
    if decision.body_kind in Decision.COUNCILS and not decision.url.strip():
        raise DecisionRequired()
    if decision.url and not decision.url.strip().lower().startswith(("https://", "http://")):
        raise DecisionRequired(_("Der Link zur Drucksache muss mit http:// oder https:// beginnen."))


def _decision_save(*, recommendation: Recommendation, outcome: str, data: DecisionData, by) -> Decision:
    from .models import Paper

    reference = data.reference.strip()
    paper = Paper.objects.filter(pk=data.paper_id).first() if data.paper_id else None
    if paper is None:
        paper = Paper.objects.filter(reference=reference).order_by("-date", "-pk").first()
    decision, _created = Decision.objects.update_or_create(
        recommendation=recommendation,
        defaults={
            "outcome": outcome,
            "body_kind": data.body_kind,
            "body_name": data.body_name.strip(),
            "decided_on": data.decided_on,
            "reference": reference,
            "url": data.url.strip() or (paper.link if paper else ""),
            "paper": paper,
            "recorded_by": by,
        },
    )
    _history(
        recommendation=recommendation,
        kind=HistoryEntry.Kind.DECISION,
        by=by,
        note=_("%(outcome)s: %(body)s am %(date)s, Drucksache %(reference)s")
        % {
            "outcome": decision.get_outcome_display(),
            "body": decision.body_name,
            "date": f"{decision.decided_on:%d.%m.%Y}",
            "reference": decision.reference,
        },
    )
    if not recommendation.council_reference:
        recommendation.council_reference = reference
        recommendation.council_paper = paper
        recommendation.save(update_fields=["council_reference", "council_paper", "updated_at"])
    return decision


# --- owners -------------------------------------------------------------------------------------------------


@transaction.atomic
def recommendation_assign(
    *, recommendation: Recommendation, unit, owners: list, by=None, note: str = ""
) -> Recommendation:
    """Name the responsible unit and people (the Fachteam; e.g. when an owner left the city). History,
    milestones and statement stay; only who answers for the recommendation changes."""
    by = _user(by)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    old_ids = set(recommendation.owners.values_list("pk", flat=True))
    new_ids = {user.pk for user in owners}
    if recommendation.owner_unit_id == (unit.pk if unit else None) and old_ids == new_ids:
        return recommendation
    recommendation.owner_unit = unit
    if unit is not None and not recommendation.responsible_unit:
        recommendation.responsible_unit = unit.name
    recommendation.save(update_fields=["owner_unit", "responsible_unit", "updated_at"])
    recommendation.owners.set(owners)
    names = ", ".join(sorted(str(user) for user in owners)) or "–"
    _history(
        recommendation=recommendation,
        kind=HistoryEntry.Kind.OWNERS,
        by=by,
        note=(_("zuständig: %(unit)s; verantwortlich: %(names)s") % {"unit": unit or "–", "names": names})
        + (f" – {note}" if note else ""),
    )
    audit_log(
        actor=by,
        action="recommendation.assign",
        obj=recommendation,
        details={"unit": unit.pk if unit else None, "owners": sorted(new_ids), "previous_owners": sorted(old_ids)},
    )
    return recommendation


@transaction.atomic
def recommendation_set_statement(*, recommendation: Recommendation, statement: str, by=None) -> Recommendation:
    """The owners' public statement (Stellungnahme) on the recommendation; kept in the history. Refused once the
    recommendation is closed."""
    by = _user(by)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    statement = (statement or "").strip()
    if statement == recommendation.statement:
        return recommendation
    _check_not_closed(recommendation)
    recommendation.statement = statement
    recommendation.save(update_fields=["statement", "updated_at"])
    _history(recommendation=recommendation, kind=HistoryEntry.Kind.STATEMENT, by=by, note=statement)
    audit_log(actor=by, action="recommendation.statement", obj=recommendation)
    return recommendation


def due_date_in_past(due_date: date | None, *, today: date | None = None) -> bool:
    """A due date before today: allowed (an old promise is entered late), but the form warns."""
    return due_date is not None and due_date < (today or timezone.localdate())


# --- reminders and escalation -------------------------------------------------------------------------------


@dataclass
class ReminderResult:
    before: int = 0
    overdue: int = 0
    escalated: int = 0


def _owner_addresses(obj) -> list[tuple[str, str]]:
    """(email, name) of the people who answer for a commitment or recommendation: the named owners (active
    accounts) and the unit's functional mailbox; one entry per address."""
    seen: dict[str, str] = {}
    for user in obj.owners.all():
        if user.is_active and user.email:
            seen.setdefault(user.email.strip().lower(), str(user))
    unit = obj.unit if hasattr(obj, "unit") else obj.owner_unit
    if unit is not None and unit.email:
        seen.setdefault(unit.email.strip().lower(), unit.name)
    return list(seen.items())


def _followup_items(*, today: date, horizon: date):
    """Commitments and recommendations in follow-up with a due date up to `horizon`, with their owners."""
    from reflections.models import Commitment

    commitments = (
        Commitment.objects.open()
        .filter(due_date__isnull=False, due_date__lte=horizon)
        .select_related("unit", "workshop")
        .prefetch_related("owners")
    )
    recommendations = (
        Recommendation.objects.in_follow_up()
        .filter(due_date__isnull=False, due_date__lte=horizon)
        .select_related("owner_unit")
        .prefetch_related("owners")
    )
    for commitment in commitments:
        yield "commitment", commitment, commitment.what[:120], absolute_url("recommendations:followup")
    for recommendation in recommendations:
        yield (
            "recommendation",
            recommendation,
            recommendation.title,
            absolute_path(recommendation.get_absolute_url()),
        )


def followup_reminders_send(*, now: datetime | None = None) -> ReminderResult:
    """Remind owners of commitments and recommendations before the due date (FOLLOWUP_REMIND_DAYS_BEFORE), tell
    them once it has passed, and escalate to the Fachteam (FACHTEAM_EMAIL) FOLLOWUP_ESCALATE_DAYS_AFTER days
    after it. Every mail goes through the outbox with a dedupe key naming item, stage, due date and address:
    a second run (a restart, a retry) sends nothing twice, a moved due date starts over."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    before_days = settings.FOLLOWUP_REMIND_DAYS_BEFORE
    escalate_days = settings.FOLLOWUP_ESCALATE_DAYS_AFTER
    result = ReminderResult()
    for kind, obj, label, url in _followup_items(today=today, horizon=today + timedelta(days=before_days)):
        due: date = obj.due_date
        days = (due - today).days
        stage = "before" if days >= 0 else "overdue"
        context = {"kind": kind, "label": label, "due": due, "days": abs(days), "url": url, "stage": stage}
        with transaction.atomic():
            for email, name in _owner_addresses(obj):
                digest = hashlib.sha256(email.encode()).hexdigest()[:24]
                mail = mail_enqueue(
                    to=email,
                    template="recommendations/mail/followup_reminder",
                    context={**context, "name": name},
                    dedupe_key=f"followup:{kind}:{obj.pk}:{stage}:{due.isoformat()}:{digest}",
                    topic="followup_reminder",
                )
                if mail is not None:
                    if stage == "before":
                        result.before += 1
                    else:
                        result.overdue += 1
            if days <= -escalate_days:
                mail = mail_enqueue(
                    to=settings.FACHTEAM_EMAIL,
                    template="recommendations/mail/followup_escalation",
                    context={**context, "owners": [name for _email, name in _owner_addresses(obj)]},
                    dedupe_key=f"followup:{kind}:{obj.pk}:escalate:{due.isoformat()}",
                    topic="followup_escalation",
                )
                result.escalated += mail is not None
    return result


# --- co-creation ------------------------------------------------------------------------------------------


def _check_open(recommendation: Recommendation) -> None:
    if not recommendation.open_for_comments:
        raise CommentsClosed(
            _("Kommentieren und Unterstützen ist nur bei Entwürfen und Empfehlungen in Abstimmung möglich.")
        )


@transaction.atomic
def comment_add(*, recommendation: Recommendation, author, text: str) -> Comment:
    """A network member or the Fachteam comments on a draft or a recommendation in consultation."""
    _check_open(recommendation)
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Bitte schreiben Sie einen Kommentar."), code="empty")
    return Comment.objects.create(recommendation=recommendation, author=_user(author), text=text[:4000])


@transaction.atomic
def comment_remove(*, comment: Comment, by=None) -> None:
    """Remove a comment (moderation by the Fachteam); the removal is audited, the text is not kept."""
    audit_log(
        actor=_user(by),
        action=AuditLog.Action.OBJECT_DELETE,
        obj=comment,
        details={"recommendation": comment.recommendation_id},
    )
    comment.delete()


@transaction.atomic
def endorsement_add(*, recommendation: Recommendation, user) -> tuple[Endorsement, bool]:
    """Endorse a recommendation; one endorsement per person (a second call changes nothing).

    Returns (endorsement, created)."""
    _check_open(recommendation)
    existing = Endorsement.objects.filter(recommendation=recommendation, user=user).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return Endorsement.objects.create(recommendation=recommendation, user=user), True
    except IntegrityError:  # a concurrent request of the same person won
        return Endorsement.objects.get(recommendation=recommendation, user=user), False


@transaction.atomic
def endorsement_remove(*, recommendation: Recommendation, user) -> bool:
    """Withdraw one's endorsement while the recommendation is still open."""
    _check_open(recommendation)
    deleted, _detail = Endorsement.objects.filter(recommendation=recommendation, user=user).delete()
    return bool(deleted)


# --- proposals and consultations (issue 12) --------------------------------------------------------------


class ConsultationClosed(NotAllowed):
    """A contribution outside the consultation window, or by someone not invited."""


class ResponsesMissing(NotAllowed):
    """Adoption refused: the consultation is still running or contributions lack a documented response."""


class ProposalAlreadyAnswered(NotAllowed):
    pass


def _role_of(user) -> str:
    from accounts.roles import Role, user_role_names

    names = user_role_names(user)
    for role in (Role.POLITIK, Role.FACHBEREICH, Role.BEZIRKSMANAGEMENT, Role.NETZWERK, Role.MODERATION, Role.FACHTEAM):
        if role.value in names:
            return role.value
    return ""


def _default_invited_roles() -> list[str]:
    from accounts.roles import Role

    return [role.value for role in Role]


def paragraphs_of(text: str) -> list[str]:
    """The paragraphs of a recommendation's text (blank-line separated), as the detail page numbers them."""
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


@transaction.atomic
def proposal_create(*, title: str, text: str, field: FieldOfAction, by, rationale: str = "") -> Proposal:
    """Anyone involved (staff roles, Politik, Fachbereiche, the network) proposes a recommendation."""
    title, text = (title or "").strip(), (text or "").strip()
    if not title or not text:
        raise ApplicationError(_("Bitte geben Sie einen Titel und den Vorschlag an."), code="empty")
    proposal = Proposal.objects.create(
        title=title[:200], text=text[:8000], rationale=(rationale or "").strip()[:8000], field=field, proposed_by=by
    )
    audit_log(actor=_user(by), action="recommendation_proposal.create", obj=proposal)
    return proposal


def _notify_proposer(proposal: Proposal) -> None:
    author = proposal.proposed_by
    if author is None or not author.email:
        return
    url = absolute_path(proposal.recommendation.get_absolute_url() if proposal.recommendation else "/empfehlungen/")
    mail_enqueue(
        to=author.email,
        template="recommendations/mail/proposal_answered",
        context={
            "name": author.get_full_name(),
            "proposal": proposal,
            "status": proposal.get_status_display(),
            "url": url,
        },
        dedupe_key=f"proposal-answered:{proposal.pk}",
        topic="recommendation_proposal",
    )


@transaction.atomic
def proposal_accept(
    *, proposal: Proposal, by, addressee: str = Recommendation.Addressee.FACHTEAM, note: str = ""
) -> Recommendation:
    """The Fachteam accepts a proposal into drafting: a draft recommendation (city-wide until the scope is set)."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.OPEN:
        raise ProposalAlreadyAnswered(_("Dieser Vorschlag wurde bereits beantwortet."))
    recommendation = recommendation_create(
        title=proposal.title,
        text=proposal.text,
        rationale=proposal.rationale,
        field=proposal.field,
        addressee=addressee,
        city_wide=True,
        by=by,
        note=note or _("aus einem Vorschlag übernommen"),
    )
    proposal.status = Proposal.Status.ACCEPTED
    proposal.answer = (note or "").strip()
    proposal.answered_by = _user(by)
    proposal.answered_at = timezone.now()
    proposal.recommendation = recommendation
    proposal.save(update_fields=["status", "answer", "answered_by", "answered_at", "recommendation", "updated_at"])
    audit_log(
        actor=_user(by),
        action="recommendation_proposal.accept",
        obj=proposal,
        details={"recommendation": recommendation.pk},
    )
    _notify_proposer(proposal)
    return recommendation


@transaction.atomic
def proposal_decline(*, proposal: Proposal, by, reason: str) -> Proposal:
    """The Fachteam answers a proposal it does not take up, with a reason the proposer receives."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Bitte begründen Sie, warum der Vorschlag nicht übernommen wird."))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.OPEN:
        raise ProposalAlreadyAnswered(_("Dieser Vorschlag wurde bereits beantwortet."))
    proposal.status = Proposal.Status.DECLINED
    proposal.answer = reason[:8000]
    proposal.answered_by = _user(by)
    proposal.answered_at = timezone.now()
    proposal.save(update_fields=["status", "answer", "answered_by", "answered_at", "updated_at"])
    audit_log(actor=_user(by), action="recommendation_proposal.decline", obj=proposal)
    _notify_proposer(proposal)
    return proposal


@transaction.atomic
def consultation_open(
    *,
    recommendation: Recommendation,
    starts_at: datetime,
    ends_at: datetime,
    by=None,
    invited_roles: Iterable[str] | None = None,
) -> Consultation:
    """Put a draft into consultation on its current version, from `starts_at` to `ends_at` (status
    "In Abstimmung"). Invited roles (accounts.roles.Role values) contribute inside the window only."""
    if ends_at <= starts_at:
        raise ApplicationError(_("Das Ende der Konsultation muss nach ihrem Beginn liegen."), code="window")
    if recommendation.status != Status.DRAFT:
        raise TransitionNotAllowed(_("Nur ein Entwurf kann in die Konsultation gehen."))
    roles = list(invited_roles) if invited_roles is not None else _default_invited_roles()
    version = recommendation.versions.order_by("-number").first()
    consultation = Consultation.objects.create(
        recommendation=recommendation,
        version=version,
        starts_at=starts_at,
        ends_at=ends_at,
        invited_roles=roles,
        created_by=_user(by),
    )
    recommendation_transition(
        recommendation=recommendation,
        to_status=Status.CONSULTATION,
        by=by,
        note=_("Konsultation vom %(start)s bis %(end)s")
        % {
            "start": timezone.localtime(starts_at).strftime("%d.%m.%Y"),
            "end": timezone.localtime(ends_at).strftime("%d.%m.%Y"),
        },
    )
    audit_log(
        actor=_user(by), action="consultation.open", obj=consultation, details={"recommendation": recommendation.pk}
    )
    return consultation


def current_consultation(recommendation: Recommendation) -> Consultation | None:
    """The newest consultation of the recommendation (None if there was none)."""
    return recommendation.consultations.order_by("-starts_at", "-pk").first()


def may_contribute(*, consultation: Consultation, user, now: datetime | None = None) -> bool:
    """Invited role (or the Fachteam) and inside the window."""
    from accounts.roles import user_is_fachteam, user_role_names

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not consultation.is_open_at(now or timezone.now()):
        return False
    return user_is_fachteam(user) or bool(user_role_names(user) & set(consultation.invited_roles))


@transaction.atomic
def contribution_add(
    *,
    consultation: Consultation,
    author,
    kind: str = Contribution.Kind.COMMENT,
    text: str = "",
    paragraph: int | None = None,
    suggested_wording: str = "",
    now: datetime | None = None,
) -> Contribution:
    """An invited person comments on the whole text or one paragraph, suggests wording or endorses — only
    while the consultation runs. A second endorsement by the same person changes nothing."""
    now = now or timezone.now()
    consultation = Consultation.objects.select_related("version").get(pk=consultation.pk)
    if not consultation.is_open_at(now):
        raise ConsultationClosed(
            _("Beiträge sind nur während der Konsultation möglich (%(start)s bis %(end)s).")
            % {
                "start": timezone.localtime(consultation.starts_at).strftime("%d.%m.%Y %H:%M"),
                "end": timezone.localtime(consultation.ends_at).strftime("%d.%m.%Y %H:%M"),
            }
        )
    if not may_contribute(consultation=consultation, user=author, now=now):
        raise ConsultationClosed(_("Ihre Rolle ist zu dieser Konsultation nicht eingeladen."))
    if kind not in Contribution.Kind.values:
        raise ApplicationError(_("Unbekannte Art des Beitrags."), code="kind")
    text, suggested_wording = (text or "").strip(), (suggested_wording or "").strip()
    if kind == Contribution.Kind.COMMENT and not text:
        raise ApplicationError(_("Bitte schreiben Sie einen Kommentar."), code="empty")
    if kind == Contribution.Kind.SUGGESTION and not suggested_wording:
        raise ApplicationError(_("Bitte geben Sie die vorgeschlagene Formulierung an."), code="empty")
    paragraph_text = ""
    if paragraph is not None and kind != Contribution.Kind.ENDORSEMENT:
        source = consultation.version.text if consultation.version else consultation.recommendation.text
        parts = paragraphs_of(source)
        if not 1 <= paragraph <= len(parts):
            raise ApplicationError(_("Diesen Absatz gibt es nicht."), code="paragraph")
        paragraph_text = parts[paragraph - 1]
    else:
        paragraph = None
    if kind == Contribution.Kind.ENDORSEMENT:
        existing = Contribution.objects.filter(consultation=consultation, author=author, kind=kind).first()
        if existing:
            return existing
    return Contribution.objects.create(
        consultation=consultation,
        author=author,
        author_organisation=(author.organisation or "")[:200],
        author_role=_role_of(author),
        kind=kind,
        paragraph=paragraph,
        paragraph_text=paragraph_text,
        text=text[:4000],
        suggested_wording=suggested_wording[:4000],
    )


@transaction.atomic
def contribution_update(*, contribution: Contribution, by, text: str, now: datetime | None = None) -> Contribution:
    """The author edits their contribution while the consultation runs (refused after the end)."""
    now = now or timezone.now()
    if contribution.author_id is None or by is None or contribution.author_id != by.pk:
        raise NotAllowed(_("Nur die Verfasser*in kann einen Beitrag ändern."))
    if not contribution.consultation.is_open_at(now):
        raise ConsultationClosed(_("Die Konsultation ist beendet; Beiträge können nicht mehr geändert werden."))
    field = "suggested_wording" if contribution.kind == Contribution.Kind.SUGGESTION else "text"
    setattr(contribution, field, (text or "").strip()[:4000])
    contribution.save(update_fields=[field, "updated_at"])
    return contribution


@transaction.atomic
def contribution_respond(
    *, contribution: Contribution, outcome: str, reason: str, by, now: datetime | None = None
) -> ContributionResponse:
    """The Fachteam documents its answer to a contribution after the consultation ended (taken up / partly /
    not, with a reason). Audited; the contributor is told by mail (once per contribution)."""
    now = now or timezone.now()
    consultation = contribution.consultation
    if not consultation.has_ended_at(now):
        raise NotAllowed(_("Antworten sind erst nach dem Ende der Konsultation möglich."))
    if not contribution.needs_response:
        raise NotAllowed(_("Unterstützungen brauchen keine Antwort."))
    if outcome not in ContributionResponse.Outcome.values:
        raise ApplicationError(_("Bitte wählen Sie, ob der Beitrag übernommen wurde."), code="outcome")
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Bitte begründen Sie die Antwort auf den Beitrag."))
    recommendation = consultation.recommendation
    newest = recommendation.versions.order_by("-number").first()
    consulted_number = consultation.version.number if consultation.version else 0
    version = newest if newest is not None and newest.number > consulted_number else None
    response, _created = ContributionResponse.objects.update_or_create(
        contribution=contribution,
        defaults={
            "outcome": outcome,
            "reason": reason[:4000],
            "version": version,
            "responded_by": _user(by),
            "responded_at": now,
        },
    )
    audit_log(
        actor=_user(by),
        action="consultation.response",
        obj=contribution,
        details={"outcome": outcome, "recommendation": recommendation.pk},
    )
    author = contribution.author
    if author is not None and author.email:
        mail_enqueue(
            to=author.email,
            template="recommendations/mail/contribution_answered",
            context={
                "name": author.get_full_name(),
                "recommendation": recommendation,
                "contribution_text": contribution.suggested_wording or contribution.text,
                "outcome": response.get_outcome_display(),
                "reason": response.reason,
                "url": absolute_path(recommendation.get_absolute_url() + "#konsultation"),
            },
            dedupe_key=f"contribution-answered:{contribution.pk}",
            topic="consultation_response",
        )
    return response


@transaction.atomic
def contribution_hide(*, contribution: Contribution, reason: str, by) -> Contribution:
    """The Fachteam hides a contribution that breaks the rules of the consultation (insults, personal data,
    advertising). It stays stored, the public sees that it was hidden and why, and it needs no response.
    Audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Bitte geben Sie an, warum der Beitrag ausgeblendet wird."))
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    contribution.hidden_at = timezone.now()
    contribution.hidden_reason = reason[:300]
    contribution.hidden_by = _user(by)
    contribution.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "updated_at"])
    audit_log(
        actor=_user(by),
        action="consultation.contribution_hide",
        obj=contribution,
        details={"reason": contribution.hidden_reason, "recommendation": contribution.consultation.recommendation_id},
    )
    return contribution


@transaction.atomic
def contribution_unhide(*, contribution: Contribution, by) -> Contribution:
    """Show a hidden contribution again (audited); it needs a response like any other."""
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.hidden_at is None:
        return contribution
    contribution.hidden_at = None
    contribution.hidden_reason = ""
    contribution.hidden_by = None
    contribution.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "updated_at"])
    audit_log(actor=_user(by), action="consultation.contribution_unhide", obj=contribution, details={})
    return contribution


def contributions_missing_response(consultation: Consultation) -> list[Contribution]:
    """Comments and suggestions of the consultation that have no documented response yet."""
    return list(
        consultation.contributions.filter(
            kind__in=Contribution.NEEDS_RESPONSE, response__isnull=True, hidden_at__isnull=True
        )
        .select_related("author")
        .order_by("created_at", "pk")
    )


def check_ready_for_adoption(*, recommendation: Recommendation, now: datetime | None = None) -> None:
    """Raise ResponsesMissing while the newest consultation runs or any of its contributions lacks a
    response; the message names the missing ones."""
    consultation = current_consultation(recommendation)
    if consultation is None:
        return
    if not consultation.has_ended_at(now or timezone.now()):
        raise ResponsesMissing(
            _("Die Konsultation läuft noch bis %(end)s; erst danach kann die Empfehlung beschlossen werden.")
            % {"end": timezone.localtime(consultation.ends_at).strftime("%d.%m.%Y %H:%M")}
        )
    missing = contributions_missing_response(consultation)
    if missing:
        names = "; ".join(
            _("Beitrag #%(pk)s (%(kind)s, %(who)s)")
            % {
                "pk": c.pk,
                "kind": c.get_kind_display(),
                "who": c.author_organisation or (c.author.get_full_name() if c.author else _("ehemaliges Konto")),
            }
            for c in missing
        )
        raise ResponsesMissing(
            _("Vor dem Beschluss braucht jeder Beitrag eine dokumentierte Antwort. Es fehlen Antworten auf: %(list)s")
            % {"list": names},
            extra={"missing": [c.pk for c in missing]},
        )


# --- report jobs ------------------------------------------------------------------------------------------


def report_job_request(*, kind: str, parameters: dict, by=None) -> ReportJob:
    """Create a report job (validated parameters) and enqueue it after commit (best-effort: with the broker
    down the job stays queued and the sweep publishes it again)."""
    from . import reports

    parameters = reports.validate_parameters(kind=kind, parameters=parameters)
    with transaction.atomic():
        job = ReportJob.objects.create(
            kind=kind,
            parameters=parameters,
            title=reports.report_title(kind=kind, parameters=parameters),
            requested_by=_user(by),
            heartbeat_at=timezone.now(),
        )
        _enqueue_after_commit(job.pk)
    return job


def _claim(job_id: int) -> tuple[ReportJob | None, str | None]:
    """Lock the row and take it over for this run. Returns (job, token) or (job, None) when there is nothing to do.

    A queued or stalled job is claimed; so is a running one whose run stopped sending heartbeats (its worker
    died and this is the redelivered message)."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == ReportJob.Status.DONE:
            return job, None
        if job.status == ReportJob.Status.RUNNING and not _is_stale(job):
            return job, None  # another run is on it
        if job.status == ReportJob.Status.FAILED:
            return job, None  # only an explicit retry re-runs a failed job
        if job.status == ReportJob.Status.RUNNING:
            logger.warning("report job %s: taking over a run without heartbeat since %s", job.pk, job.heartbeat_at)
        token = ReportJob.new_run_token()
        now = timezone.now()
        job.status = ReportJob.Status.RUNNING
        job.run_token = token
        job.progress = 0
        job.error = ""
        job.attempts += 1
        job.started_at = now
        job.heartbeat_at = now
        job.finished_at = None
        job.save(
            update_fields=[
                "status",
                "run_token",
                "progress",
                "error",
                "attempts",
                "started_at",
                "heartbeat_at",
                "finished_at",
            ]
        )
        return job, str(token)


def _is_stale(job: ReportJob, *, now=None) -> bool:
    """The run of a running job is dead: no heartbeat for REPORT_JOB_STALE, or beyond the render time limit."""
    now = now or timezone.now()
    last_sign = job.heartbeat_at or job.started_at
    return (
        last_sign is None
        or last_sign < now - settings.REPORT_JOB_STALE
        or (job.started_at is not None and job.started_at < now - settings.REPORT_JOB_TIME_LIMIT)
    )


class _Heartbeat:
    """Writes the job's heartbeat every `interval` seconds from a thread while the run renders (rendering one
    PDF can take longer than the stale window between two progress steps)."""

    def __init__(self, *, job_id: int, token: str, interval: float) -> None:
        self.job_id, self.token, self.interval = job_id, token, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"report-heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        from django.db import connection

        try:
            while not self._stop.wait(self.interval):
                ReportJob.objects.filter(pk=self.job_id, run_token=self.token).update(heartbeat_at=timezone.now())
        except Exception:  # a heartbeat that cannot be written only makes the job look stalled sooner
            logger.warning("report job %s: heartbeat could not be written", self.job_id, exc_info=True)
        finally:
            connection.close()


def report_job_run(*, job_id: int, heartbeat_seconds: float | None = None) -> ReportJob | None:
    """Generate the PDF of a report job: lock and claim the row, render (progress and heartbeat are written as it
    goes; with `heartbeat_seconds` also from a thread), store the file and mark it done; on any error mark it
    failed with the error.

    Idempotent: a job that is done (or running in another live run) is left alone, so running the task twice
    yields one file."""
    from . import reports

    claimed, token = _claim(job_id)
    if claimed is None or token is None:
        return claimed
    job: ReportJob = claimed

    def progress(percent: int) -> None:
        ReportJob.objects.filter(pk=job.pk, run_token=token).update(
            progress=max(0, min(int(percent), 99)), heartbeat_at=timezone.now()
        )

    started = time.monotonic()
    heartbeat = (
        _Heartbeat(job_id=job.pk, token=token, interval=heartbeat_seconds) if heartbeat_seconds else nullcontext()
    )
    try:
        with heartbeat:
            result = reports.report_render(kind=job.kind, parameters=job.parameters, progress=progress)
    except Exception as exc:
        logger.exception("report job %s failed", job.pk)
        message = exc.message if isinstance(exc, ApplicationError) else f"{type(exc).__name__}: {exc}"
        ReportJob.objects.filter(pk=job.pk, run_token=token).update(
            status=ReportJob.Status.FAILED, error=message[:4000], finished_at=timezone.now(), run_token=None
        )
        job.refresh_from_db()
        return job
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job.pk)
        if str(job.run_token) != token or job.status != ReportJob.Status.RUNNING:
            return job  # the sweep handed the job to another run meanwhile; that run stores the file
        if job.file:
            job.file.delete(save=False)
        job.file.save(result.filename, ContentFile(result.pdf), save=False)
        job.status = ReportJob.Status.DONE
        job.progress = 100
        job.finished_at = timezone.now()
        job.run_token = None
        job.timings = {**result.timings, "total": round(time.monotonic() - started, 3)}
        job.save()
    return job


def report_job_retry(*, job: ReportJob, by=None) -> ReportJob:
    """Queue a failed or stalled job again (the retry button)."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job.pk)
        if not job.is_retryable:
            raise ReportJobNotRetryable(
                _("Nur fehlgeschlagene oder unterbrochene Berichte können erneut gestartet werden.")
            )
        job.status = ReportJob.Status.QUEUED
        job.error = ""
        job.progress = 0
        job.started_at = None
        job.finished_at = None
        job.run_token = None
        job.heartbeat_at = timezone.now()
        job.save(
            update_fields=["status", "error", "progress", "started_at", "finished_at", "run_token", "heartbeat_at"]
        )
        _enqueue_after_commit(job.pk)
    return job


def _enqueue_after_commit(job_id: int) -> None:
    from core.publish import enqueue_on_commit

    from .tasks import report_generate

    enqueue_on_commit(report_generate, job_id)


def report_jobs_requeue_stuck(*, now=None) -> int:
    """The report sweep (every 30 s). Running jobs whose run stopped sending heartbeats (a worker died) are marked
    "stalled" (after REPORT_JOB_MAX_ATTEMPTS runs: failed); staff retry them, or a redelivered message takes them
    over. Queued jobs whose task was published longer than REPORT_JOB_REPUBLISH_AFTER ago without being picked up
    (the broker was down at request time) are published again. Returns the number of jobs marked or published."""
    now = now or timezone.now()
    touched = 0
    running_ids = list(
        ReportJob.objects.filter(status=ReportJob.Status.RUNNING)
        .filter(
            Q(heartbeat_at__lt=now - settings.REPORT_JOB_STALE)
            | Q(heartbeat_at__isnull=True, started_at__lt=now - settings.REPORT_JOB_STALE)
            | Q(started_at__lt=now - settings.REPORT_JOB_TIME_LIMIT)
        )
        .values_list("pk", flat=True)
    )
    for running_id in running_ids:
        with transaction.atomic():
            job = ReportJob.objects.select_for_update().filter(pk=running_id, status=ReportJob.Status.RUNNING).first()
            if job is None or not _is_stale(job, now=now):
                continue
            job.run_token = None
            job.finished_at = now
            if job.attempts >= settings.REPORT_JOB_MAX_ATTEMPTS:
                job.status = ReportJob.Status.FAILED
                job.error = _("Zeitlimit überschritten oder Abbruch (%(n)s Versuche).") % {"n": job.attempts}
            else:
                job.status = ReportJob.Status.STALLED
                job.error = _("Die Erstellung wurde unterbrochen (keine Rückmeldung seit %(t)s).") % {
                    "t": timezone.localtime(job.heartbeat_at or job.started_at or now).strftime("%H:%M:%S")
                }
            job.save(update_fields=["status", "error", "finished_at", "run_token"])
            logger.warning("report job %s marked %s: no heartbeat since %s", job.pk, job.status, job.heartbeat_at)
            touched += 1
    republish_before = now - settings.REPORT_JOB_REPUBLISH_AFTER
    lost_ids = list(
        ReportJob.objects.filter(status=ReportJob.Status.QUEUED)
        .filter(Q(heartbeat_at__lt=republish_before) | Q(heartbeat_at__isnull=True, created_at__lt=republish_before))
        .values_list("pk", flat=True)
    )
    for lost_id in lost_ids:
        with transaction.atomic():
            ReportJob.objects.filter(pk=lost_id, status=ReportJob.Status.QUEUED).update(heartbeat_at=now)
            _enqueue_after_commit(lost_id)
        touched += 1
    return touched

"""Services of the recommendations app: recommendations (edit, status, evidence, co-creation) and report jobs.

Every write goes through one of these functions; views, admin, API, commands and tasks call them."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError, NotAllowed
from core.services import mail_enqueue

from .models import (
    Comment,
    Endorsement,
    FieldOfAction,
    HistoryEntry,
    Milestone,
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


class CommentsClosed(NotAllowed):
    pass


class ReportJobNotRetryable(NotAllowed):
    pass


# --- recommendations --------------------------------------------------------------------------------------


RESERVED_SLUGS = {"mitwirken", "neu", "export-csv", "export-xlsx"}


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
    if wording_changed and recommendation.status in (Status.IMPLEMENTED, Status.REJECTED):
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
) -> Recommendation:
    """Move a recommendation to another status, if the transition is allowed (Recommendation.TRANSITIONS).

    Verworfen needs a reason. The change is kept in the history, and people who registered for a linked
    workshop and asked for status updates get a mail (once per recommendation, status and address);
    `notify=False` only for bulk and demo data."""
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
    url = settings.SITE_URL + recommendation.get_absolute_url()
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
    """Update the progress (0–100 %) and record it in the history."""
    if not 0 <= int(progress) <= 100:
        raise ApplicationError(_("Der Fortschritt muss zwischen 0 und 100 % liegen."), code="progress")
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.progress == int(progress):
        return recommendation
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
    """Add a milestone to a recommendation (kept in the history)."""
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


# --- report jobs ------------------------------------------------------------------------------------------


def report_job_request(*, kind: str, parameters: dict, by=None) -> ReportJob:
    """Create a report job (validated parameters) and enqueue it after commit."""
    from . import reports
    from .tasks import report_generate

    parameters = reports.validate_parameters(kind=kind, parameters=parameters)
    with transaction.atomic():
        job = ReportJob.objects.create(
            kind=kind,
            parameters=parameters,
            title=reports.report_title(kind=kind, parameters=parameters),
            requested_by=_user(by),
        )
        transaction.on_commit(lambda: report_generate.delay(job.pk))
    return job


def _claim(job_id: int) -> tuple[ReportJob | None, str | None]:
    """Lock the row and take it over for this run. Returns (job, token) or (job, None) when there is nothing to do."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == ReportJob.Status.DONE:
            return job, None
        if job.status == ReportJob.Status.RUNNING and not _is_stale(job):
            return job, None  # another run is on it
        if job.status == ReportJob.Status.FAILED:
            return job, None  # only an explicit retry re-runs a failed job
        token = ReportJob.new_run_token()
        job.status = ReportJob.Status.RUNNING
        job.run_token = token
        job.progress = 0
        job.error = ""
        job.attempts += 1
        job.started_at = timezone.now()
        job.finished_at = None
        job.save(update_fields=["status", "run_token", "progress", "error", "attempts", "started_at", "finished_at"])
        return job, str(token)


def _is_stale(job: ReportJob, *, now=None) -> bool:
    now = now or timezone.now()
    limit = settings.REPORT_JOB_TIME_LIMIT
    return job.started_at is None or job.started_at < now - limit


def report_job_run(*, job_id: int) -> ReportJob | None:
    """Generate the PDF of a report job: lock and claim the row, render (progress is written as it goes),
    store the file and mark it done; on any error mark it failed with the error.

    Idempotent: a job that is done (or running in another fresh run) is left alone, so running the task twice
    yields one file."""
    from . import reports

    claimed, token = _claim(job_id)
    if claimed is None or token is None:
        return claimed
    job: ReportJob = claimed

    def progress(percent: int) -> None:
        ReportJob.objects.filter(pk=job.pk, run_token=token).update(progress=max(0, min(int(percent), 99)))

    started = time.monotonic()
    try:
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
    """Queue a failed job again (the retry button)."""
    from .tasks import report_generate

    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ReportJob.Status.FAILED:
            raise ReportJobNotRetryable(_("Nur fehlgeschlagene Berichte können erneut gestartet werden."))
        job.status = ReportJob.Status.QUEUED
        job.error = ""
        job.progress = 0
        job.started_at = None
        job.finished_at = None
        job.save(update_fields=["status", "error", "progress", "started_at", "finished_at"])
        transaction.on_commit(lambda: report_generate.delay(job.pk))
    return job


def _enqueue_after_commit(job_id: int) -> None:
    from .tasks import report_generate

    transaction.on_commit(lambda: report_generate.delay(job_id))


def report_jobs_requeue_stuck(*, now=None) -> int:
    """Requeue jobs stuck in "running" beyond their time limit (a worker died). After REPORT_JOB_MAX_ATTEMPTS
    runs a job is marked failed instead. Also re-sends jobs queued long ago whose message got lost."""
    now = now or timezone.now()
    requeued = 0
    stuck_ids = list(
        ReportJob.objects.filter(
            status=ReportJob.Status.RUNNING, started_at__lt=now - settings.REPORT_JOB_TIME_LIMIT
        ).values_list("pk", flat=True)
    )
    lost_ids = list(
        ReportJob.objects.filter(
            status=ReportJob.Status.QUEUED, created_at__lt=now - settings.REPORT_JOB_TIME_LIMIT
        ).values_list("pk", flat=True)
    )
    for stuck_id in stuck_ids:
        with transaction.atomic():
            job = ReportJob.objects.select_for_update().filter(pk=stuck_id, status=ReportJob.Status.RUNNING).first()
            if job is None or not _is_stale(job, now=now):
                continue
            if job.attempts >= settings.REPORT_JOB_MAX_ATTEMPTS:
                job.status = ReportJob.Status.FAILED
                job.error = _("Zeitlimit überschritten (%(n)s Versuche).") % {"n": job.attempts}
                job.finished_at = now
                job.run_token = None
                job.save(update_fields=["status", "error", "finished_at", "run_token"])
                continue
            job.status = ReportJob.Status.QUEUED
            job.run_token = None
            job.progress = 0
            job.save(update_fields=["status", "run_token", "progress"])
            _enqueue_after_commit(job.pk)
            requeued += 1
    for lost_id in lost_ids:
        _enqueue_after_commit(lost_id)
        requeued += 1
    return requeued

"""Support needs are acknowledged and handled: the team hears of them (urgent when late), answers each
registration's needs as arranged or not possible, and the person is told."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import translation

from core.links import absolute_url
from core.services import mail_enqueue

from .. import selectors
from ..exceptions import ConsentMissing, InvalidInput, TransitionNotAllowed
from ..models import ConsentRecord, Registration, SupportStatus, Workshop, WorkshopTeamMember
from .mails import MAIL, _mail_context, mail_language
from .seats import _now
from .support_needs import SupportNeeds

support_answer_due = selectors.support_answer_due

TEAM_ROLES = (WorkshopTeamMember.Role.LEAD, WorkshopTeamMember.Role.CO)


def support_is_urgent(*, workshop: Workshop, now: datetime) -> bool:
    """Needs entered less than WORKSHOPS_SUPPORT_URGENT_DAYS before the start are urgent for the team."""
    return workshop.starts_at - now < timedelta(days=settings.WORKSHOPS_SUPPORT_URGENT_DAYS)


def _team_addresses(workshop: Workshop) -> list[str]:
    members = workshop.team.filter(role__in=TEAM_ROLES).select_related("user").order_by("role", "pk")
    return sorted({m.user.email for m in members if m.user.email})


def support_notify_team(*, registration: Registration) -> int:
    """Tell the workshop's lead and co-facilitators about a registration's support needs (one outbox mail
    each, in German; the subject names the workshop and the urgency, never the needs themselves). Call it
    in the transaction that confirms the registration. Returns the number of mails written."""
    return _notify_team(registration, version="1")


def _notify_team(registration: Registration, *, version: str) -> int:
    if not registration.has_support_needs or registration.support_status != SupportStatus.OPEN:
        return 0
    workshop = registration.workshop
    context = {
        "registration": registration,
        "workshop": workshop,
        "needs": registration.support_needs_labels(),
        "due": support_answer_due(registration=registration),
        "admin_url": absolute_url("admin:workshops_registration_change", registration.pk),
        "retention_days": settings.WORKSHOPS_SUPPORT_RETENTION_DAYS,
    }
    written = 0
    for address in _team_addresses(workshop):
        mail = mail_enqueue(
            to=address,
            about=registration.email,
            template=MAIL + "support_team",
            context=context,
            dedupe_key=f"workshops:support-team:{registration.pk}:{version}:{address}",
            language=settings.LANGUAGE_CODE,
        )
        written += mail is not None
    return written


def registration_support_answer(*, registration: Registration, status: str, note: str = "", by=None) -> Registration:
    """A team member marks a registration's support needs as arranged or not possible; the person is told
    by mail in their language (with the note). Answering again with another status tells them again."""
    if status not in (SupportStatus.ARRANGED, SupportStatus.NOT_POSSIBLE):
        raise InvalidInput(
            translation.gettext("Bitte wählen Sie: organisiert oder nicht möglich."), code="support_status"
        )
    with transaction.atomic():
        locked = Registration.objects.select_for_update(no_key=True).select_related("workshop").get(pk=registration.pk)
        if not locked.has_support_needs:
            raise InvalidInput(translation.gettext("Für diese Anmeldung ist keine Unterstützung angegeben."))
        if locked.support_status == status and locked.support_note == note.strip():
            return locked
        locked.support_status = status
        locked.support_note = note.strip()
        locked.support_answered_at = _now()
        locked.save(update_fields=["support_status", "support_note", "support_answered_at", "updated_at"])
        if locked.status not in Registration.INACTIVE_STATUSES and not locked.anonymised_at:
            mail_enqueue(
                to=locked.email,
                language=mail_language(locked),
                template=MAIL + "support_answer",
                context=_mail_context(locked, needs=locked.support_needs_labels(), calendar="none"),
            )
    return locked


def registration_support_update(*, registration: Registration, support: SupportNeeds, consent: bool) -> Registration:
    """The person changes or withdraws their support needs from the manage link. Empty needs withdraw them
    (and the consent to keep them); changed needs are open again and the team is told again."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update(no_key=True).select_related("workshop").get(pk=registration.pk)
        if locked.status in Registration.INACTIVE_STATUSES or locked.anonymised_at:
            raise TransitionNotAllowed(translation.gettext("Diese Anmeldung ist nicht mehr aktiv."))
        now = _now()
        keep = support.any()
        if keep and not consent:
            raise ConsentMissing(
                translation.gettext(
                    "Bitte willigen Sie ein, dass wir Ihren Unterstützungsbedarf speichern, "
                    "oder lassen Sie die Angaben leer."
                ),
                code="support_consent_missing",
            )
        locked.support_step_free = keep and support.step_free
        locked.support_sign_language = keep and support.sign_language
        locked.support_induction_loop = keep and support.induction_loop
        locked.support_easy_language = keep and support.easy_language
        locked.support_childcare = keep and support.childcare
        locked.support_other = support.other.strip() if keep else ""
        locked.support_consent_at = (locked.support_consent_at or now) if keep else None
        locked.support_status = SupportStatus.OPEN if keep else ""
        locked.support_note = ""
        locked.support_answered_at = None
        locked.support_urgent = keep and support_is_urgent(workshop=locked.workshop, now=now)
        locked.save()
        if not keep:
            ConsentRecord.objects.filter(
                registration=locked, purpose=ConsentRecord.Purpose.SUPPORT_NEEDS, withdrawn_at__isnull=True
            ).update(withdrawn_at=now)
        elif locked.status == Registration.Status.CONFIRMED:
            _notify_team(locked, version=now.strftime("%Y%m%d%H%M%S"))
    return locked


def registration_language_set(*, registration: Registration, language: str) -> Registration:
    """The person chooses the language of their mails on the manage page (one of settings.LANGUAGES)."""
    known = {code for code, _name in settings.LANGUAGES}
    if language not in known:
        raise InvalidInput(translation.gettext("Diese Sprache gibt es hier nicht."), code="language")
    Registration.objects.filter(pk=registration.pk).update(language=language, updated_at=_now())
    registration.language = language
    return registration

"""Privacy: anonymisation of a registration and the periodic retention rules."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from ..models import Registration
from ..tokens import (
    hash_token,
    new_tokens,
)
from ._transitions import _deactivate_locked
from .seats import _lock, _now
from .waitlist import waitlist_offer_next

Status = Registration.Status


def registration_anonymise(*, registration: Registration) -> Registration:
    """Erase a registration's personal data while its counts stay (status, seats, quarter, check-in).

    An active registration of a workshop that has not ended is cancelled first through the normal path
    (seats released and offered on; no mail). Blanks name, e-mail, support needs, tokens and check-in code;
    sets anonymised_at. Idempotent."""
    freed = False
    with transaction.atomic():
        registration = _lock(registration)
        if registration.anonymised_at:
            return registration
        now = _now()
        if registration.status not in Registration.INACTIVE_STATUSES and registration.workshop.ends_at > now:
            freed = registration.holds_seats
            _deactivate_locked(registration, status=Status.CANCELLED)
        registration.name = ""
        registration.email = f"anonymisiert-{registration.pk}@anonymisiert.invalid"
        registration.user = None
        registration.token_seed = ""
        registration.confirm_token_hash = ""
        registration.manage_token_hash = hash_token(f"anonymised:{registration.pk}:{new_tokens().seed}")
        registration.check_in_code = ""
        _blank_support(registration, now=now)
        registration.anonymised_at = now
        registration.save()
    if freed:
        waitlist_offer_next(workshop_id=registration.workshop_id)
    return registration


def _blank_support(registration: Registration, *, now: datetime) -> None:
    had = registration.has_support_needs
    registration.support_step_free = False
    registration.support_sign_language = False
    registration.support_induction_loop = False
    registration.support_easy_language = False
    registration.support_childcare = False
    registration.support_other = ""
    if had:
        registration.support_deleted_at = now


def _months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 - months, 12)
    year += moment.year
    month += 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def _audit(action: str, registrations, *, reason: str = "retention") -> None:
    """One audit entry per registration, linked to its person by pseudonym (like user deletions)."""
    from core.services import audit_log

    for registration in registrations:
        audit_log(actor=None, action=action, obj=registration, details={"reason": reason}, about=registration.email)


def retention_run(*, now: datetime | None = None) -> dict:
    """Apply the retention rules (idempotent):
    support needs deleted WORKSHOPS_SUPPORT_RETENTION_DAYS after the workshop; unconfirmed and expired
    registrations purged after WORKSHOPS_PURGE_UNCONFIRMED_DAYS; personal data anonymised
    WORKSHOPS_ANONYMISE_AFTER_MONTHS after the workshop (counts stay). Every deletion and anonymisation is
    audited (issue 15, point 6), in the transaction that does it."""
    from core.models import AuditLog

    now = now or _now()
    support_cutoff = now - timedelta(days=settings.WORKSHOPS_SUPPORT_RETENTION_DAYS)
    with transaction.atomic():
        support_deleted = _support_delete(support_cutoff, now=now)
    purge_cutoff = now - timedelta(days=settings.WORKSHOPS_PURGE_UNCONFIRMED_DAYS)
    with transaction.atomic():
        to_purge = list(
            Registration.objects.select_for_update()
            .filter(status=Status.EXPIRED, holds_seats=False, confirmed_at__isnull=True, updated_at__lte=purge_cutoff)
            .only("pk", "email")
        )
        _audit(AuditLog.Action.REGISTRATION_DELETE, to_purge)
        _total, deleted = Registration.objects.filter(pk__in=[r.pk for r in to_purge]).delete()
    purged = deleted.get(Registration._meta.label, 0)
    anonymise_cutoff = _months_before(now, settings.WORKSHOPS_ANONYMISE_AFTER_MONTHS)
    anonymised = 0
    for registration in Registration.objects.filter(
        workshop__ends_at__lte=anonymise_cutoff, anonymised_at__isnull=True
    ).only("pk", "workshop_id", "email")[:5000]:
        with transaction.atomic():
            address = registration.email
            registration_anonymise(registration=registration)
            registration.email = address
            _audit(AuditLog.Action.REGISTRATION_ANONYMISE, [registration])
        anonymised += 1
    return {"support_deleted": support_deleted, "purged": purged, "anonymised": anonymised}


def _support_delete(cutoff: datetime, *, now: datetime) -> int:
    from core.models import AuditLog

    affected = list(
        Registration.objects.select_for_update(no_key=True, of=("self",))
        .filter(workshop__ends_at__lte=cutoff, support_deleted_at__isnull=True)
        .exclude(
            support_step_free=False,
            support_sign_language=False,
            support_induction_loop=False,
            support_easy_language=False,
            support_childcare=False,
            support_other="",
        )
        .only("pk", "email")
    )
    _audit(AuditLog.Action.SUPPORT_NEEDS_DELETE, affected)
    return Registration.objects.filter(pk__in=[r.pk for r in affected]).update(
        support_step_free=False,
        support_sign_language=False,
        support_induction_loop=False,
        support_easy_language=False,
        support_childcare=False,
        support_other="",
        support_deleted_at=now,
        updated_at=now,
    )

"""Privacy: anonymisation and the retention rules (support needs, purge, anonymise)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import RegistrationFactory, WorkshopFactory
from workshops import selectors, services
from workshops.models import ConsentRecord, Registration

pytestmark = pytest.mark.django_db


def past_workshop(days_ago):
    start = timezone.now() - timedelta(days=days_ago)
    return WorkshopFactory(status="held", starts_at=start, ends_at=start + timedelta(hours=2))


def with_support(**kwargs):
    return RegistrationFactory(
        support_step_free=True, support_other="Rampe", support_consent_at=timezone.now(), **kwargs
    )


# --- anonymise --------------------------------------------------------------------------------------------


def test_anonymise_blanks_personal_data_and_tokens():
    registration = with_support(name="Erika", email="erika@example.org")
    anonymised = services.registration_anonymise(registration=registration)
    anonymised.refresh_from_db()
    assert anonymised.name == "" and "erika" not in anonymised.email
    assert (anonymised.token_seed, anonymised.confirm_token_hash, anonymised.check_in_code) == ("", "", "")
    assert not anonymised.has_support_needs and anonymised.anonymised_at is not None
    assert selectors.registration_by_manage_token(token=registration.manage_token) is None


def test_anonymise_of_an_upcoming_registration_releases_the_seats_and_offers_them():
    workshop = WorkshopFactory(capacity=1)
    registration = RegistrationFactory(workshop=workshop)
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True)
    services.registration_anonymise(registration=registration)
    registration.refresh_from_db()
    waiting.refresh_from_db()
    workshop.refresh_from_db()
    assert (registration.status, waiting.status, workshop.seats_held) == ("cancelled", "offered", 1)


def test_anonymise_of_a_past_registration_keeps_status_and_counts():
    workshop = past_workshop(40)
    registration = RegistrationFactory(workshop=workshop, checked_in_at=workshop.starts_at)
    services.registration_anonymise(registration=registration)
    registration.refresh_from_db()
    workshop.refresh_from_db()
    assert (registration.status, registration.seats, workshop.seats_held) == ("confirmed", 1, 1)
    assert registration.checked_in_at is not None


def test_staff_can_cancel_an_anonymised_registration_of_a_past_workshop_without_mailing_it():
    from core.models import OutboxMail

    registration = RegistrationFactory(workshop=past_workshop(3), pending=True)
    services.registration_anonymise(registration=registration)
    services.registration_cancel(registration=registration, by=object())
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert not OutboxMail.objects.exists()


def test_anonymised_registrations_of_one_workshop_do_not_collide():
    workshop = WorkshopFactory()
    for registration in RegistrationFactory.create_batch(2, workshop=workshop):
        services.registration_anonymise(registration=registration)
    assert Registration.objects.filter(workshop=workshop, anonymised_at__isnull=False).count() == 2


def test_anonymise_is_idempotent():
    registration = services.registration_anonymise(registration=RegistrationFactory())
    assert services.registration_anonymise(registration=registration).anonymised_at == registration.anonymised_at


# --- retention --------------------------------------------------------------------------------------------


def test_support_needs_are_deleted_n_days_after_the_workshop(settings):
    settings.WORKSHOPS_SUPPORT_RETENTION_DAYS = 30
    old = with_support(workshop=past_workshop(31))
    recent = with_support(workshop=past_workshop(10))
    assert services.retention_run()["support_deleted"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.has_support_needs, old.support_deleted_at is not None) == (False, True)
    assert recent.has_support_needs


def test_unconfirmed_expired_registrations_are_purged_after_7_days():
    stale = RegistrationFactory(expired=True)
    fresh = RegistrationFactory(expired=True)
    Registration.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=8))
    assert services.retention_run()["purged"] == 1
    assert not Registration.objects.filter(pk=stale.pk).exists()
    assert Registration.objects.filter(pk=fresh.pk).exists()


def test_purge_also_removes_their_consent_records():
    stale = RegistrationFactory(expired=True)
    ConsentRecord.objects.create(registration=stale, purpose="privacy", text_version="1")
    Registration.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=8))
    services.retention_run()
    assert not ConsentRecord.objects.exists()


def test_cancelled_registrations_are_not_purged():
    cancelled = RegistrationFactory(cancelled=True)
    Registration.objects.filter(pk=cancelled.pk).update(updated_at=timezone.now() - timedelta(days=8))
    services.retention_run()
    assert Registration.objects.filter(pk=cancelled.pk).exists()


def test_personal_data_is_anonymised_m_months_after_the_workshop(settings):
    settings.WORKSHOPS_ANONYMISE_AFTER_MONTHS = 12
    old = RegistrationFactory(workshop=past_workshop(400), name="Erika")
    recent = RegistrationFactory(workshop=past_workshop(200), name="Ben")
    result = services.retention_run()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert result["anonymised"] == 1
    assert (old.name, old.status, recent.name) == ("", "confirmed", "Ben")


def test_retention_is_idempotent():
    with_support(workshop=past_workshop(400))
    services.retention_run()
    assert services.retention_run() == {"support_deleted": 0, "purged": 0, "anonymised": 0}


# --- audit of retention (issue 15, point 6) and the mutation-gap edges -----------------------------------------


def _entries(action):
    from core.models import AuditLog

    return list(AuditLog.objects.filter(action=action).order_by("pk"))


def test_retention_anonymisation_is_audited_by_pseudonym_without_the_address(settings):
    from core.crypto import pseudonym
    from core.models import AuditLog

    settings.WORKSHOPS_ANONYMISE_AFTER_MONTHS = 12
    old = RegistrationFactory(workshop=past_workshop(400), email="erika@example.org")
    services.retention_run()
    (entry,) = _entries(AuditLog.Action.REGISTRATION_ANONYMISE)
    assert (entry.actor, entry.object_id, entry.details) == (None, str(old.pk), {"reason": "retention"})
    assert entry.subject == pseudonym("erika@example.org")


def test_retention_purge_is_audited_per_registration():
    from core.models import AuditLog

    stale = RegistrationFactory(expired=True)
    Registration.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=8))
    services.retention_run()
    assert [entry.object_id for entry in _entries(AuditLog.Action.REGISTRATION_DELETE)] == [str(stale.pk)]


def test_retention_deletion_of_support_needs_is_audited(settings):
    from core.models import AuditLog

    settings.WORKSHOPS_SUPPORT_RETENTION_DAYS = 30
    old = with_support(workshop=past_workshop(31))
    with_support(workshop=past_workshop(10))
    services.retention_run()
    assert [entry.object_id for entry in _entries(AuditLog.Action.SUPPORT_NEEDS_DELETE)] == [str(old.pk)]


def test_a_run_without_work_writes_no_audit_entry():
    from core.models import AuditLog

    services.retention_run()
    assert not AuditLog.objects.exists()


def test_anonymise_unlinks_the_account_as_well_as_blanking_the_fields():
    from tests.factories import UserFactory

    user = UserFactory()
    registration = RegistrationFactory(user=user, name="Erika", email="erika@example.org")
    services.registration_anonymise(registration=registration)
    registration.refresh_from_db()
    assert registration.user is None
    assert (registration.name, registration.check_in_code, registration.token_seed) == ("", "", "")
    assert not Registration.objects.filter(user=user).exists()


def test_retention_anonymisation_unlinks_the_account(settings):
    from tests.factories import UserFactory

    settings.WORKSHOPS_ANONYMISE_AFTER_MONTHS = 12
    user = UserFactory()
    RegistrationFactory(workshop=past_workshop(400), user=user, name="Erika")
    services.retention_run()
    assert not Registration.objects.filter(user=user).exists()

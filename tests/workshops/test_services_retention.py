"""Privacy: anonymisation and the retention rules (support needs, purge, anonymise)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from workshops import selectors, services
from workshops.models import ConsentRecord, Registration

from .factories import RegistrationFactory, WorkshopFactory

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

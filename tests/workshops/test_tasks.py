"""Periodic tasks: thin wrappers around the services, idempotent, scheduled by beat; and a real worker
delivering a registration's confirm mail through Redis."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import RegistrationFactory, WorkshopFactory, register
from workshops import tasks
from workshops.models import Registration


def test_beat_schedules_every_periodic_task_of_the_registration_engine():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "workshops.tasks.holds_expire",
        "workshops.tasks.offers_process",
        "workshops.tasks.reminders_send",
        "workshops.tasks.retention_run",
        "workshops.tasks.seats_reconcile",
    } <= scheduled


@pytest.mark.django_db
def test_holds_expire_task_releases_expired_holds_and_is_idempotent():
    registration = RegistrationFactory(pending=True, hold_expires_at=timezone.now() - timedelta(minutes=1))
    assert tasks.holds_expire.delay().get() == 1
    assert tasks.holds_expire.delay().get() == 0
    registration.refresh_from_db()
    assert registration.status == "expired"


@pytest.mark.django_db
def test_offers_process_task_expires_offers_and_offers_the_seat_on():
    workshop = WorkshopFactory(capacity=1)
    late = RegistrationFactory(workshop=workshop, offered=True, offer_expires_at=timezone.now())
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True)
    tasks.offers_process.delay().get()
    late.refresh_from_db()
    waiting.refresh_from_db()
    assert (late.status, waiting.status) == ("expired", "offered")


@pytest.mark.django_db
def test_reminders_task_sends_once():
    workshop = WorkshopFactory(starts_at=timezone.now() + timedelta(hours=12))
    RegistrationFactory(workshop=workshop, confirmed_at=timezone.now() - timedelta(days=3))
    assert tasks.reminders_send.delay().get() == 1
    assert tasks.reminders_send.delay().get() == 0


@pytest.mark.django_db
def test_retention_task_returns_its_counts():
    assert tasks.retention_run.delay().get() == {"support_deleted": 0, "purged": 0, "anonymised": 0}


@pytest.mark.django_db
def test_seats_reconcile_task_reports_no_drift_for_a_correct_counter():
    RegistrationFactory(seats=2)
    assert tasks.seats_reconcile.delay().get() == 0


@pytest.mark.postgres
@pytest.mark.redis
def test_real_worker_delivers_the_confirm_mail_through_redis(celery_worker):
    workshop = WorkshopFactory()
    registration = register(workshop, email="erika@example.org").registration
    deadline = time.monotonic() + 30
    files = []
    while time.monotonic() < deadline and not files:
        files = list(celery_worker.glob("*.log"))
        time.sleep(0.2)
    assert files, "the worker wrote no mail within 30 s"
    content = files[0].read_text()
    assert "erika@example.org" in content
    assert "/werkstaetten/bestaetigen/" in content
    assert Registration.objects.get(pk=registration.pk).status == "pending"

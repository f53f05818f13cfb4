"""Issue 9.4: at-least-once mail with a stable Message-ID; database errors in the send task are retried; a
reminder waiting in the outbox is not sent when its workshop was moved or cancelled meanwhile."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from core import services
from core.models import OutboxMail
from core.tasks import outbox_send
from tests.factories import RegistrationFactory, WorkshopFactory
from workshops import services as workshop_services

pytestmark = pytest.mark.django_db


def write(**kwargs) -> OutboxMail:
    with mock.patch.object(outbox_send, "apply_async"):  # keep it pending: the test sends by hand
        return services.outbox_write(to="erika@example.org", subject="Hallo", body_text="Text", **kwargs)


def test_every_attempt_to_send_a_row_carries_the_same_message_id(settings):
    settings.SITE_URL = "https://beteiligung.hannover.example"
    row = write()
    services.outbox_send(mail_id=row.pk)
    OutboxMail.objects.filter(pk=row.pk).update(status=OutboxMail.Status.PENDING)  # as after a lost "sent" save
    services.outbox_send(mail_id=row.pk)
    first, second = (message.extra_headers["Message-ID"] for message in mail.outbox)
    assert first == second == f"<outbox.{row.pk}.{int(row.created_at.timestamp())}@beteiligung.hannover.example>"
    assert first in mail.outbox[0].message().as_string()


def test_different_rows_have_different_message_ids():
    assert write().message_id != write().message_id


def test_a_database_error_in_the_send_task_is_retried():
    row = write()
    with mock.patch.object(services, "outbox_send", side_effect=OperationalError("connection cut")) as send:
        outbox_send.apply(args=(row.pk,))  # eagerly, each retry runs at once
    assert send.call_count == outbox_send.max_retries + 1


def _waiting_reminder():
    workshop = WorkshopFactory(starts_at=timezone.now() + timedelta(hours=24), reminder_lead_hours=48)
    RegistrationFactory(workshop=workshop, confirmed_at=timezone.now() - timedelta(days=5), email="erika@example.org")
    with mock.patch.object(outbox_send, "apply_async"):  # the worker is down: the reminder waits in the outbox
        assert workshop_services.reminders_send() == 1
    return workshop, OutboxMail.objects.get(topic="reminder")


def test_a_waiting_reminder_of_a_moved_workshop_is_discarded_at_send_time():
    workshop, reminder = _waiting_reminder()
    workshop.starts_at += timedelta(hours=3)
    workshop.ends_at += timedelta(hours=3)
    workshop.save()
    assert services.outbox_send(mail_id=reminder.pk) is True
    reminder.refresh_from_db()
    assert reminder.status == OutboxMail.Status.DISCARDED
    assert "verlegt" in reminder.last_error
    assert mail.outbox == []


def test_a_waiting_reminder_of_a_cancelled_workshop_is_discarded_at_send_time():
    workshop, reminder = _waiting_reminder()
    with mock.patch.object(outbox_send, "apply_async"):
        workshop_services.workshop_cancel(workshop=workshop, reason="Raum nicht verfügbar")
    services.outbox_send(mail_id=reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == OutboxMail.Status.DISCARDED
    assert [m for m in mail.outbox if "Erinnerung" in m.subject] == []


def test_a_waiting_reminder_of_an_unchanged_workshop_is_sent():
    _workshop, reminder = _waiting_reminder()
    services.outbox_send(mail_id=reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == OutboxMail.Status.SENT
    assert len(mail.outbox) == 1

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core import services
from core.models import OutboxMail
from core.services import Attachment


def enqueue(**overrides):
    fields = {"to": "person@example.org", "template": "core/mail/accessibility_feedback", "context": {}}
    fields.update(overrides)
    return services.mail_enqueue(**fields)


@pytest.mark.django_db(transaction=True)
def test_enqueued_mail_is_sent_after_commit():
    enqueue(context={"feedback": {"message": "Der Kontrast ist zu schwach", "pk": 1}})
    assert len(mail.outbox) == 1
    assert "Der Kontrast ist zu schwach" in mail.outbox[0].body
    assert OutboxMail.objects.get().status == OutboxMail.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_mail_carries_html_alternative_and_attachment():
    enqueue(attachments=[Attachment("termin.ics", b"BEGIN:VCALENDAR", "text/calendar")])
    message = mail.outbox[0]
    assert message.alternatives[0].mimetype == "text/html"
    assert message.attachments[0][:2] == ("termin.ics", "BEGIN:VCALENDAR")


@pytest.mark.django_db(transaction=True)
def test_mail_of_a_rolled_back_transaction_is_neither_stored_nor_sent():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue()
        raise RuntimeError("change failed")
    assert OutboxMail.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_same_dedupe_key_is_written_once():
    first = enqueue(dedupe_key="reminder:1:abc")
    second = enqueue(dedupe_key="reminder:1:abc")
    assert first is not None
    assert second is None
    assert OutboxMail.objects.count() == 1


@pytest.mark.django_db
def test_send_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        outbox_mail = enqueue()
    assert services.outbox_send(mail_id=outbox_mail.pk) is True
    assert services.outbox_send(mail_id=outbox_mail.pk) is True
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_transport_error_keeps_mail_pending_with_error(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
    with django_capture_on_commit_callbacks(execute=False):
        outbox_mail = enqueue()
    assert services.outbox_send(mail_id=outbox_mail.pk) is False
    outbox_mail.refresh_from_db()
    assert outbox_mail.status == OutboxMail.Status.PENDING
    assert outbox_mail.attempts == 1
    assert "Error" in outbox_mail.last_error


@pytest.mark.django_db
def test_mail_fails_for_good_after_max_attempts(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    settings.OUTBOX_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=False):
        outbox_mail = enqueue()
    services.outbox_send(mail_id=outbox_mail.pk)
    services.outbox_send(mail_id=outbox_mail.pk)
    outbox_mail.refresh_from_db()
    assert outbox_mail.status == OutboxMail.Status.FAILED


@pytest.mark.django_db
def test_sweep_sends_mail_whose_after_commit_send_never_ran(django_capture_on_commit_callbacks):
    from core.tasks import outbox_sweep

    with django_capture_on_commit_callbacks(execute=False):  # e.g. the broker was down at commit time
        outbox_mail = enqueue()
    OutboxMail.objects.filter(pk=outbox_mail.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert outbox_sweep() == 1
    outbox_mail.refresh_from_db()
    assert outbox_mail.status == OutboxMail.Status.SENT


@pytest.mark.django_db
def test_sweep_leaves_fresh_mail_to_its_own_task(django_capture_on_commit_callbacks):
    from core.tasks import outbox_sweep

    with django_capture_on_commit_callbacks(execute=False):
        enqueue()
    assert outbox_sweep() == 0


@pytest.mark.django_db
def test_sweep_backs_off_after_failed_attempts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        outbox_mail = enqueue()
    now = timezone.now()
    OutboxMail.objects.filter(pk=outbox_mail.pk).update(
        created_at=now - timedelta(hours=1), attempts=3, updated_at=now - timedelta(minutes=5)
    )
    assert services.outbox_due_ids(now=now) == []
    assert services.outbox_due_ids(now=now + timedelta(minutes=4)) == [outbox_mail.pk]


@pytest.mark.django_db
def test_resend_puts_failed_mail_back_and_sends_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        outbox_mail = enqueue()
    OutboxMail.objects.filter(pk=outbox_mail.pk).update(status=OutboxMail.Status.FAILED, attempts=8)
    with django_capture_on_commit_callbacks(execute=True):
        services.outbox_resend(mail_ids=[outbox_mail.pk])
    outbox_mail.refresh_from_db()
    assert outbox_mail.status == OutboxMail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_admin_resend_action(client, admin_user, django_capture_on_commit_callbacks):
    from tests.auth import login_with_mfa

    login_with_mfa(client, admin_user)
    with django_capture_on_commit_callbacks(execute=False):
        outbox_mail = enqueue()
    OutboxMail.objects.filter(pk=outbox_mail.pk).update(status=OutboxMail.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/core/outboxmail/", {"action": "resend", "_selected_action": [outbox_mail.pk]}, follow=True
        )
    assert response.status_code == 200
    assert OutboxMail.objects.get().status == OutboxMail.Status.SENT


@pytest.mark.postgres
@pytest.mark.redis
def test_real_worker_delivers_outbox_mail_through_redis(celery_worker):
    import time

    outbox_mail = enqueue(to="worker@example.org")  # committed at once: transactional db, autocommit
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        outbox_mail.refresh_from_db()
        if outbox_mail.status == OutboxMail.Status.SENT:
            break
        time.sleep(0.2)
    assert outbox_mail.status == OutboxMail.Status.SENT
    delivered = "".join(path.read_text() for path in celery_worker.iterdir())
    assert "worker@example.org" in delivered

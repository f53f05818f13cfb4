"""Stored mails hold no usable secrets, and not forever (issue 15, point 2; ADR 0015)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core import services
from core.models import AuditLog, OutboxMail
from tests.factories import WorkshopFactory, register

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"'<>\\]+")
TOKEN_PATHS = ("/werkstaetten/bestaetigen/", "/werkstaetten/anmeldung/", "/rueckmeldung/")


def _full_flow(email="erika@example.org"):
    """Registration, confirmation and a feedback invitation; returns the tokens mailed to the person."""
    from reflections import services as reflections_services
    from workshops import services as workshop_services
    from workshops.tokens import tokens_for

    registration = register(WorkshopFactory(), email=email).registration
    tokens = tokens_for(registration)
    workshop_services.registration_confirm(token=tokens.confirm)
    registration.refresh_from_db()
    workshop_services.registration_check_in(registration=registration)
    invitation = reflections_services.feedback_invitation_create(registration=registration)
    return [tokens.confirm, tokens.manage, invitation.token]


def _raw_outbox() -> str:
    """Every column of every stored outbox row as the database holds it (what a copy of it would show)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_outboxmail")
        return "\n".join(" ".join(str(value) for value in row) for row in cursor.fetchall())


def test_a_copy_of_the_database_opens_no_link_from_a_stored_mail(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # worst case: nothing delivered yet
        tokens = _full_flow()
    # The application (with the key) still has the links to send …
    bodies = " ".join(mail.body_text + mail.body_html for mail in OutboxMail.objects.all())
    assert all(token in bodies for token in tokens)
    # … but the stored rows hold none of them.
    raw = _raw_outbox()
    assert not any(token in raw for token in tokens)
    assert not any(path in raw for path in TOKEN_PATHS)
    for link in LINK.findall(raw):
        path = re.sub(r"^https?://[^/]+", "", link)
        assert client.get(path).status_code != 200 or not path.startswith(TOKEN_PATHS)


def test_without_the_key_the_stored_bodies_stay_closed(settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        tokens = _full_flow()
    settings.OUTBOX_ENCRYPTION_KEY = "an-attacker-guess-of-the-key-0123456789abcdef"
    bodies = " ".join(mail.body_text + mail.body_html + str(mail.headers) for mail in OutboxMail.objects.all())
    assert not any(token in bodies for token in tokens)


def test_rotated_keys_still_open_mails_encrypted_with_the_old_key(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_ENCRYPTION_KEY = "old-key-0123456789abcdef0123456789abcdef"
    with django_capture_on_commit_callbacks(execute=False):
        mail = services.outbox_write(to="a@example.org", subject="s", body_text="geheimer Link")
    settings.OUTBOX_ENCRYPTION_KEY = "new-key-0123456789abcdef0123456789abcdef,old-key-0123456789abcdef0123456789abcdef"
    assert OutboxMail.objects.get(pk=mail.pk).body_text == "geheimer Link"


def test_delivered_mail_keeps_no_body_headers_or_attachments(django_capture_on_commit_callbacks):
    from django.core import mail as sent

    with django_capture_on_commit_callbacks(execute=True):
        services.outbox_write(
            to="a@example.org",
            subject="s",
            body_text="Ihr Link: https://example.org/werkstaetten/anmeldung/abc/",
            body_html="<a href='x'>x</a>",
            headers={"List-Unsubscribe": "<https://example.org/folgen/abbestellen/abc/>"},
            attachments=[services.Attachment("a.ics", b"BEGIN:VCALENDAR", "text/calendar")],
        )
    stored = OutboxMail.objects.get()
    assert stored.status == OutboxMail.Status.SENT
    assert (stored.body_text, stored.body_html, stored.headers, stored.attachments) == ("", "", {}, [])
    assert "/werkstaetten/anmeldung/abc/" in sent.outbox[0].body  # what went out was complete


def test_discarded_mail_keeps_no_body(django_capture_on_commit_callbacks):
    from core.registry import _outbox_checks, register_outbox_check

    register_outbox_check("test-discard:", lambda *, dedupe_key: "no longer true")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.outbox_write(to="a@example.org", subject="s", body_text="Link", dedupe_key="test-discard:1")
    finally:
        _outbox_checks.pop("test-discard:")
    stored = OutboxMail.objects.get()
    assert (stored.status, stored.body_text) == (OutboxMail.Status.DISCARDED, "")


def _mail(status, *, age_days, dedupe_key=None):
    mail = OutboxMail.objects.create(to="a@example.org", subject="s", body_text="t", dedupe_key=dedupe_key)
    OutboxMail.objects.filter(pk=mail.pk).update(status=status, updated_at=timezone.now() - timedelta(days=age_days))
    return mail


def test_purge_deletes_delivered_mails_after_the_retention(settings):
    settings.OUTBOX_RETENTION = timedelta(days=30)
    old, recent = _mail(OutboxMail.Status.SENT, age_days=31), _mail(OutboxMail.Status.SENT, age_days=29)
    discarded = _mail(OutboxMail.Status.DISCARDED, age_days=31)
    assert services.outbox_purge() == 2
    assert set(OutboxMail.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not OutboxMail.objects.filter(pk__in=[old.pk, discarded.pk]).exists()


def test_purge_keeps_failed_mails_for_a_resend(settings):
    failed = _mail(OutboxMail.Status.FAILED, age_days=90)
    pending = _mail(OutboxMail.Status.PENDING, age_days=90)
    assert services.outbox_purge() == 0
    assert OutboxMail.objects.filter(pk__in=[failed.pk, pending.pk]).count() == 2


def test_purge_leaves_a_tombstone_that_still_prevents_a_repeat(settings):
    _mail(OutboxMail.Status.SENT, age_days=31, dedupe_key="workshops:reminder:1:x")
    assert services.outbox_purge() == 1
    tombstone = OutboxMail.objects.get()
    assert (tombstone.to, tombstone.subject, tombstone.body_text) == ("", "", "")
    assert (
        services.outbox_write(to="a@example.org", subject="s", body_text="t", dedupe_key="workshops:reminder:1:x")
        is None
    )
    assert services.outbox_purge() == 0


def test_purge_runs_daily_from_beat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["outbox-purge"]["task"] == "core.tasks.outbox_purge"
    from core.tasks import outbox_purge

    _mail(OutboxMail.Status.SENT, age_days=400)
    assert outbox_purge.delay().get() == 1


def test_resend_leaves_delivered_mails_alone(django_capture_on_commit_callbacks):
    sent = _mail(OutboxMail.Status.SENT, age_days=1)
    assert services.outbox_resend(mail_ids=[sent.pk]) == 0
    assert OutboxMail.objects.get(pk=sent.pk).status == OutboxMail.Status.SENT


def test_staff_view_of_a_stored_mail_is_audited(client, admin_user):
    from tests.auth import login_with_mfa

    login_with_mfa(client, admin_user)
    mail = OutboxMail.objects.create(to="erika@example.org", subject="s", body_text="Hallo Erika")
    response = client.get(f"/admin/core/outboxmail/{mail.pk}/change/")
    assert response.status_code == 200 and "Hallo Erika" in response.content.decode()
    entry = AuditLog.objects.get(action=AuditLog.Action.OUTBOX_MAIL_VIEW)
    assert (entry.actor, entry.object_id) == (admin_user, str(mail.pk))
    client.get("/admin/core/outboxmail/")
    assert AuditLog.objects.filter(action=AuditLog.Action.OUTBOX_MAIL_VIEW).count() == 1


def test_a_mail_encrypted_with_a_lost_key_is_never_sent_as_ciphertext(settings, django_capture_on_commit_callbacks):
    from django.core import mail as sent

    with django_capture_on_commit_callbacks(execute=False):
        stored = services.outbox_write(to="a@example.org", subject="s", body_text="Link")
    settings.OUTBOX_ENCRYPTION_KEY = "a-new-key-without-the-old-one-0123456789ab"
    assert services.outbox_send(mail_id=stored.pk) is False
    assert sent.outbox == []
    assert "OUTBOX_ENCRYPTION_KEY" in OutboxMail.objects.get(pk=stored.pk).last_error


def test_after_delivery_not_even_the_application_holds_a_link(django_capture_on_commit_callbacks):
    from django.core import mail as sent

    with django_capture_on_commit_callbacks(execute=True):
        tokens = _full_flow()
    assert all(any(token in message.body for message in sent.outbox) for token in tokens)  # they went out
    stored = " ".join(
        mail.body_text + mail.body_html + str(mail.headers) + str(mail.attachments) for mail in OutboxMail.objects.all()
    )
    assert not any(token in stored for token in tokens)

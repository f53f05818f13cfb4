"""Services of the core app: the mail outbox and the accessibility feedback form."""

import base64
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import AccessibilityFeedback, OutboxMail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content": base64.b64encode(self.content).decode("ascii"),
        }


def mail_render(*, template: str, context: dict) -> tuple[str, str, str]:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html` in German."""
    with translation.override(settings.LANGUAGE_CODE):
        ctx = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
        text = render_to_string(f"{template}.txt", ctx)
        html = render_to_string(f"{template}.html", ctx)
    return subject, text, html


def mail_enqueue(
    *,
    to: str,
    template: str,
    context: dict,
    attachments: list[Attachment] | None = None,
    dedupe_key: str | None = None,
    topic: str = "",
) -> OutboxMail | None:
    """Render a mail from templates and write it to the outbox; it is sent after commit.

    Call it inside the transaction of the change that causes the mail, after the seat-critical
    statements (rendering takes time). With a `dedupe_key` used before, nothing is written and None is
    returned (idempotent reminders)."""
    subject, text, html = mail_render(template=template, context=context)
    return outbox_write(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=attachments,
        dedupe_key=dedupe_key,
        topic=topic or template.rsplit("/", 1)[-1],
    )


def outbox_write(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: list[Attachment] | None = None,
    dedupe_key: str | None = None,
    topic: str = "",
) -> OutboxMail | None:
    """Write an already rendered mail to the outbox and send it after commit."""
    fields = {
        "to": to,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "attachments": [a.as_json() for a in attachments or []],
        "dedupe_key": dedupe_key,
        "topic": topic,
    }
    if dedupe_key:
        if OutboxMail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        try:
            with transaction.atomic():
                mail = OutboxMail.objects.create(**fields)
        except IntegrityError:
            return None
    else:
        mail = OutboxMail.objects.create(**fields)
    from .tasks import outbox_send  # tasks import services; import here to keep that direction

    transaction.on_commit(lambda: outbox_send.delay(mail.pk))
    return mail


def outbox_send(*, mail_id: int) -> bool:
    """Send one outbox mail unless it was sent already. Returns True when it is sent (now or before).

    The row is locked while sending, so two workers never send the same mail twice."""
    with transaction.atomic():
        mail = OutboxMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status == OutboxMail.Status.SENT:
            return True
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to],
        )
        if mail.body_html:
            message.attach_alternative(mail.body_html, "text/html")
        for attachment in mail.attachments:
            message.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
        mail.attempts += 1
        try:
            message.send()
        except Exception as exc:  # any transport error: keep the row, record the error, retry later
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                mail.status = OutboxMail.Status.FAILED
            mail.save(update_fields=["attempts", "last_error", "status", "updated_at"])
            logger.warning("outbox mail %s failed (attempt %s): %s", mail.pk, mail.attempts, exc)
            return False
        mail.status = OutboxMail.Status.SENT
        mail.sent_at = timezone.now()
        mail.last_error = ""
        mail.save(update_fields=["attempts", "last_error", "status", "sent_at", "updated_at"])
        return True


def outbox_due_ids(*, now=None) -> list[int]:
    """Pending mails old enough that their after-commit send should have happened (broker down, crash).

    Backoff: a mail that failed n times waits 2**n minutes since its last attempt."""
    now = now or timezone.now()
    candidates = OutboxMail.objects.filter(
        status=OutboxMail.Status.PENDING, created_at__lte=now - settings.OUTBOX_SWEEP_MIN_AGE
    ).values_list("pk", "attempts", "updated_at")[:1000]
    return [
        pk
        for pk, attempts, updated_at in candidates
        if attempts == 0 or updated_at <= now - timedelta(minutes=2**attempts)
    ]


def outbox_resend(*, mail_ids: list[int]) -> int:
    """Put failed or sent mails back to pending and send them again (admin action)."""
    count = OutboxMail.objects.filter(pk__in=mail_ids).update(
        status=OutboxMail.Status.PENDING, attempts=0, last_error="", updated_at=timezone.now()
    )
    from .tasks import outbox_send as send_task

    for pk in mail_ids:
        transaction.on_commit(lambda pk=pk: send_task.delay(pk))
    return count


def accessibility_feedback_submit(*, name: str, email: str, page_url: str, message: str) -> AccessibilityFeedback:
    """Store a feedback message and notify the Fachteam through the outbox."""
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.create(name=name, email=email, page_url=page_url, message=message)
        mail_enqueue(
            to=settings.FACHTEAM_EMAIL,
            template="core/mail/accessibility_feedback",
            context={"feedback": feedback},
        )
    return feedback


# --- audit log -----------------------------------------------------------------------------------------------

_EMAIL_KEYS = {"email", "e-mail", "address"}


def email_fingerprint(email: str) -> dict:
    """A masked address for humans ("m…@example.org") and a hash to match a later request; not the address."""
    import hashlib

    email = (email or "").strip().lower()
    local, _sep, domain = email.partition("@")
    return {
        "masked": f"{local[:1]}…@{domain}" if domain else "…",
        "sha256": hashlib.sha256(email.encode()).hexdigest(),
    }


def audit_log(*, actor, action: str, obj=None, details: dict | None = None):
    """Record a sensitive action (attendee-list export, view of support needs, deletion, anonymisation, role
    change, MFA reset …): who (`actor`, a user or None for the system), what (`action`, preferably one of
    AuditLog.Action), on which object (`obj`, any model instance), with JSON-serialisable `details`.

    The object is stored by type and id with a label of its type only ("Anmeldung #12"): rows never copy
    the name of the person concerned. A value under the key "email" in `details` is replaced by a masked
    form and a hash. Call it inside the transaction of the action, so an action without a log row cannot
    commit."""
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditLog

    details = dict(details or {})
    for key in list(details):
        if key in _EMAIL_KEYS and isinstance(details[key], str):
            details[key] = email_fingerprint(details[key])
    entry = AuditLog(action=action, details=details)
    if actor is not None and getattr(actor, "is_authenticated", False) and actor.pk:
        entry.actor = actor
        entry.actor_repr = getattr(actor, "email", "") or str(actor.pk)
    if obj is not None and getattr(obj, "pk", None) is not None:
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk)
        entry.object_repr = f"{obj._meta.verbose_name} #{obj.pk}"[:255]
    entry.save()
    return entry

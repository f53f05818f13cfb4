"""Services of the core app: the mail outbox and the accessibility feedback form."""

import base64
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .crypto import normalise_email, pseudonym, undecryptable
from .links import absolute_url
from .models import AccessibilityFeedback, OutboxMail
from .publish import enqueue_on_commit
from .registry import outbox_check_for

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


def mail_render(*, template: str, context: dict, language: str | None = None) -> tuple[str, str, str]:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html` in `language` (the
    recipient's, where it is known; German otherwise)."""
    with translation.override(language or settings.LANGUAGE_CODE):
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
    headers: dict[str, str] | None = None,
    language: str | None = None,
    about: str = "",
) -> OutboxMail | None:
    """Render a mail from templates (in `language`, default German) and write it to the outbox; it is sent
    after commit.

    Call it inside the transaction of the change that causes the mail, after the seat-critical
    statements (rendering takes time). With a `dedupe_key` used before, nothing is written and None is
    returned (idempotent reminders).

    `about`: the address of the person whose data a mail to someone else copies (e.g. the sender of an
    accessibility feedback to the Fachteam): the data export includes the mail, erasure deletes it."""
    subject, text, html = mail_render(template=template, context=context, language=language)
    return outbox_write(
        about=about,
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=attachments,
        dedupe_key=dedupe_key,
        topic=topic or template.rsplit("/", 1)[-1],
        headers=headers,
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
    headers: dict[str, str] | None = None,
    about: str = "",
) -> OutboxMail | None:
    """Write an already rendered mail to the outbox and send it after commit (bodies, headers and attachments
    are stored encrypted, see core.fields; `about` as in mail_enqueue)."""
    fields = {
        "about": pseudonym(about),
        "to": to,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "attachments": [a.as_json() for a in attachments or []],
        "dedupe_key": dedupe_key,
        "topic": topic,
        "headers": headers or {},
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

    enqueue_on_commit(outbox_send, mail.pk)
    return mail


def outbox_send(*, mail_id: int) -> bool:
    """Send one outbox mail unless it was sent already. Returns True when it is sent (now or before) or
    discarded (a registered pre-send check, core.registry.register_outbox_check, says it is no longer true).

    The row is locked while sending, so two workers never send the same mail at once. Delivery is
    at-least-once: when the connection to the database is cut after the SMTP server took the mail but
    before the row is marked sent, the mail is sent again later, with the same Message-ID."""
    with transaction.atomic():
        mail = OutboxMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status in (OutboxMail.Status.SENT, OutboxMail.Status.DISCARDED):
            return True
        check = outbox_check_for(mail.dedupe_key)
        reason = check(dedupe_key=mail.dedupe_key) if check else ""
        if reason:
            mail.status = OutboxMail.Status.DISCARDED
            mail.last_error = str(reason)[:2000]
            _drop_content(mail)
            mail.save(update_fields=["status", "last_error", "updated_at", *_CONTENT_FIELDS])
            logger.info("outbox mail %s discarded: %s", mail.pk, reason)
            return True
        if undecryptable(mail.body_text) or undecryptable(mail.body_html):
            # Never send ciphertext: the key changed without keeping the old one (OUTBOX_ENCRYPTION_KEY).
            mail.last_error = "cannot decrypt the stored mail: add its key to OUTBOX_ENCRYPTION_KEY"
            mail.save(update_fields=["last_error", "updated_at"])
            logger.error("outbox mail %s cannot be decrypted", mail.pk)
            return False
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to],
            headers={**(mail.headers or {}), "Message-ID": mail.message_id},
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
        _drop_content(mail)
        mail.save(update_fields=["attempts", "last_error", "status", "sent_at", "updated_at", *_CONTENT_FIELDS])
        return True


# What carries links and personal data: dropped once a mail is delivered or discarded (ADR 0015).
_CONTENT_FIELDS = ("body_text", "body_html", "attachments", "headers")


def _drop_content(mail: OutboxMail) -> None:
    mail.body_text = mail.body_html = ""
    mail.attachments = []
    mail.headers = {}


def outbox_purge(*, now=None) -> int:
    """Remove delivered and discarded mails older than OUTBOX_RETENTION (periodic task). Returns the count.

    A mail with a dedupe key leaves a tombstone without recipient or subject, so the key keeps preventing a
    repeat (reminders, escalations); the others are deleted. Failed mails stay (encrypted) for a resend."""
    now = now or timezone.now()
    old = OutboxMail.objects.filter(
        status__in=[OutboxMail.Status.SENT, OutboxMail.Status.DISCARDED],
        updated_at__lte=now - settings.OUTBOX_RETENTION,
    ).exclude(to="", subject="")
    deleted, _ = old.filter(dedupe_key__isnull=True).delete()
    tombstoned = old.exclude(dedupe_key__isnull=True).update(
        to="", subject="", about="", last_error="", body_text="", body_html="", attachments=[], headers={}
    )
    return deleted + tombstoned


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
    """Put failed (or still pending) mails back to pending and send them again (admin action). Delivered
    and discarded mails have no body any more (ADR 0015) and are left alone."""
    ids = list(
        OutboxMail.objects.filter(
            pk__in=mail_ids, status__in=[OutboxMail.Status.FAILED, OutboxMail.Status.PENDING]
        ).values_list("pk", flat=True)
    )
    count = OutboxMail.objects.filter(pk__in=ids).update(
        status=OutboxMail.Status.PENDING, attempts=0, last_error="", updated_at=timezone.now()
    )
    from .tasks import outbox_send as send_task

    for pk in ids:
        enqueue_on_commit(send_task, pk)
    return count


def accessibility_feedback_submit(*, name: str, email: str, page_url: str, message: str) -> AccessibilityFeedback:
    """Store a feedback message and notify the Fachteam through the outbox."""
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.create(name=name, email=email, page_url=page_url, message=message)
        mail_enqueue(
            to=settings.FACHTEAM_EMAIL,
            about=email,
            template="core/mail/accessibility_feedback",
            context={
                "feedback": feedback,
                "change_url": absolute_url("admin:core_accessibilityfeedback_change", feedback.pk),
            },
        )
    return feedback


def accessibility_feedback_handled_set(*, feedback: AccessibilityFeedback, handled: bool, by: Any) -> None:
    """Mark a feedback message handled (or open again); the first person to mark it handled is recorded.
    Writes only these fields, so an edit never overwrites the message (admin)."""
    feedback.handled = handled
    if handled and not feedback.handled_by_id:
        feedback.handled_by = by
    feedback.save(update_fields=["handled", "handled_by", "updated_at"])


# --- heartbeats --------------------------------------------------------------------------------------------


def heartbeat_beat(*, name: str = "beat") -> None:
    """Record that a periodic process is alive now (the beat task writes "beat" every 30 s)."""
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


# --- audit log -----------------------------------------------------------------------------------------------

_EMAIL_KEYS = {"email", "e-mail", "address"}


def email_fingerprint(email: str) -> dict:
    """A masked address for humans ("m…@example.org") and a keyed pseudonym (HMAC with PARTICIPANT_HASH_KEY)
    to match a later request; not the address, and not recomputable from a guessed address without the key."""
    email = normalise_email(email)
    local, _sep, domain = email.partition("@")
    return {"masked": f"{local[:1]}…@{domain}" if domain else "…", "pseudonym": pseudonym(email)}


def audit_log(*, actor, action: str, obj=None, details: dict | None = None, about: str = ""):
    """Record a sensitive action (attendee-list export, view of support needs, deletion, anonymisation, role
    change, MFA reset …): who (`actor`, a user or None for the system), what (`action`, preferably one of
    AuditLog.Action), on which object (`obj`, any model instance), with JSON-serialisable `details`.

    The object is stored by type and id with a label of its type only ("Anmeldung #12"): rows never copy
    the name of the person concerned. A value under the key "email" in `details` is replaced by a masked
    form and a keyed pseudonym. The entry is linked (by that pseudonym, in `subject`) to the person it is
    about: `about` (an address), else the address in `details`, else the `email` of `obj` (an account, a
    registration), so the data export finds it. Call it inside the transaction of the action, so an action
    without a log row cannot commit."""
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditLog

    details = dict(details or {})
    for key in list(details):
        if key in _EMAIL_KEYS and isinstance(details[key], str):
            about = about or details[key]
            details[key] = email_fingerprint(details[key])
    if not about and obj is not None and isinstance(getattr(obj, "email", None), str):
        about = obj.email
    if about.endswith(".invalid"):  # an anonymised placeholder address is nobody
        about = ""
    entry = AuditLog(action=action, details=details, subject=pseudonym(about))
    if actor is not None and getattr(actor, "is_authenticated", False) and actor.pk:
        entry.actor = actor
        entry.actor_repr = getattr(actor, "email", "") or str(actor.pk)
    if obj is not None and getattr(obj, "pk", None) is not None:
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk)
        entry.object_repr = f"{obj._meta.verbose_name} #{obj.pk}"[:255]
    entry.save()
    return entry

"""Reminders before a workshop starts (once per start time)."""

import hashlib
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import translation

from core.models import OutboxMail
from core.services import Attachment, mail_enqueue

from ..models import Registration, Workshop
from .mails import (
    MAIL,
    _ics_attachment,
    _mail_context,
    mail_language,
)
from .seats import _now

Status = Registration.Status


def start_checksum(workshop: Workshop) -> str:
    """Short checksum of the start time: part of a reminder's dedupe key, so a moved workshop gets a fresh
    reminder for its new time and never one for the old time."""
    return hashlib.sha256(workshop.starts_at.isoformat().encode()).hexdigest()[:12]


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind confirmed participants `reminder_lead_hours` before the start (once per start time).

    People who confirmed inside the reminder window get none (their confirmation was the reminder).
    Returns the number of reminders written to the outbox. Idempotent."""
    now = now or _now()
    candidates = Workshop.objects.filter(
        status=Workshop.Status.PUBLISHED, reminder_enabled=True, starts_at__gt=now
    ).only("pk", "starts_at", "reminder_lead_hours")
    due = {w.pk: w for w in candidates if w.starts_at - timedelta(hours=w.reminder_lead_hours) <= now}
    if not due:
        return 0
    workshops = {w.pk: w for w in Workshop.objects.filter(pk__in=due)}
    registrations = list(
        Registration.objects.filter(workshop_id__in=due, status=Status.CONFIRMED, anonymised_at__isnull=True).exclude(
            email=""  # walk-ins without an address get no mail
        )
    )
    keys = {r.pk: f"workshops:reminder:{r.pk}:{start_checksum(workshops[r.workshop_id])}" for r in registrations}
    sent_before = set(OutboxMail.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key", flat=True))
    attachments: dict[int, Attachment] = {}
    written = 0
    for registration in registrations:
        workshop = workshops[registration.workshop_id]
        registration.workshop = workshop
        key = keys[registration.pk]
        window_start = workshop.starts_at - timedelta(hours=workshop.reminder_lead_hours)
        if key in sent_before or (registration.confirmed_at and registration.confirmed_at >= window_start):
            continue
        if workshop.pk not in attachments:
            attachments[workshop.pk] = _ics_attachment(workshop)
        with transaction.atomic(), translation.override(mail_language(registration)):
            mail = mail_enqueue(
                to=registration.email,
                language=mail_language(registration),
                template=MAIL + "reminder",
                context=_mail_context(registration),
                attachments=[attachments[workshop.pk]],
                dedupe_key=key,
            )
        written += mail is not None
    return written

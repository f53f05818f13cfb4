"""Outbox and heartbeat tasks. Thin: ids in, one service call, idempotent.

Mail delivery is at-least-once: a mail is sent, then its row is marked sent; a crash or a lost database
connection between the two sends it again later. Receivers and Mailpit recognise the repeat by its stable
Message-ID (core.services.outbox_message_id)."""

from celery import shared_task
from django.db import DatabaseError

from . import services


class OutboxSendFailed(Exception):
    pass


@shared_task(
    bind=True,
    autoretry_for=(OutboxSendFailed, DatabaseError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
)
def outbox_send(self, mail_id: int) -> None:
    """Send one outbox mail; retried with exponential backoff (also on database errors, e.g. a connection cut
    between sending and marking the row sent); the sweep picks up whatever is left."""
    # Eagerly (no broker) a failed mail is left to the sweep instead of retrying in a tight loop.
    if not services.outbox_send(mail_id=mail_id) and not self.request.is_eager:
        raise OutboxSendFailed(mail_id)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=10, max_retries=3)
def outbox_sweep() -> int:
    """Re-send mails still pending (e.g. the broker was down at commit time)."""
    ids = services.outbox_due_ids()
    for mail_id in ids:
        services.outbox_send(mail_id=mail_id)
    return len(ids)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=3)
def outbox_purge() -> int:
    """Remove delivered and discarded mails older than OUTBOX_RETENTION (daily)."""
    return services.outbox_purge()


@shared_task(ignore_result=True)
def beat_heartbeat() -> None:
    """Written every 30 s by Celery beat through a worker; /readyz and /metrics show its age."""
    services.heartbeat_beat(name="beat")

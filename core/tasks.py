"""Outbox tasks. Thin: ids in, one service call, idempotent."""

from celery import shared_task

from . import services


class OutboxSendFailed(Exception):
    pass


@shared_task(
    bind=True,
    autoretry_for=(OutboxSendFailed,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
)
def outbox_send(self, mail_id: int) -> None:
    """Send one outbox mail; retried with exponential backoff; the sweep picks up whatever is left."""
    # Eagerly (no broker) a failed mail is left to the sweep instead of retrying in a tight loop.
    if not services.outbox_send(mail_id=mail_id) and not self.request.is_eager:
        raise OutboxSendFailed(mail_id)


@shared_task
def outbox_sweep() -> int:
    """Re-send mails still pending (e.g. the broker was down at commit time)."""
    ids = services.outbox_due_ids()
    for mail_id in ids:
        services.outbox_send(mail_id=mail_id)
    return len(ids)

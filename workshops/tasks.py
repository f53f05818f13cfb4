"""Periodic and background tasks of the registration engine. Thin: one service call each, idempotent."""

from celery import shared_task

from . import services

RETRY = {"autoretry_for": (Exception,), "retry_backoff": 30, "retry_backoff_max": 600, "max_retries": 3}


@shared_task(**RETRY)
def holds_expire(workshop_id: int | None = None) -> int:
    """Release unconfirmed holds past their deadline and offer the seats to the waiting list."""
    return services.holds_expire(workshop_id=workshop_id)


@shared_task(**RETRY)
def offers_process() -> int:
    """Expire due waiting-list offers and offer every free seat to the next people in line."""
    return services.offers_process()


@shared_task(**RETRY)
def waitlist_offer_next(workshop_id: int) -> int:
    """Offer a workshop's free seats to its waiting list."""
    return services.waitlist_offer_next(workshop_id=workshop_id)


@shared_task(**RETRY)
def reminders_send() -> int:
    """Write due reminders to the outbox (once per registration and start time)."""
    return services.reminders_send()


@shared_task(**RETRY)
def seats_reconcile() -> int:
    """Recount held seats and repair drift of the counter (logged); returns the number repaired."""
    return len(services.seats_reconcile())


@shared_task(**RETRY)
def retention_run() -> dict:
    """Delete support needs, purge unconfirmed registrations, anonymise old ones (settings WORKSHOPS_*)."""
    return services.retention_run()

"""Periodic tasks of subscriptions. Thin and idempotent: each calls services."""

from celery import shared_task

from . import services


@shared_task
def events_collect() -> int:
    """Derive new events from the other apps' data."""
    return services.events_collect()


@shared_task
def digests_send() -> int:
    """Collect events, then send the digests that are due."""
    services.events_collect()
    return len(services.digests_send())


@shared_task
def daily() -> dict:
    """Import "keep me informed" registrations, send "what became of it" mails, purge old subscriptions."""
    imported = services.subscriptions_import_from_registrations()
    aftermath = services.aftermath_send()
    purged = services.subscriptions_purge()
    return {"imported": imported, "aftermath": aftermath, **purged}

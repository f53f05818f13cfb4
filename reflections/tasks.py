"""Periodic tasks of the reflections app: thin, idempotent, one service call each (DESIGN §4)."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def workshops_mark_held() -> int:
    """Published workshops whose end has passed become held (and their participation is recorded)."""
    return services.workshops_mark_held()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def feedback_invitations_send() -> int:
    """Invite the checked-in attendees of recently held workshops to the anonymous survey (once each)."""
    return services.feedback_invitations_send()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def documentation_debt_remind() -> dict:
    """Remind facilitators of missing reflections after N days; tell the Fachteam after 2N days."""
    return services.documentation_debt_remind()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def follow_up_remind() -> int:
    """Ask the team of workshops held three months ago for the follow-up reflection (once each)."""
    return services.follow_up_remind()

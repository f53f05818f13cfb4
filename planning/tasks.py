"""Periodic tasks of the planning app. Thin: one service call each, idempotent."""

from celery import shared_task

from . import services

RETRY = {"autoretry_for": (Exception,), "retry_backoff": 30, "retry_backoff_max": 600, "max_retries": 3}


@shared_task(**RETRY)
def checklist_reminders_send() -> int:
    """Mail the assignees of checklist tasks due soon or overdue (once per task, due date and phase)."""
    return services.checklist_reminders_send()


@shared_task(**RETRY)
def run_by_refresh() -> int:
    """Recompute the derived Eigenregie classification of every workshop and repair the stored copy."""
    return services.run_by_refresh()

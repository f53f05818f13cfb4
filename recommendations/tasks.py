"""Report tasks (queue "reports", routed by the name pattern recommendations.tasks.report_*). Thin and idempotent."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import services


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    max_retries=3,
    # The message is acknowledged only when the run ends; a worker killed mid-run leaves it to be redelivered,
    # and the redelivered run takes over once the job's heartbeat is stale.
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=int(settings.REPORT_JOB_TIME_LIMIT.total_seconds()),
)
def report_generate(self, job_id: int) -> str | None:
    """Render the PDF of one ReportJob; returns its final status. Running it twice yields one file."""
    heartbeat = None if self.request.is_eager else settings.REPORT_JOB_HEARTBEAT_SECONDS
    job = services.report_job_run(job_id=job_id, heartbeat_seconds=heartbeat)
    return job.status if job else None


@shared_task
def report_sweep() -> int:
    """Mark report jobs whose worker died as stalled, publish queued jobs whose message got lost."""
    return services.report_jobs_requeue_stuck()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=30, max_retries=3)
def followup_reminders_send() -> dict:
    """Reminders to owners before and after due dates, escalation to the Fachteam (idempotent: dedupe keys)."""
    result = services.followup_reminders_send()
    return {"before": result.before, "overdue": result.overdue, "escalated": result.escalated}

"""Report tasks (queue "reports", routed by the name pattern recommendations.tasks.report_*). Thin and idempotent."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import services


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    max_retries=3,
    acks_late=True,
    soft_time_limit=int(settings.REPORT_JOB_TIME_LIMIT.total_seconds()),
)
def report_generate(job_id: int) -> str | None:
    """Render the PDF of one ReportJob; returns its final status. Running it twice yields one file."""
    job = services.report_job_run(job_id=job_id)
    return job.status if job else None


@shared_task
def report_sweep() -> int:
    """Requeue report jobs stuck in "running" beyond their time limit (the worker died or was killed)."""
    return services.report_jobs_requeue_stuck()

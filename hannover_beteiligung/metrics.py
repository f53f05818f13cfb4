"""`GET /metrics`: Prometheus metrics of the platform (docs/operations.md has alert rules and a runbook).

Lives in the wiring package because its gauges read several apps (outbox, report jobs, registrations). The
counters written where things happen are in core/metrics.py; prometheus_client's default collectors add
process and Python figures. Every gauge here is computed when scraped and fails open: a part that does not
answer is reported as down (`hb_up{part=…} 0`) instead of failing the scrape.

Access: `Authorization: Bearer <METRICS_TOKEN>`, or a client address inside METRICS_ALLOWED_NETWORKS."""

import ipaddress
import logging
import os
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

QUEUES = ("mail", "reports", "default")


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and constant_time_compare(header[7:].strip(), token):
        return True
    networks = settings.METRICS_ALLOWED_NETWORKS
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(network, strict=False) for network in networks)
    return False


class PlatformCollector(Collector):
    """Gauges read from the database and the broker at scrape time."""

    def describe(self) -> list:
        return []  # registration must not query the database (it would call collect() otherwise)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("hb_up", "Whether a part of the platform answers (1) or not (0).", labels=["part"])
        try:
            yield from self._database_gauges()
            up.add_metric(["database"], 1)
        except Exception as exc:
            logger.warning("metrics: database gauges unavailable: %s", exc)
            up.add_metric(["database"], 0)
        broker_up = self._queue_lengths()
        if broker_up is not None:
            yield broker_up[1]
            up.add_metric(["broker"], 1 if broker_up[0] else 0)
        yield up

    def _database_gauges(self) -> Iterator[GaugeMetricFamily]:
        from core.models import Heartbeat, OutboxMail
        from recommendations.models import ReportJob
        from workshops.models import Registration

        now = timezone.now()
        outbox = GaugeMetricFamily("hb_outbox_mails", "Outbox mails by status.", labels=["status"])
        counts = dict(OutboxMail.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in OutboxMail.Status.values:
            outbox.add_metric([status], counts.get(status, 0))
        yield outbox
        oldest = OutboxMail.objects.filter(status=OutboxMail.Status.PENDING).aggregate(at=Min("created_at"))["at"]
        yield GaugeMetricFamily(
            "hb_outbox_oldest_pending_age_seconds",
            "Age of the oldest mail still waiting to be sent (0 when none waits).",
            value=(now - oldest).total_seconds() if oldest else 0,
        )
        jobs = GaugeMetricFamily("hb_report_jobs", "Report jobs by status.", labels=["status"])
        job_counts = dict(ReportJob.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in ReportJob.Status.values:
            jobs.add_metric([status], job_counts.get(status, 0))
        yield jobs
        yield GaugeMetricFamily(
            "hb_report_jobs_stalled",
            "Report jobs whose run stopped sending its heartbeat (worker died) and that nobody has retried yet.",
            value=_stalled_report_jobs(now),
        )
        yield GaugeMetricFamily(
            "hb_registrations_last_minute",
            "Registrations created in the last 60 seconds (registrations per minute).",
            value=Registration.objects.filter(created_at__gte=now - timedelta(minutes=1)).count(),
        )
        beat = Heartbeat.objects.filter(name="beat").values_list("at", flat=True).first()
        if beat is not None:
            yield GaugeMetricFamily(
                "hb_beat_heartbeat_age_seconds",
                "Seconds since Celery beat (through a worker) last wrote its heartbeat.",
                value=(now - beat).total_seconds(),
            )

    def _queue_lengths(self) -> tuple[bool, GaugeMetricFamily] | None:
        url = settings.CELERY_BROKER_URL
        if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis://", "rediss://")):
            return None
        import redis

        gauge = GaugeMetricFamily("hb_celery_queue_length", "Messages waiting in a Celery queue.", labels=["queue"])
        timeout = settings.REDIS_TIMEOUT_SECONDS
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
            try:
                with client.pipeline(transaction=False) as pipe:
                    for queue in QUEUES:
                        pipe.llen(queue)
                    lengths = pipe.execute()
            finally:
                client.close()
        except Exception as exc:
            logger.warning("metrics: broker queue lengths unavailable: %s", exc)
            return False, gauge
        for queue, length in zip(QUEUES, lengths, strict=True):
            gauge.add_metric([queue], length)
        return True, gauge


def _stalled_report_jobs(now) -> int:
    from recommendations.models import ReportJob

    stalled = getattr(ReportJob.Status, "STALLED", None)
    if stalled is not None:
        return ReportJob.objects.filter(status=stalled).count()
    return ReportJob.objects.filter(
        status=ReportJob.Status.RUNNING, started_at__lt=now - settings.REPORT_JOB_TIME_LIMIT
    ).count()


_platform_collector = PlatformCollector()
REGISTRY.register(_platform_collector)


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(_platform_collector)
        return registry
    return REGISTRY


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)

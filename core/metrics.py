"""Process-level Prometheus metrics of the platform (counters and histograms written where things happen).

The gauges computed from the database (outbox, report jobs, registrations, queue lengths) are collected when
`/metrics` is scraped (hannover_beteiligung/metrics.py). Under gunicorn with several worker processes set
PROMETHEUS_MULTIPROC_DIR so the counters of all processes are added up (prometheus_client's multiprocess
mode); without it each scrape shows the counters of the process that answered."""

from prometheus_client import Counter

BROKER_PUBLISH_FAILURES = Counter(
    "hb_broker_publish_failures_total",
    "Task messages that could not be published to the broker (the outbox row or job row stays for the sweep).",
    ["task"],
)
CACHE_ERRORS = Counter(
    "hb_cache_errors_total",
    "Cache operations that failed because Redis did not answer (served from the per-process fallback).",
    ["operation"],
)
ERROR_MAILS_DROPPED = Counter(
    "hb_error_mails_dropped_total",
    "Error reports to ADMINS that could not be written to the outbox (database unavailable).",
)
DATABASE_UNAVAILABLE = Counter(
    "hb_database_unavailable_responses_total",
    "Requests answered 503 because the database was unavailable or the connection pool was exhausted.",
)

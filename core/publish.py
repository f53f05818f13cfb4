"""Best-effort publishing of Celery tasks after commit (DESIGN §5 "Degrade, don't fail").

The row written in the transaction (outbox mail, report job) is the guarantee; the task message only makes
the work happen sooner. So a broker error while publishing is logged and counted, never raised into the
request, and publishing gives up quickly (no retry loop: the connection timeouts come from
`CELERY_BROKER_TRANSPORT_OPTIONS` / `CELERY_BROKER_CONNECTION_TIMEOUT`). The periodic sweeps
(core.tasks.outbox_sweep, recommendations.tasks.report_sweep) pick up whatever was not published."""

import logging
from typing import Any

from django.db import transaction

from .metrics import BROKER_PUBLISH_FAILURES

logger = logging.getLogger(__name__)


def publish(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Queue `task` with the arguments now; False (logged, counted) when the broker did not take it."""
    name = getattr(task, "name", repr(task))
    try:
        task.apply_async(args=args, kwargs=kwargs or None, retry=False)
    except Exception as exc:  # kombu/redis raise many types (OperationalError, ConnectionError, timeouts, OSError)
        BROKER_PUBLISH_FAILURES.labels(task=name).inc()
        logger.warning(
            "could not publish task %s%r: %s: %s (the sweep will pick it up)", name, args, type(exc).__name__, exc
        )
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Publish `task` after the current transaction commits (right away outside one), best-effort."""
    transaction.on_commit(lambda: publish(task, *args, **kwargs))

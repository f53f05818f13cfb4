"""The Celery app. Tasks use `shared_task`; nothing imports this module but the worker and wsgi wiring."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hannover_beteiligung.settings.dev")

app = Celery("hannover_beteiligung")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("mail", "reports", "default")]
app.autodiscover_tasks()

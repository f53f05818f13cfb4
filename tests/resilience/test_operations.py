"""Issue 9.6 and 9.7: /metrics, error reports through the outbox, JSON logs, 503 when the database is gone."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

from core.models import Heartbeat, OutboxMail

from .conftest import dead_port

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.mark.django_db
def test_metrics_without_token_is_forbidden(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


@pytest.mark.django_db
def test_metrics_with_token_show_the_platform_gauges(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    OutboxMail.objects.create(to="a@example.org", subject="s", body_text="t")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'hb_outbox_mails{status="pending"} 1.0' in text
    for name in (
        "hb_outbox_oldest_pending_age_seconds",
        "hb_report_jobs{",
        "hb_report_jobs_stalled",
        "hb_registrations_last_minute",
        'hb_up{part="database"} 1.0',
    ):
        assert name in text


@pytest.mark.django_db
def test_metrics_from_an_allowed_network_need_no_token(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 403


@pytest.mark.django_db
def test_metrics_report_the_broker_down_without_failing(client, settings):
    settings.METRICS_TOKEN = "t"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{dead_port()}/0"
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t")
    assert response.status_code == 200
    assert 'hb_up{part="broker"} 0.0' in response.content.decode()


@pytest.mark.django_db
def test_readyz_shows_the_beat_heartbeat(client, settings):
    from core import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False  # as in production: a missing beat is a degradation
    assert client.get("/readyz").json()["checks"]["beat"]["status"] == "never seen"
    assert "beat" in client.get("/readyz").json()["degraded"]
    tasks.beat_heartbeat()
    body = client.get("/readyz").json()
    assert body["checks"]["beat"]["status"] == "ok"
    assert Heartbeat.objects.get(name="beat").at is not None


@pytest.mark.django_db
def test_an_error_report_goes_to_admins_through_the_outbox(settings):
    settings.ADMINS = [("ops@example.org", "ops@example.org")]
    logger = logging.getLogger("django.request")
    try:
        raise ValueError("kaputt")
    except ValueError:
        logger.error("Internal Server Error: /x/", exc_info=True)
    mail = OutboxMail.objects.get(to="ops@example.org")
    assert "Internal Server Error" in mail.subject
    assert "ValueError: kaputt" in mail.body_text


def test_json_log_lines_are_json():
    from core.logs import JsonFormatter

    record = logging.LogRecord("core.publish", logging.WARNING, __file__, 1, "publish failed %s", ("x",), None)
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "core.publish", "publish failed x")


@pytest.mark.postgres  # points the PostgreSQL connection at a dead port
@pytest.mark.django_db(transaction=True)
def test_database_down_is_answered_503_with_retry_after():
    connection = connections["default"]
    connection.close()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = dead_port()
    try:
        response = Client(raise_request_exception=False).get("/werkstaetten/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


POOL_SCRIPT = """
import threading, django
django.setup()
from django.db import connection
from django.test import Client

held = threading.Event(); release = threading.Event()

def hold():
    connection.ensure_connection()  # takes the only connection of the pool
    held.set(); release.wait(30); connection.close()

threading.Thread(target=hold, daemon=True).start()
held.wait(10)
response = Client(raise_request_exception=False).get("/werkstaetten/")
print(response.status_code, response.get("Retry-After"))
release.set()
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_exhausted_connection_pool_is_answered_503_with_retry_after():
    db = connections["default"].settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hannover_beteiligung.settings.test",
        "DATABASE_URL": "postgres://{}@{}:{}/{}".format(
            db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
        ),
        "DATABASE_POOL_MAX_SIZE": "1",
        "DATABASE_POOL_TIMEOUT": "0.5",
        "PYTHONPATH": str(BASE_DIR),
    }
    result = subprocess.run(
        [sys.executable, "-c", POOL_SCRIPT], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split()[:2] == ["503", "10"], result.stdout + result.stderr[-3000:]

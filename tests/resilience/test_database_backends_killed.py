"""Issue 9 (Tests): PostgreSQL backends terminated during a registration burst against gunicorn with the
connection pool: nobody gets a 500 (a broken connection answers 503 + Retry-After and the client retries),
the seat counter equals the recount, and no address holds two active registrations."""

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Count

from bench.server import Gunicorn, database_url
from tests.factories import WorkshopFactory, api_stamp
from workshops import selectors
from workshops.models import Registration

CLIENTS = 30
CAPACITY = 15

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def _post(url: str, n: int, workshop_id: int) -> list[int]:
    """Register person n; retry (as a browser or API client would) after a 503, at most 5 times, each time
    with a fresh stamp (a stamp is single use)."""
    codes = []
    for _attempt in range(6):
        body = json.dumps(
            {
                "name": f"Person {n}",
                "email": f"person{n}@example.org",
                "privacy_consent": True,
                "stamp": api_stamp(workshop_id),
            }
        ).encode()
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                codes.append(response.status)
        except urllib.error.HTTPError as error:
            codes.append(error.code)
        except (urllib.error.URLError, ConnectionError):
            codes.append(0)  # the server closed the connection: retry
        if codes[-1] not in (0, 503):
            return codes
        time.sleep(0.2)
    return codes


def test_terminated_backends_during_a_burst_cost_no_500_no_drift_no_duplicate():
    workshop = WorkshopFactory(capacity=CAPACITY)
    db = connection.settings_dict["NAME"]
    stop = threading.Event()
    killed = []

    def killer() -> None:
        import psycopg

        dsn = database_url(connection.settings_dict)
        with psycopg.connect(dsn, autocommit=True) as admin:
            while not stop.is_set():
                rows = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                    [db],
                ).fetchall()
                killed.append(len(rows))
                time.sleep(0.5)

    server = Gunicorn(
        database_url=database_url(connection.settings_dict),
        workers=4,
        env={
            "DJANGO_SETTINGS_MODULE": "hannover_beteiligung.settings.test",
            "DATABASE_POOL_MAX_SIZE": "2",
            "DATABASE_POOL_TIMEOUT": "3",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "REGISTRATION_RATE_LIMIT": "off",
        },
    )
    with server:
        url = f"{server.url}/api/v1/workshops/{workshop.slug}/registrations/"
        connection.close()  # the test's own connection must not be the one terminated mid-assert
        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        try:
            with ThreadPoolExecutor(max_workers=8) as pool:
                results = list(pool.map(lambda n: _post(url, n, workshop.pk), range(CLIENTS)))
        finally:
            stop.set()
            thread.join(timeout=10)
    codes = [code for attempts in results for code in attempts]
    print(f"answers: {sorted(set(codes))}, 503s: {codes.count(503)}, backends terminated: {sum(killed)}")
    assert 500 not in codes, server.output()[-4000:]
    assert sum(killed) > 0  # the test really cut connections
    workshop.refresh_from_db()
    assert workshop.seats_held == selectors.workshop_seats_recount(workshop_id=workshop.pk) <= CAPACITY
    duplicates = (
        Registration.objects.active().filter(workshop=workshop).values("email").annotate(n=Count("pk")).filter(n__gt=1)
    )
    assert list(duplicates) == []

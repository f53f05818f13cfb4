"""Real parallel HTTP registrations against gunicorn on PostgreSQL (DESIGN §5, §7).

60 clients fire at once at a workshop with 10 seats: exactly 10 seats end up held (and, with the cap of
unconfirmed holds at 50 %, exactly 5). The control run switches the seat guard to a plain check-then-insert
(test-only setting) and must overbook — proof that this test can see a race at all."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum

from bench.server import Gunicorn, database_url
from tests.factories import WorkshopFactory, api_stamp
from workshops.models import Registration

CLIENTS = 60
CAPACITY = 10

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _server(guard: str, share: int = 100) -> Gunicorn:
    return Gunicorn(
        database_url=database_url(connection.settings_dict),
        workers=8,
        env={
            "WORKSHOPS_SEAT_GUARD": guard,
            # widens the window between check and insert of the unsafe path only
            "WORKSHOPS_UNSAFE_RACE_SECONDS": "0.5",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "REGISTRATION_RATE_LIMIT": "off",
            "WORKSHOPS_PENDING_HOLD_SHARE": str(share),
            "SECRET_KEY": settings.SECRET_KEY,  # the registration stamps are made in this process
        },
    )


def _register_all_at_once(url: str, workshop_id: int) -> list[tuple[int, dict]]:
    start = threading.Barrier(CLIENTS)
    stamps = [api_stamp(workshop_id) for _n in range(CLIENTS)]

    def register(n: int) -> tuple[int, dict]:
        body = json.dumps(
            {"name": f"Person {n}", "email": f"person{n}@example.org", "privacy_consent": True, "stamp": stamps[n]}
        )
        request = urllib.request.Request(
            url, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        start.wait(timeout=30)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, {}

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(register, range(CLIENTS)))


def _held_by_registrations(workshop) -> int:
    return Registration.objects.filter(workshop=workshop, holds_seats=True).aggregate(s=Sum("seats"))["s"] or 0


def test_parallel_registrations_hold_exactly_the_capacity_and_the_rest_wait_unheld():
    """Unconfirmed holds do not lower the public count (ADR 0016): everybody is told "pending"; exactly the
    capacity is held, the others hold nothing until they confirm."""
    workshop = WorkshopFactory(capacity=CAPACITY)
    with _server("counter") as server:
        results = _register_all_at_once(f"{server.url}/api/v1/workshops/{workshop.slug}/registrations/", workshop.pk)
    workshop.refresh_from_db()
    statuses = [body.get("status") for _code, body in results]
    assert {code for code, _body in results} == {201}, server.output()
    assert statuses.count("pending") == CLIENTS
    assert workshop.seats_held == workshop.seats_pending == CAPACITY == _held_by_registrations(workshop)
    unheld = Registration.objects.filter(workshop=workshop, status="pending", holds_seats=False).count()
    assert unheld == CLIENTS - CAPACITY


def test_parallel_registrations_never_exceed_the_cap_of_unconfirmed_holds():
    workshop = WorkshopFactory(capacity=CAPACITY)
    with _server("counter", share=50) as server:
        results = _register_all_at_once(f"{server.url}/api/v1/workshops/{workshop.slug}/registrations/", workshop.pk)
    workshop.refresh_from_db()
    assert {code for code, _body in results} == {201}, server.output()
    assert workshop.seats_held == workshop.seats_pending == CAPACITY // 2 == _held_by_registrations(workshop)


def test_control_run_without_the_guard_overbooks():
    workshop = WorkshopFactory(capacity=CAPACITY)
    with _server("unsafe") as server:
        results = _register_all_at_once(f"{server.url}/api/v1/workshops/{workshop.slug}/registrations/", workshop.pk)
    assert {code for code, _body in results} == {201}, server.output()
    held = _held_by_registrations(workshop)
    assert held > CAPACITY, f"no overbooking seen: {held} seats held by registrations"

"""Real parallel HTTP registrations against gunicorn on PostgreSQL (DESIGN §5, §7).

60 clients fire at once at a workshop with 10 seats: exactly 10 seats end up held and 50 people on the
waiting list. The control run switches the seat guard to a plain check-then-insert (test-only setting)
and must overbook — proof that this test can see a race at all."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum

from bench.server import Gunicorn, database_url
from workshops.models import Registration

from .factories import WorkshopFactory

CLIENTS = 60
CAPACITY = 10

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _server(guard: str) -> Gunicorn:
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
        },
    )


def _register_all_at_once(url: str) -> list[tuple[int, dict]]:
    start = threading.Barrier(CLIENTS)

    def register(n: int) -> tuple[int, dict]:
        body = json.dumps({"name": f"Person {n}", "email": f"person{n}@example.org", "privacy_consent": True})
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


def test_parallel_registrations_hold_exactly_the_capacity_and_waitlist_the_rest():
    workshop = WorkshopFactory(capacity=CAPACITY)
    with _server("counter") as server:
        results = _register_all_at_once(f"{server.url}/api/v1/workshops/{workshop.slug}/registrations/")
    workshop.refresh_from_db()
    statuses = [body.get("status") for _code, body in results]
    assert {code for code, _body in results} == {201}, server.output()
    assert (statuses.count("pending"), statuses.count("waitlisted")) == (CAPACITY, CLIENTS - CAPACITY)
    assert workshop.seats_held == CAPACITY == _held_by_registrations(workshop)
    assert Registration.objects.filter(workshop=workshop, status="waitlisted").count() == CLIENTS - CAPACITY


def test_control_run_without_the_guard_overbooks():
    workshop = WorkshopFactory(capacity=CAPACITY)
    with _server("unsafe") as server:
        results = _register_all_at_once(f"{server.url}/api/v1/workshops/{workshop.slug}/registrations/")
    assert {code for code, _body in results} == {201}, server.output()
    held = _held_by_registrations(workshop)
    assert held > CAPACITY, f"no overbooking seen: {held} seats held by registrations"

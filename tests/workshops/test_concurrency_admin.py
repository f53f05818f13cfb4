"""Admin saves racing registrations on PostgreSQL (issue 14): the seat counter must equal the recount.

Admin threads post the change form (loaded once, before the registrations) while other threads register
through the services, each on its own database connection. Every admin save waits a little between
its form check and its write, which is where the old full-model save wrote back the counter it had
read. The control run puts that old save back and must see the counter drift: proof that this test can
see the race at all."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client

from tests.factories import WorkshopFactory, register
from workshops.admin import WorkshopAdmin
from workshops.models import Registration, Workshop

from .test_admin_workshops import CHANGELIST, _change_data, fachteam  # noqa: F401 (fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REGISTRATIONS = 24
ADMIN_SAVES = 12
WRITE_DELAY = 0.05  # seconds between the admin's form check and its write


def _recount(workshop: Workshop) -> int:
    return sum(Registration.objects.filter(workshop=workshop, holds_seats=True).values_list("seats", flat=True))


def _slow(save_model):
    def slow_save_model(self, request, obj, form, change):
        time.sleep(WRITE_DELAY)
        return save_model(self, request, obj, form, change)

    return slow_save_model


def _race(client: Client, workshop: Workshop) -> list[int]:
    data = _change_data(client, workshop)
    start = threading.Barrier(REGISTRATIONS + ADMIN_SAVES)

    def registration(n: int) -> int:
        try:
            start.wait(timeout=30)
            register(workshop, email=f"person{n}@example.org")
            return 0
        finally:
            connection.close()

    def admin_save(n: int) -> int:
        try:
            staff = Client()
            staff.cookies = client.cookies
            start.wait(timeout=30)
            return staff.post(f"{CHANGELIST}{workshop.pk}/change/", {**data, "title": f"Titel {n}"}).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=REGISTRATIONS + ADMIN_SAVES) as pool:
        registrations = [pool.submit(registration, n) for n in range(REGISTRATIONS)]
        saves = [pool.submit(admin_save, n) for n in range(ADMIN_SAVES)]
        [future.result() for future in registrations]
        return [future.result() for future in saves]


def test_admin_saves_racing_registrations_keep_the_counter_equal_to_the_recount(client, fachteam, monkeypatch):  # noqa: F811
    monkeypatch.setattr(WorkshopAdmin, "save_model", _slow(WorkshopAdmin.save_model))
    workshop = WorkshopFactory(capacity=REGISTRATIONS + 10)
    codes = _race(client, workshop)
    workshop.refresh_from_db()
    assert set(codes) == {302}
    assert workshop.seats_held == _recount(workshop) == REGISTRATIONS


def test_control_run_with_the_old_full_save_loses_registrations_from_the_counter(client, fachteam, monkeypatch):  # noqa: F811
    # The old path: ModelAdmin.save_model saves the whole row, seats_held included.
    monkeypatch.setattr(WorkshopAdmin, "save_model", _slow(admin.ModelAdmin.save_model))
    workshop = WorkshopFactory(capacity=REGISTRATIONS + 10)
    _race(client, workshop)
    workshop.refresh_from_db()
    assert _recount(workshop) == REGISTRATIONS
    assert workshop.seats_held < REGISTRATIONS, "no lost update seen: the race did not happen"

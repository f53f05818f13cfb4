"""The seat engine's stateful test extended by the changes from the manage link and the door: changing the
number of seats, undoing a cancellation, admitting part of a group and walk-ins. After every step the
counter equals the recount and never exceeds the capacity (the invariants of SeatMachine)."""

import contextlib

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from core.exceptions import ApplicationError
from tests.workshops.test_seat_counter_stateful import Clock, SeatMachine, settings_override  # noqa: F401
from workshops import services
from workshops.models import Registration, Workshop


class SeatMachineWithChanges(SeatMachine):
    @rule(pk=SeatMachine.registrations, seats=st.integers(min_value=1, max_value=3))
    def change_seats(self, pk, seats):
        registration = Registration.objects.filter(pk=pk).first()
        if registration is None:
            return
        with contextlib.suppress(ApplicationError):
            services.registration_seats_change(registration=registration, seats=seats)

    @rule(pk=SeatMachine.registrations)
    def undo_cancel(self, pk):
        registration = Registration.objects.filter(pk=pk).first()
        if registration is None:
            return
        with contextlib.suppress(ApplicationError):
            services.registration_cancel_undo(registration=registration)

    @rule(pk=SeatMachine.registrations, arrived=st.integers(min_value=1, max_value=3))
    def admit_arrived(self, pk, arrived):
        registration = Registration.objects.filter(pk=pk).first()
        if registration is None:
            return
        with contextlib.suppress(ApplicationError):
            services.registration_admit_arrived(registration=registration, arrived=arrived)

    @rule(seats=st.integers(min_value=1, max_value=3))
    def walk_in(self, seats):
        workshop = Workshop.objects.get(pk=self.workshop.pk)
        with contextlib.suppress(ApplicationError):
            services.registration_walk_in(workshop=workshop, name="Gast", seats=seats)

    @invariant()
    def one_active_registration_per_address(self):
        # Walk-ins without an address are the only active rows that share one (the empty one).
        if not hasattr(self, "workshop"):
            return
        emails = list(
            Registration.objects.active()
            .filter(workshop_id=self.workshop.pk)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        assert len(emails) == len(set(emails))


@pytest.mark.django_db
@pytest.mark.usefixtures("settings_override")  # the cap of unconfirmed holds on (ADR 0016)
def test_seat_counter_equals_recount_with_changes_and_door(monkeypatch):
    clock = Clock(timezone.now)
    monkeypatch.setattr(timezone, "now", clock)
    SeatMachineWithChanges.clock = clock
    run_state_machine_as_test(
        SeatMachineWithChanges,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )

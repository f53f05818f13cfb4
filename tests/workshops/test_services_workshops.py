"""Workshop-level services: cancel by the city, duplicate, seat reconciliation."""

import pytest
from django.db.models import F

from workshops import services
from workshops.models import AgendaItem, Registration, Workshop

from .factories import (
    AgendaItemFactory,
    QuarterFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
    WorkshopTeamMemberFactory,
)

pytestmark = pytest.mark.django_db


def test_workshop_cancel_cancels_every_active_registration_and_frees_the_seats():
    workshop = WorkshopFactory(capacity=3)
    active = [RegistrationFactory(workshop=workshop), RegistrationFactory(workshop=workshop, pending=True)]
    active.append(RegistrationFactory(workshop=workshop, waitlisted=True))
    services.workshop_cancel(workshop=workshop, reason="Krankheit")
    workshop.refresh_from_db()
    assert (workshop.status, workshop.cancellation_reason, workshop.seats_held) == ("cancelled", "Krankheit", 0)
    assert set(Registration.objects.filter(workshop=workshop).values_list("status", flat=True)) == {"cancelled"}


def test_workshop_cancel_mails_each_active_registration_once():
    from core.models import OutboxMail

    workshop = WorkshopFactory()
    RegistrationFactory(workshop=workshop)
    RegistrationFactory(workshop=workshop, waitlisted=True)
    RegistrationFactory(workshop=workshop, cancelled=True)
    services.workshop_cancel(workshop=workshop, reason="")
    services.workshop_cancel(workshop=workshop, reason="")
    assert OutboxMail.objects.filter(topic="workshop_cancelled").count() == 2


def test_workshop_duplicate_is_a_draft_copy_with_agenda_team_and_quarters():
    workshop = WorkshopFactory(quarters=[QuarterFactory()])
    AgendaItemFactory(workshop=workshop, title="Ankommen")
    WorkshopTeamMemberFactory(workshop=workshop)
    RegistrationFactory(workshop=workshop)
    user = UserFactory()
    copy = services.workshop_duplicate(workshop=workshop, by=user)
    assert copy.pk != workshop.pk and copy.slug != workshop.slug
    assert (copy.status, copy.seats_held, copy.created_by) == ("draft", 0, user)
    assert list(AgendaItem.objects.filter(workshop=copy).values_list("title", flat=True)) == ["Ankommen"]
    assert copy.team.count() == 1 and list(copy.quarters.all()) == list(workshop.quarters.all())
    assert not copy.registrations.exists()


def test_workshop_duplicate_twice_gets_distinct_slugs():
    workshop = WorkshopFactory()
    assert services.workshop_duplicate(workshop=workshop).slug != services.workshop_duplicate(workshop=workshop).slug


def test_seats_reconcile_repairs_drift():
    workshop = WorkshopFactory(capacity=10)
    RegistrationFactory(workshop=workshop, seats=2)
    Workshop.objects.filter(pk=workshop.pk).update(seats_held=F("seats_held") + 3)  # simulated bug
    assert services.seats_reconcile() == {workshop.pk: (5, 2)}
    workshop.refresh_from_db()
    assert workshop.seats_held == 2


def test_seats_reconcile_leaves_correct_counters_alone():
    RegistrationFactory(seats=2)
    assert services.seats_reconcile() == {}

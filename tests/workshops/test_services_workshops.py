"""Workshop-level services: cancel by the city, duplicate, seat reconciliation."""

import pytest
from django.db.models import F

from tests.factories import (
    AgendaItemFactory,
    QuarterFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
    WorkshopTeamMemberFactory,
)
from workshops import services
from workshops.models import AgendaItem, Registration, Workshop

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


# --- create, update (the admin's writes) ----------------------------------------------------------------


def test_workshop_update_writes_only_the_changed_fields_and_never_the_counter():
    workshop = WorkshopFactory(title="Alt", capacity=5)
    stale = Workshop.objects.get(pk=workshop.pk)
    RegistrationFactory(workshop=workshop, seats=2)
    stale.venue_name = "nicht geändert"
    services.workshop_update(workshop=stale, changes={"title": "Neu"})
    workshop.refresh_from_db()
    assert (workshop.title, workshop.seats_held) == ("Neu", 2)
    assert workshop.venue_name != "nicht geändert"


def test_workshop_update_refuses_to_write_the_counter():
    workshop = WorkshopFactory()
    with pytest.raises(ValueError):
        services.workshop_update(workshop=workshop, changes={"seats_held": 0})


def test_workshop_update_refuses_capacity_below_the_held_seats_as_they_are_now():
    workshop = WorkshopFactory(capacity=5)
    stale = Workshop.objects.get(pk=workshop.pk)
    RegistrationFactory(workshop=workshop, seats=3)
    with pytest.raises(services.WorkshopInvalid) as error:
        services.workshop_update(workshop=stale, changes={"capacity": 2})
    workshop.refresh_from_db()
    assert "capacity" in error.value.errors
    assert (workshop.capacity, workshop.seats_held) == (5, 3)


def test_workshop_update_offers_new_seats_to_the_waiting_list(django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop)
    waiting = RegistrationFactory(workshop=workshop, waitlisted=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.workshop_update(workshop=workshop, changes={"capacity": 2})
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED


def test_workshop_update_refuses_cancelling_by_status():
    workshop = WorkshopFactory()
    with pytest.raises(services.WorkshopInvalid) as error:
        services.workshop_update(workshop=workshop, changes={"status": Workshop.Status.CANCELLED})
    assert list(error.value.errors) == ["status"]


def test_workshop_update_refuses_quarters_of_another_district():
    workshop = WorkshopFactory()
    foreign = QuarterFactory(name="List", district__number=2)
    with pytest.raises(services.WorkshopInvalid) as error:
        services.workshop_update(workshop=workshop, changes={"quarters": [foreign]})
    assert list(error.value.errors) == ["quarters"]


def test_workshop_update_refuses_an_end_before_the_start():
    workshop = WorkshopFactory()
    with pytest.raises(services.WorkshopInvalid) as error:
        services.workshop_update(workshop=workshop, changes={"ends_at": workshop.starts_at})
    assert list(error.value.errors) == ["ends_at"]


def test_workshop_create_starts_the_counter_at_zero_with_its_author_and_quarters():
    template = WorkshopFactory()
    quarter = QuarterFactory(district=template.district)
    author = UserFactory()
    values = {
        f.name: getattr(template, f.name)
        for f in Workshop._meta.concrete_fields
        if f.editable
        and f.name not in ("id", "slug", "run_by", "cancellation_reason", "created_by", "created_at", "updated_at")
    }
    created = services.workshop_create(values={**values, "slug": "neu", "quarters": [quarter]}, by=author)
    created.refresh_from_db()
    assert (created.seats_held, created.created_by, list(created.quarters.all())) == (0, author, [quarter])


def test_workshop_create_refuses_a_reserved_slug():
    with pytest.raises(services.WorkshopInvalid) as error:
        services.workshop_create(values={"slug": "anmeldung"})
    assert "slug" in error.value.errors

"""The admin lists tell staff what they need in few columns (issue 10.7): occupancy, status at the door."""

import pytest
from django.utils import timezone

from tests.auth import login_with_mfa
from tests.factories import RegistrationFactory, UserFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    login_with_mfa(client, UserFactory(is_staff=True, is_superuser=True))
    return client


def test_workshop_list_shows_occupancy_in_one_column_with_a_bar(admin_client):
    workshop = WorkshopFactory(capacity=20)
    RegistrationFactory(workshop=workshop, seats=3)
    page = admin_client.get("/admin/workshops/workshop/").content.decode()
    workshop.refresh_from_db()
    assert f'<meter min="0" max="20" value="{workshop.seats_held}"' in page
    assert f"{workshop.seats_held} von 20 belegt" in page


def test_registration_list_shows_part_of_a_group_and_walk_ins(admin_client):
    workshop = WorkshopFactory(capacity=20)
    RegistrationFactory(workshop=workshop, seats=4, checked_in_at=timezone.now(), checked_in_seats=3)
    RegistrationFactory(workshop=workshop, seats=1, checked_in_at=timezone.now(), walk_in=True)
    page = admin_client.get("/admin/workshops/registration/").content.decode()
    assert "eingecheckt: 3 von 4" in page
    assert "ohne Anmeldung gekommen" in page

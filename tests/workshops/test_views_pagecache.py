"""Anonymous views of the workshop list and detail pages come from the page cache, with per-request tokens."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import WorkshopFactory
from workshops.forms import read_form_stamp
from workshops.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()


def hidden_value(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def test_second_view_of_a_workshop_page_runs_fewer_queries(client, django_assert_max_num_queries):
    workshop = WorkshopFactory()
    client.get(workshop.get_absolute_url())
    with django_assert_max_num_queries(2):
        assert client.get(workshop.get_absolute_url()).status_code == 200


def test_cached_workshop_page_carries_a_working_csrf_token_and_a_fresh_stamp(client, settings):
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    workshop = WorkshopFactory(capacity=10)
    Client().get(workshop.get_absolute_url())  # someone else fills the cache
    csrf_client = Client(enforce_csrf_checks=True)
    html = csrf_client.get(workshop.get_absolute_url()).content.decode()
    assert "hb-csrf-mark" not in html
    assert "hb-stamp-mark" not in html
    assert read_form_stamp(hidden_value(html, "stamp"), workshop_id=workshop.pk) is not None
    response = csrf_client.post(
        workshop.get_absolute_url(),
        {
            "csrfmiddlewaretoken": hidden_value(html, "csrfmiddlewaretoken"),
            "name": "Grace Hopper",
            "email": "grace@example.org",
            "seats": "1",
            "privacy_consent": "on",
            "stamp": hidden_value(html, "stamp"),
        },
    )
    assert response.status_code == 302
    assert Registration.objects.filter(email="grace@example.org").exists()


def test_taken_seats_show_at_once_on_the_cached_page(client):
    workshop = WorkshopFactory(capacity=10)
    assert "10 von 10" in client.get(workshop.get_absolute_url()).content.decode()
    type(workshop).objects.filter(pk=workshop.pk).update(seats_held=3)
    assert "7 von 10" in client.get(workshop.get_absolute_url()).content.decode()


def test_new_workshop_shows_at_once_in_the_cached_list(client):
    WorkshopFactory(title="Erste Werkstatt")
    client.get("/werkstaetten/")
    WorkshopFactory(title="Zweite Werkstatt")
    assert "Zweite Werkstatt" in client.get("/werkstaetten/").content.decode()


def test_logged_in_people_get_a_fresh_page(client, django_user_model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    workshop = WorkshopFactory()
    client.force_login(django_user_model.objects.create_user("bo@example.org", "x" * 16))
    client.get(workshop.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        client.get(workshop.get_absolute_url())
    assert len(queries) >= 4

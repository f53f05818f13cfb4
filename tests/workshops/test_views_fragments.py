"""Parts of the workshop pages come from the per-process fragment cache (core.fragments): the same HTML as
rendered afresh, per-request tokens of their own, changes shown at once, and fewer queries — a constant
number at two data sizes — for logged-in people too, who never get the page cache."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import fragments
from tests.auth import login_with_mfa
from tests.factories import (
    AgendaItemFactory,
    QuarterFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
    WorkshopTeamMemberFactory,
)
from workshops.forms import read_form_stamp
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="(csrfmiddlewaretoken|stamp)" value="[^"]*"')


@pytest.fixture(autouse=True)
def fragment_cache(settings):
    settings.FRAGMENT_CACHE_ENABLED = True
    fragments.clear()
    yield
    fragments.clear()


def without_tokens(html: str) -> str:
    return TOKEN.sub(r'name="\1" value=""', html)


def hidden_value(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_workshop_page_from_the_fragment_cache_equals_a_fresh_rendering(client, settings):
    workshop = WorkshopFactory(quarters=[QuarterFactory()])
    AgendaItemFactory(workshop=workshop)
    settings.FRAGMENT_CACHE_ENABLED = False
    fresh = client.get(workshop.get_absolute_url()).content.decode()
    settings.FRAGMENT_CACHE_ENABLED = True
    client.get(workshop.get_absolute_url())
    cached = client.get(workshop.get_absolute_url()).content.decode()
    assert without_tokens(cached) == without_tokens(fresh)


def test_every_visitor_gets_their_own_csrf_token_and_a_valid_form_stamp():
    workshop = WorkshopFactory()
    first, second = Client(), Client()
    one = first.get(workshop.get_absolute_url())
    two = second.get(workshop.get_absolute_url())
    assert one.cookies["csrftoken"].value != two.cookies["csrftoken"].value
    assert "hb-csrf-mark" not in two.content.decode()
    assert read_form_stamp(hidden_value(two.content.decode(), "stamp"), workshop_id=workshop.pk) is not None


def test_a_logged_in_member_of_the_team_still_sees_the_staff_links(client):
    workshop = WorkshopFactory()
    Client().get(workshop.get_absolute_url())  # the body is cached by an anonymous visit
    facilitator = UserFactory(is_staff=True)
    WorkshopTeamMemberFactory(workshop=workshop, user=facilitator)
    login_with_mfa(client, facilitator)
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert f"/werkstaetten/{workshop.slug}/einlass/" in html


def test_held_seats_and_edits_show_at_once(client):
    workshop = WorkshopFactory(capacity=10)
    client.get(workshop.get_absolute_url())
    Workshop.objects.filter(pk=workshop.pk).update(seats_held=7)
    assert "noch 3 von 10 Plätzen frei" in client.get(workshop.get_absolute_url()).content.decode()
    workshop.refresh_from_db()
    workshop.title = "Ganz neuer Titel"
    workshop.save()
    assert "Ganz neuer Titel" in client.get(workshop.get_absolute_url()).content.decode()
    assert "Ganz neuer Titel" in client.get("/werkstaetten/").content.decode()


def test_list_from_the_fragment_cache_equals_a_fresh_rendering(client, settings):
    quarter = QuarterFactory()
    WorkshopFactory.create_batch(4, quarters=[quarter])
    path = f"/werkstaetten/?bezirk={quarter.district.slug}"
    settings.FRAGMENT_CACHE_ENABLED = False
    fresh = client.get(path).content.decode()
    settings.FRAGMENT_CACHE_ENABLED = True
    client.get(path)
    assert without_tokens(client.get(path).content.decode()) == without_tokens(fresh)


@pytest.mark.parametrize("count", [2, 25])
def test_warm_list_runs_three_queries_at_every_size(client, count):
    quarter = QuarterFactory()
    for workshop in WorkshopFactory.create_batch(count, quarters=[quarter]):
        RegistrationFactory.create_batch(2, workshop=workshop)
    queries(client, "/werkstaetten/")
    # the count, the page of workshops, and the session's CSRF/language work of the footer form: no quarters,
    # no filter choices
    assert queries(client, "/werkstaetten/") <= 3


def test_warm_workshop_page_runs_the_same_few_queries_for_a_logged_in_person_at_two_sizes(client):
    login_with_mfa(client, UserFactory())
    counts = []
    for size in (1, 8):
        workshop = WorkshopFactory(quarters=[QuarterFactory()], capacity=50)
        AgendaItemFactory.create_batch(size, workshop=workshop)
        WorkshopTeamMemberFactory.create_batch(size, workshop=workshop)
        RegistrationFactory.create_batch(size * 3, workshop=workshop)
        cold = queries(client, workshop.get_absolute_url())
        counts.append(queries(client, workshop.get_absolute_url()))
        assert counts[-1] < cold
    # session, user, groups, the staff checks (unit member, owner of a commitment or recommendation, team
    # member), workshop, team roles in this workshop and in any (the header's links follow the views' rules) and
    # permissions (staff links): no agenda, team or quarters
    assert counts[0] == counts[1] <= 12


def test_the_cached_list_results_show_a_new_seat_count_and_a_new_workshop_at_once(client):
    workshop = WorkshopFactory(capacity=10)
    assert "noch 10 von 10 Plätzen frei" in client.get("/werkstaetten/").content.decode()
    Workshop.objects.filter(pk=workshop.pk).update(seats_held=3)  # as the seat statement does: no updated_at
    page = client.get("/werkstaetten/").content.decode()
    assert "noch 7 von 10 Plätzen frei" in page
    WorkshopFactory(title="Neu im Programm")
    assert "Neu im Programm" in client.get("/werkstaetten/").content.decode()


def test_the_cached_list_results_differ_by_query_and_language(client):
    WorkshopFactory(title="Eine Werkstatt")
    assert "1 Werkstatt gefunden" in client.get("/werkstaetten/").content.decode()
    assert "0 Werkstätten gefunden" in client.get("/werkstaetten/?zeitraum=vergangen").content.decode()
    assert "1 workshop found" in client.get("/werkstaetten/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

"""The registration admin at ten times city scale: its search uses indexed conditions (no JOIN), it has no
date drill-down over every row and no second full count, and its queries do not grow with the rows."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from tests.auth import login_with_mfa
from tests.factories import RegistrationFactory, UserFactory, WorkshopFactory
from workshops.models import Registration

pytestmark = pytest.mark.django_db

REGISTRATIONS = "/admin/workshops/registration/"


@pytest.fixture
def fachteam(client):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=Role.FACHTEAM.value))
    login_with_mfa(client, user)
    return user


def names(client, query: str) -> set[str]:
    return {r.name for r in client.get(f"{REGISTRATIONS}?q={query}").context["cl"].result_list}


def test_search_finds_name_email_code_and_workshop_title_parts(client, fachteam):
    RegistrationFactory(name="Anna Schmidt", email="anna@example.org")
    RegistrationFactory(name="Bernd Meier", email="b.meier@beispiel.invalid", check_in_code="K7Q2X")
    RegistrationFactory(name="Clara Vogel", workshop=WorkshopFactory(title="Spielplatz Linden"))
    assert names(client, "schmidt") == {"Anna Schmidt"}
    assert names(client, "beispiel.invalid") == {"Bernd Meier"}
    assert names(client, "k7q2x") == {"Bernd Meier"}
    assert names(client, "Spielplatz") == {"Clara Vogel"}


def test_search_words_must_all_match(client, fachteam):
    RegistrationFactory(name="Anna Schmidt", workshop=WorkshopFactory(title="Spielplatz Linden"))
    RegistrationFactory(name="Anna Vogel")
    assert names(client, "anna spielplatz") == {"Anna Schmidt"}
    assert names(client, '"anna vogel"') == {"Anna Vogel"}


def test_no_date_drill_down_and_no_second_count(client, fachteam):
    RegistrationFactory()
    response = client.get(f"{REGISTRATIONS}?status__exact=confirmed")
    assert response.context["cl"].date_hierarchy is None
    assert response.context["cl"].show_full_result_count is False


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url", [REGISTRATIONS, f"{REGISTRATIONS}?q=Person+1", f"{REGISTRATIONS}?status__exact=confirmed"]
)
def test_registration_list_queries_do_not_grow_with_the_rows(client, fachteam, url):
    RegistrationFactory(name="Person 1")
    client.get(url)  # warm-up: per-process caches of the first request
    few = _queries(client, url)
    for workshop in WorkshopFactory.create_batch(3, capacity=30):
        RegistrationFactory.create_batch(4, workshop=workshop, name="Person 12")
    assert _queries(client, url) == few


def test_list_beyond_the_count_cap_says_more_than(client, fachteam, monkeypatch):
    from core.admin_lists import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    RegistrationFactory.create_batch(5, workshop=WorkshopFactory(capacity=10))
    page = client.get(REGISTRATIONS).content.decode()
    assert "mehr als 3 Anmeldungen" in page


def test_search_beyond_the_count_cap_says_more_than(client, fachteam, monkeypatch):
    from core.admin_lists import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    RegistrationFactory.create_batch(5, workshop=WorkshopFactory(capacity=10), name="Person 1")
    page = client.get(f"{REGISTRATIONS}?q=Person").content.decode()
    assert "mehr als 3 Ergebnisse" in page


def test_list_below_the_count_cap_gives_the_exact_number(client, fachteam):
    RegistrationFactory.create_batch(2, workshop=WorkshopFactory(capacity=10))
    page = client.get(REGISTRATIONS).content.decode()
    assert "2 Anmeldungen" in page and "mehr als" not in page


def test_beyond_the_count_cap_no_select_all_across_pages_is_offered(client, fachteam, monkeypatch):
    from core.admin_lists import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    monkeypatch.setattr(admin.site._registry[Registration], "list_per_page", 2)
    RegistrationFactory.create_batch(5, workshop=WorkshopFactory(capacity=10))
    page = client.get(REGISTRATIONS).content.decode()
    assert 'class="action-counter"' in page and 'class="question hidden"' not in page

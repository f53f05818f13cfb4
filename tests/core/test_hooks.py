"""core.hooks: what higher apps contribute to lower apps' pages, without upward imports or URL names."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from core import hooks
from tests.auth import login_with_mfa
from tests.factories import UserFactory, WorkshopFactory
from workshops.models import Workshop


def test_hook_runs_entries_by_order_then_key():
    hook: hooks.Hook = hooks.Hook("test")

    def second():
        return 2

    def first():
        return 1

    hook.register(second, order=20)
    hook.register(first, order=10)
    assert [entry() for entry in hook] == [1, 2]


def test_registering_the_same_function_twice_keeps_one_entry():
    hook: hooks.Hook = hooks.Hook("test")

    def section(request, obj):
        return "x"

    hook.register(section)
    hook.register(section)
    assert list(hook) == [section]


@pytest.mark.django_db
def test_account_overview_links_to_own_registrations_through_the_workshops_hook(client):
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:overview")).content.decode()
    assert f'href="{reverse("workshops:my_registrations")}"' in page


@pytest.mark.django_db
def test_account_overview_team_card_has_the_links_of_reflections_and_recommendations(client):
    staff = UserFactory()
    staff.groups.add(Group.objects.get_or_create(name=Role.FACHTEAM.value)[0])
    login_with_mfa(client, staff)  # without the second factor staff may use nothing, so no link is shown
    page = client.get(reverse("accounts:overview")).content.decode()
    page = page[page.index("Für das Team") :]
    workspace = page.index(f'href="{reverse("reflections:workspace")}"')
    dashboard = page.index(f'href="{reverse("reflections:dashboard")}"')
    reports = page.index(f'href="{reverse("recommendations:reports")}"')
    assert workspace < dashboard < reports


@pytest.mark.django_db
def test_citizen_sees_no_team_links(client):
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:overview")).content.decode()
    assert reverse("reflections:workspace") not in page


@pytest.mark.django_db
def test_held_workshop_page_links_to_its_documentation_through_the_reflections_hook(client):
    workshop = WorkshopFactory(status=Workshop.Status.HELD)
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert reverse("reflections:documentation", kwargs={"slug": workshop.slug}) in page


@pytest.mark.django_db
def test_published_workshop_page_has_no_documentation_link(client):
    workshop = WorkshopFactory(status=Workshop.Status.PUBLISHED)
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert reverse("reflections:documentation", kwargs={"slug": workshop.slug}) not in page

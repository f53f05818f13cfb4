"""Each role sees only the links it can use on /konto/ and in the header, and no usable entry point is missing
(issue 10.7). The links come from the same permissions as the views (accounts/rules.py and the apps' rules)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.test_permission_matrix import ROLES, build_world, clients

pytestmark = pytest.mark.django_db

# The staff pages one starts from (the others are reached from these pages).
ENTRY_POINTS = (
    "reflections:workspace",
    "reflections:dashboard",
    "recommendations:contribute",
    "recommendations:followup",
    "recommendations:reports",
    "planning:workspace",
    "admin:index",
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith(("/static/", "/media/")):
            self.hrefs.append(href.split("#")[0])


def _links(client: Client) -> list[str]:
    response = client.get(reverse("accounts:overview"))
    assert response.status_code == 200
    parser = _Links()
    parser.feed(response.content.decode())
    return sorted(set(parser.hrefs))


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_every_link_on_the_account_page_answers_200(role):
    world = build_world()
    client = clients(world)[role]
    for href in _links(client):
        cache.clear()
        assert client.get(href).status_code == 200, f"{role}: {href}"


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_no_usable_entry_point_is_missing(role):
    world = build_world()
    client = clients(world)[role]
    shown = set(_links(client))
    for name in ENTRY_POINTS:
        cache.clear()
        target = reverse(name)
        if client.get(target).status_code == 200:
            assert target in shown, f"{role} may open {name} but has no link to it"


def test_network_member_sees_the_co_writing_page_and_no_moderation():
    world = build_world()
    shown = _links(clients(world)["network"])
    assert reverse("recommendations:contribute") in shown
    assert reverse("reflections:workspace") not in shown
    assert reverse("reflections:dashboard") not in shown

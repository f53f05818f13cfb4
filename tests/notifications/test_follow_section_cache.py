"""The "Folgen" form is rendered once per target and language (core.fragments) and carries each visitor's
own CSRF token."""

import re

import pytest
from django.test import Client

from core import fragments
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(
    r'<form method="post" action="/folgen/"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"'
)


@pytest.fixture
def fragment_cache(settings):
    settings.FRAGMENT_CACHE_ENABLED = True
    settings.PAGE_CACHE_ENABLED = False
    fragments.clear()
    yield
    fragments.clear()


def _follow_token(client: Client, url: str) -> str:
    client.cookies.clear()
    page = client.get(url).content.decode()
    assert "Ergebnissen dieser Werkstatt folgen" in page and "hb-follow-csrf-mark" not in page
    match = TOKEN.search(page)
    assert match, page[page.find("follow-workshop") - 200 : page.find("follow-workshop") + 800]
    return match.group(1)


def test_cached_follow_form_gets_each_visitors_own_csrf_token(fragment_cache):
    url = WorkshopFactory().get_absolute_url()
    first, second = Client(), Client()
    token_a, token_b = _follow_token(first, url), _follow_token(second, url)
    assert token_a != token_b
    assert any(key[0] == "notifications:follow" for key in fragments._entries)


def test_follow_form_of_another_workshop_is_its_own(fragment_cache, client):
    one, other = WorkshopFactory(), WorkshopFactory()
    client.get(one.get_absolute_url())
    page = client.get(other.get_absolute_url()).content.decode()
    assert f'name="target" value="{other.slug}"' in page and f'value="{one.slug}"' not in page

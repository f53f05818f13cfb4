"""core.links: absolute URLs built from SITE_URL and reverse."""

import pytest

from core.links import absolute_path, absolute_url


def test_absolute_url_reverses_the_view_and_prefixes_the_site(settings):
    settings.SITE_URL = "https://werkstaetten.example.org"
    assert absolute_url("workshops:detail", slug="linden") == "https://werkstaetten.example.org/werkstaetten/linden/"


def test_absolute_url_appends_a_query(settings):
    settings.SITE_URL = "https://x.example"
    url = absolute_url("workshops:check_in", slug="linden", query="code=ABC")
    assert url == "https://x.example/werkstaetten/linden/einlass/?code=ABC"


def test_absolute_path_refuses_a_relative_path():
    with pytest.raises(ValueError):
        absolute_path("werkstaetten/")

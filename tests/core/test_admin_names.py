"""The admin speaks the platform's language: its header and every section have German names (issue 10.7)."""

import re

import pytest

from tests.auth import login_with_mfa
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_header_and_sections_are_named_for_staff(client):
    login_with_mfa(client, UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    captions = re.findall(r"<caption>\s*<a[^>]*>(.*?)</a>", page)
    assert "Bezirkswerkstätten – Verwaltung" in page
    assert "Django" not in page
    assert len(captions) == len(set(captions)), captions
    assert "MFA" not in captions
    assert {"Zwei-Faktor-Anmeldung", "E-Mail-Adressen", "Rollen und Berechtigungen"} <= set(captions)


def test_the_admin_has_the_site_icon(client):
    login_with_mfa(client, UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/admin/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page

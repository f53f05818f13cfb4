"""Leichte Sprache: the page describes every step as it really is (each button it names exists where it
says), and the form, the confirm page and the mails carry a summary in Leichter Sprache."""

import re

import pytest

from core.models import OutboxMail
from tests.factories import RegistrationFactory, WorkshopFactory, register

pytestmark = pytest.mark.django_db


def buttons(html: str) -> set[str]:
    found = re.findall(r"<button[^>]*>(.*?)</button>", html, flags=re.S)
    links = re.findall(r"<a [^>]*>(.*?)</a>", html, flags=re.S)
    return {re.sub(r"\s+", " ", text).strip() for text in found + links}


def test_every_button_the_page_names_exists_on_the_real_pages(client, settings):
    settings.WORKSHOPS_HOLD_HOURS = 24
    page = client.get("/leichte-sprache/").content.decode()
    named = set(re.findall(r"„([^“]+)“", page))
    assert {"Anmeldung absenden", "Anmeldung bestätigen", "Anmeldung stornieren", "Ja, stornieren"} <= named
    assert "24 Stunden" in page

    workshop = WorkshopFactory(capacity=5)
    real = buttons(client.get(workshop.get_absolute_url()).content.decode())
    result = register(workshop)
    mail = OutboxMail.objects.get(to=result.registration.email)
    real |= buttons(mail.body_html)
    pending = RegistrationFactory(workshop=workshop, pending=True)
    real |= buttons(client.get(f"/werkstaetten/bestaetigen/{pending.confirm_token}/").content.decode())
    confirmed = RegistrationFactory(workshop=workshop)
    manage = f"/werkstaetten/anmeldung/{confirmed.manage_token}/"
    real |= buttons(client.get(manage).content.decode())
    real |= buttons(client.get(manage + "?stornieren=1").content.decode())
    offered = RegistrationFactory(workshop=workshop, offered=True)
    real |= buttons(client.get(f"/werkstaetten/anmeldung/{offered.manage_token}/").content.decode())
    missing = {label for label in named if label not in real}
    assert not missing


def test_form_and_confirm_page_have_a_summary_in_easy_language(client):
    workshop = WorkshopFactory(capacity=5)
    assert "In Leichter Sprache" in client.get(workshop.get_absolute_url()).content.decode()
    pending = RegistrationFactory(workshop=workshop, pending=True)
    confirm_page = client.get(f"/werkstaetten/bestaetigen/{pending.confirm_token}/").content.decode()
    assert "In Leichter Sprache" in confirm_page


def test_confirm_request_mail_has_an_easy_language_summary():
    workshop = WorkshopFactory(capacity=5)
    result = register(workshop)
    mail = OutboxMail.objects.get(to=result.registration.email)
    assert "In Leichter Sprache" in mail.body_text
    assert "„Anmeldung bestätigen“" in mail.body_text

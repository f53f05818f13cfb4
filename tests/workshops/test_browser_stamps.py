"""The forgiving time trap in a real browser (issue 10.9): a form that autofill sends "too fast" comes back once
with a message, and sending it again right away registers the person."""

import re

import pytest

from tests.conftest import assert_accessible
from tests.factories import WorkshopFactory
from workshops.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_form_sent_too_fast_passes_when_sent_again_at_once(page, settings):
    settings.REGISTRATION_MIN_FILL_SECONDS = 60  # far longer than this robot takes, like autofill
    workshop = WorkshopFactory(title="Spielplätze in Linden-Süd", capacity=10)
    page.goto(f"/werkstaetten/{workshop.slug}/")
    page.locator("#id_name").fill("Erika Mustermann")
    page.locator("#id_email").fill("erika@example.org")
    page.locator("#id_privacy_consent").check()
    page.locator(".registration-form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert "Das ging sehr schnell" in page.content()
    assert not Registration.objects.exists()
    assert_accessible(page)

    page.locator(".registration-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/werkstaetten/{workshop.slug}/angemeldet/"))
    assert Registration.objects.filter(email="erika@example.org", status="pending").exists()

"""The consultation in a real browser (issue 12): a Politik member comments on a paragraph by keyboard, the
Fachteam answers after the end, and the public sees the answer. Every page axe-clean."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from recommendations import services
from recommendations.models import Consultation, Contribution, Recommendation
from tests.conftest import assert_accessible
from tests.recommendations.factories import FieldOfActionFactory, fachteam_user, user_with_role
from tests.recommendations.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_politik_comments_on_a_paragraph_fachteam_answers_public_sees_it(page, phone_page, browser, live_server):
    recommendation = services.recommendation_create(
        title="Sitzgelegenheiten an Werkstatt-Orten",
        text="Jeder Ort bietet Sitzgelegenheiten mit Lehnen.\n\nDie Fachbereiche prüfen geeignete Orte.",
        field=FieldOfActionFactory(),
        addressee=Recommendation.Addressee.ADMINISTRATION,
        city_wide=True,
    )
    now = timezone.now()
    consultation = services.consultation_open(
        recommendation=recommendation, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=7)
    )
    politik = user_with_role(Role.POLITIK, organisation="Stadtbezirksrat Linden-Limmer")
    log_in(page, politik, mfa=True)
    page.goto(recommendation.get_absolute_url() + "#konsultation")
    assert_accessible(page)
    page.select_option("#id_beitrag-paragraph", "2")
    page.focus("#id_beitrag-text")
    page.keyboard.type("Bitte auch Orte in den Stadtteilen prüfen.")
    shot(page, "consultation-politik-1280")
    page.keyboard.press("Tab")  # suggested wording
    page.keyboard.press("Tab")  # submit button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector(".messages")
    contribution = Contribution.objects.get()
    assert contribution.paragraph == 2

    Consultation.objects.filter(pk=consultation.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    fachteam = fachteam_user()
    log_in(phone_page, fachteam, mfa=True)
    phone_page.goto(recommendation.get_absolute_url() + f"#beitrag-{contribution.pk}")
    assert_accessible(phone_page)
    phone_page.select_option(f"#antwort-{contribution.pk}-outcome", "taken_up")
    phone_page.fill(f"#antwort-{contribution.pk}-reason", "Die Stadtteile sind in Absatz zwei ergänzt.")
    shot(phone_page, "consultation-fachteam-390")
    with phone_page.expect_navigation():
        phone_page.click(f"#beitrag-{contribution.pk} form button[type=submit]")
    phone_page.wait_for_selector(".rec-response")

    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900})
    public = context.new_page()
    public.goto(recommendation.get_absolute_url())
    assert "Die Stadtteile sind in Absatz zwei ergänzt." in public.content()
    assert_accessible(public)
    shot(public, "consultation-public-1280")
    context.close()

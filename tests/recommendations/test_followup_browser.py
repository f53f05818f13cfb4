"""A Fachbereich member updates and closes a commitment from the owners' workspace, by keyboard, and the
public recommendation page shows it (real Chromium, axe-clean at every step)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OrganisationUnit
from recommendations.models import Recommendation
from reflections.models import Commitment
from tests.conftest import assert_accessible
from tests.factories import UserFactory
from tests.recommendations.factories import RecommendationFactory
from tests.recommendations.test_browser import log_in
from tests.reflections.factories import CommitmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owned(db):
    member = UserFactory(name="Frida Fachbereich", password="Werkstatt-Test-2026")
    unit = OrganisationUnit.objects.get(slug="fachbereich-tiefbau")
    unit.members.add(member)
    commitment = CommitmentFactory(
        what="Querungshilfe an der Limmerstraße verkehrlich prüfen",
        who="Fachbereich Tiefbau",
        unit=unit,
        due_date=timezone.localdate() + timedelta(days=10),
    )
    recommendation = RecommendationFactory(
        title="Sichere Wege zur Schule", status=Recommendation.Status.CONSULTATION, workshops=[commitment.workshop]
    )
    return member, commitment, recommendation


def test_fachbereich_member_updates_and_closes_a_commitment_and_the_public_sees_it(page, live_server, owned):
    member, commitment, recommendation = owned
    log_in(page, member, mfa=True)
    page.goto("/verbindlichkeit/")
    expect(page.get_by_role("heading", name="Meine Zusagen", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Querungshilfe an der Limmerstraße verkehrlich prüfen").press("Enter")
    page.wait_for_url(f"**/verbindlichkeit/vereinbarungen/{commitment.pk}/")
    assert_accessible(page)

    page.get_by_label("Fortschritt in %").fill("70")
    page.get_by_label("Stellungnahme (öffentlich)").fill("Die Verkehrszählung ist abgeschlossen.")
    page.get_by_role("button", name="Stand speichern").press("Enter")
    expect(page.get_by_text("Der Stand wurde gespeichert.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Abschluss").select_option("done")
    page.get_by_role("button", name="Vereinbarung abschließen").press("Enter")
    expect(page.get_by_text("Die Vereinbarung ist abgeschlossen.")).to_be_visible()
    assert_accessible(page)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == (Commitment.Status.DONE, 100)

    page.goto(recommendation.get_absolute_url())
    row = page.get_by_role("row").filter(has_text="Querungshilfe an der Limmerstraße")
    expect(row.get_by_text("erledigt")).to_be_visible()
    expect(row.get_by_text("Die Verkehrszählung ist abgeschlossen.")).to_be_visible()
    expect(row.get_by_text("Fachbereich Tiefbau")).to_be_visible()
    assert_accessible(page)


def test_dropping_without_reason_shows_the_error_accessibly(page, live_server, owned):
    member, commitment, _recommendation = owned
    log_in(page, member, mfa=True)
    page.goto(f"/verbindlichkeit/vereinbarungen/{commitment.pk}/")
    page.get_by_label("Abschluss").select_option("dropped")
    page.get_by_role("button", name="Vereinbarung abschließen").press("Enter")
    expect(page.get_by_text("Bitte begründen Sie öffentlich").first).to_be_visible()
    assert_accessible(page)
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.OPEN

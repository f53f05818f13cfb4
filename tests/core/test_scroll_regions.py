"""A table that scrolls sideways on a phone sits in a focusable, labelled region, so keyboard users can
scroll it too (WCAG 2.1.1; axe: scrollable-region-focusable)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from recommendations.models import Recommendation, ReportJob
from tests.auth import login_with_mfa
from tests.factories import DistrictFactory, WorkshopTeamMemberFactory
from tests.planning.factories import plan_for
from tests.recommendations.factories import RecommendationFactory, ReportJobFactory, fachteam_user, network_user
from tests.reflections.factories import (
    CommitmentFactory,
    FeedbackResponseFactory,
    held_workshop,
    lead_of,
    submitted_reflection,
)

pytestmark = pytest.mark.django_db

WRAP = re.compile(r'<div class="table-wrap"([^>]*)>')


def assert_wraps_are_labelled_regions(html: str) -> None:
    wraps = WRAP.findall(html)
    assert wraps
    for attributes in wraps:
        assert 'role="region"' in attributes
        assert 'tabindex="0"' in attributes
        label = re.search(r'aria-labelledby="([^"]+)"', attributes)
        assert label and html.count(f'id="{label.group(1)}"') == 1


def test_the_open_data_field_tables_are_focusable_regions():
    assert_wraps_are_labelled_regions(Client().get("/offene-daten/").content.decode())


def test_the_quarter_table_of_a_district_page_is_a_focusable_region():
    district = DistrictFactory(number=10)
    assert_wraps_are_labelled_regions(Client().get(f"/bezirke/{district.slug}/").content.decode())


def test_a_table_outside_a_region_fails_the_check():
    with pytest.raises(AssertionError):
        assert_wraps_are_labelled_regions('<div class="table-wrap"><table><caption>T</caption></table></div>')


def test_two_regions_labelled_by_the_same_id_fail_the_check():
    region = '<div class="table-wrap" role="region" aria-labelledby="c" tabindex="0"><caption id="c"></caption></div>'
    with pytest.raises(AssertionError):
        assert_wraps_are_labelled_regions(region * 2)


def staff_client(user) -> Client:
    client = Client()
    login_with_mfa(client, user)
    return client


def test_the_contribute_table_is_a_focusable_region():
    RecommendationFactory(status=Recommendation.Status.CONSULTATION)
    client = Client()
    client.force_login(network_user())
    assert_wraps_are_labelled_regions(client.get("/empfehlungen/mitwirken/").content.decode())


def test_the_versions_table_is_a_focusable_region():
    from recommendations import services
    from tests.recommendations.factories import FieldOfActionFactory

    recommendation = services.recommendation_create(
        title="Bänke am Küchengarten",
        text="Am Küchengarten werden Bänke aufgestellt.",
        field=FieldOfActionFactory(),
        addressee=Recommendation.Addressee.ADMINISTRATION,
        city_wide=True,
    )
    services.recommendation_transition(recommendation=recommendation, to_status="consultation")
    page = Client().get(f"/empfehlungen/{recommendation.slug}/fassungen/").content.decode()
    assert_wraps_are_labelled_regions(page)


def test_the_report_jobs_table_is_a_focusable_region():
    user = fachteam_user()
    ReportJobFactory(requested_by=user, status=ReportJob.Status.FAILED, error="RuntimeError: kaputt")
    assert_wraps_are_labelled_regions(staff_client(user).get("/berichte/").content.decode())


def test_the_four_followup_tables_are_regions_with_their_own_labels():
    owner = fachteam_user()
    yesterday = timezone.localdate() - timedelta(days=1)
    CommitmentFactory(due_date=yesterday).owners.add(owner)
    RecommendationFactory(status=Recommendation.Status.IN_PROGRESS, due_date=yesterday).owners.add(owner)
    page = staff_client(owner).get("/verbindlichkeit/").content.decode()
    assert page.count('role="region"') == 4
    assert_wraps_are_labelled_regions(page)


def test_the_reflection_tables_are_focusable_regions():
    workshop = held_workshop()
    reflection = submitted_reflection(workshop)
    CommitmentFactory(reflection=reflection)
    page = staff_client(lead_of(workshop)).get(f"/moderation/reflexionen/{reflection.pk}/").content.decode()
    assert page.count('role="region"') == 2
    assert_wraps_are_labelled_regions(page)


def test_the_commitment_and_feedback_tables_of_a_documentation_are_focusable_regions():
    workshop = held_workshop()
    CommitmentFactory(reflection=submitted_reflection(workshop), public=True)
    for _ in range(5):
        FeedbackResponseFactory(workshop=workshop)
    page = Client().get(f"/werkstaetten/{workshop.slug}/dokumentation/").content.decode()
    assert 'class="commitment-table"' in page and 'class="feedback-table"' in page
    assert_wraps_are_labelled_regions(page)
    assert page.count('role="region"') == page.count("<table")


def test_the_checklist_of_a_plan_is_a_focusable_region():
    plan = plan_for()
    page = staff_client(plan.planner).get(f"/planung/{plan.pk}/").content.decode()
    assert 'role="region"' in page
    assert_wraps_are_labelled_regions(page)


def test_the_roles_table_of_a_workshop_record_is_a_focusable_region():
    plan = plan_for()
    WorkshopTeamMemberFactory(workshop=plan.workshop, user=plan.planner)
    page = staff_client(plan.planner).get(f"/planung/werkstaetten/{plan.workshop.slug}/rollen/").content.decode()
    assert 'class="data-table"' in page
    assert_wraps_are_labelled_regions(page)

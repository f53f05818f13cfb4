"""Who may see drafts, comment, endorse, change, and request and see reports."""

import pytest

from accounts.roles import Role
from recommendations.models import Recommendation
from tests.factories import DistrictFactory, UserFactory
from tests.recommendations.factories import (
    RecommendationFactory,
    ReportJobFactory,
    district_user,
    fachteam_user,
    network_user,
    user_with_role,
)

pytestmark = pytest.mark.django_db
Status = Recommendation.Status


@pytest.fixture
def people():
    district = DistrictFactory(number=10)
    return {
        "fachteam": fachteam_user(),
        "network": network_user(),
        "district": district_user(district),
        "moderation": user_with_role(Role.MODERATION),
        "citizen": UserFactory(),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [("fachteam", True), ("network", True), ("district", False), ("moderation", False), ("citizen", False)],
)
def test_drafts_are_visible_to_network_and_fachteam_only(people, who, expected):
    draft = RecommendationFactory(status=Status.DRAFT)
    assert people[who].has_perm("recommendations.view_recommendation", draft) is expected


def test_public_recommendations_are_visible_to_everyone(people):
    from django.contrib.auth.models import AnonymousUser

    adopted = RecommendationFactory(status=Status.ADOPTED)
    assert AnonymousUser().has_perm("recommendations.view_recommendation", adopted)
    assert people["citizen"].has_perm("recommendations.view_recommendation", adopted)


@pytest.mark.parametrize("perm", ["recommendations.comment", "recommendations.endorse"])
@pytest.mark.parametrize(
    ("who", "status", "expected"),
    [
        ("network", Status.DRAFT, True),
        ("network", Status.CONSULTATION, True),
        ("network", Status.ADOPTED, False),
        ("fachteam", Status.DRAFT, True),
        ("district", Status.DRAFT, False),
        ("citizen", Status.CONSULTATION, False),
    ],
)
def test_comment_and_endorse(people, perm, who, status, expected):
    recommendation = RecommendationFactory(status=status)
    assert people[who].has_perm(perm, recommendation) is expected


@pytest.mark.parametrize(("who", "expected"), [("fachteam", True), ("network", False), ("district", False)])
def test_only_fachteam_changes_recommendations(people, who, expected):
    recommendation = RecommendationFactory()
    assert people[who].has_perm("recommendations.change_recommendation", recommendation) is expected


@pytest.mark.parametrize(
    ("who", "expected"), [("fachteam", True), ("district", True), ("network", False), ("citizen", False)]
)
def test_reports_are_requested_by_fachteam_and_district_staff(people, who, expected):
    assert people[who].has_perm("recommendations.request_report") is expected


def test_district_staff_request_district_reports_for_their_districts_only(people):
    own = DistrictFactory(number=10)
    other = DistrictFactory(number=1, name="Mitte", slug="mitte")
    assert people["district"].has_perm("recommendations.request_district_report", own)
    assert not people["district"].has_perm("recommendations.request_district_report", other)


def test_report_jobs_are_seen_by_requester_and_fachteam(people):
    job = ReportJobFactory(requested_by=people["district"])
    assert people["district"].has_perm("recommendations.view_reportjob", job)
    assert people["fachteam"].has_perm("recommendations.view_reportjob", job)
    other = district_user(DistrictFactory(number=10))
    assert not other.has_perm("recommendations.view_reportjob", job)

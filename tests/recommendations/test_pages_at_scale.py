"""Staff pages that offered every workshop in a select stay small at ten times city scale (the report page's
picker and the admin's evidence autocomplete), and their queries do not grow with the number of workshops."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.auth import login_with_mfa
from tests.factories import WorkshopFactory
from tests.recommendations.factories import RecommendationFactory, fachteam_user
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def test_report_page_queries_do_not_grow_with_the_workshops(client):
    WorkshopFactory()
    login_with_mfa(client, fachteam_user())
    client.get("/berichte/")  # warm-up: per-process caches of the first request
    few, _page = _queries(client, "/berichte/")
    for _ in range(5):
        WorkshopFactory()
    assert _queries(client, "/berichte/")[0] == few


def test_admin_recommendation_form_links_workshops_by_search_not_a_full_select(client):
    recommendation = RecommendationFactory()
    workshops = [WorkshopFactory(status=Workshop.Status.PUBLISHED, title=f"Nicht angeboten {n}") for n in range(3)]
    login_with_mfa(client, fachteam_user())
    url = f"/admin/recommendations/recommendation/{recommendation.pk}/change/"
    client.get(url)  # warm-up: per-process caches of the first request
    few, page = _queries(client, url)
    assert 'class="admin-autocomplete' in page
    assert not any(w.title in page for w in workshops)
    for _ in range(5):
        WorkshopFactory()
    assert _queries(client, url)[0] == few


def test_admin_recommendation_form_queries_do_not_grow_with_its_inline_rows(client):
    from recommendations import services
    from tests.recommendations.factories import CommentFactory, EndorsementFactory, MilestoneFactory

    recommendation = RecommendationFactory()
    login_with_mfa(client, fachteam_user())
    url = f"/admin/recommendations/recommendation/{recommendation.pk}/change/"
    client.get(url)  # warm-up: per-process caches of the first request
    few, _page = _queries(client, url)
    for n in range(3):
        CommentFactory(recommendation=recommendation)
        EndorsementFactory(recommendation=recommendation)
        MilestoneFactory(recommendation=recommendation)
        services.recommendation_set_progress(recommendation=recommendation, progress=10 * n + 10, by=fachteam_user())
    assert _queries(client, url)[0] == few
